import Testing

@testable import Spec

/// `NumberText.significant`: three significant digits at every magnitude (issue 15: a range
/// test's spread printed as `166810.0537x`).
@Suite struct NumberTextTests {
    @Test(arguments: [
        (166810.0537, "167000"), (1234.5678, "1230"), (999.96, "1000"), (0.01234, "0.0123"),
        (12.345, "12.3"), (-2500.4, "-2500"), (1.5e-5, "1.50e-05"), (3e7, "3.00e+07"), (42, "42"),
    ])
    func significantKeepsThreeDigits(value: Double, text: String) {
        #expect(NumberText.significant(value) == text)
    }
}
