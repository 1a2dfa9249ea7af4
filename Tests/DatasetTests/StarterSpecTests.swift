import Foundation
import Spec
import Testing

@testable import Dataset

/// The starter spec holds names and values from the CSV; whatever they contain, the YAML must
/// stay valid and mean what was written (found by the CSV fuzzer, Fuzz/fuzz-results.md).
@Suite struct StarterSpecTests {
    let files = TestFiles()

    @Test(
        "a quoted scalar reads back as the text, control characters and line breaks included",
        arguments: [
            "b\u{19}label", "a\nb", "tab\there", "cr\rlf", "nel\u{85}x", "ls\u{2028}ps\u{2029}",
            "del\u{7F}", "c1\u{9F}", "quote\"back\\slash", "non\u{FFFE}char", "bell\u{7}",
            "\u{1B}[31mred",
        ])
    func quotedScalarRoundTrips(text: String) throws {
        let scalar = YAMLText.string(text)
        let parsed = YAMLParser().parse("target: \(scalar)\n", file: "t.yaml")
        #expect(parsed.diagnostics.isEmpty, "\(scalar): \(parsed.diagnostics)")
        #expect(parsed.root?["target"]?.scalar?.text == text, "\(scalar)")
    }

    @Test func excluded_columns_with_line_breaks_stay_inside_their_comment() throws {
        // An identifier column whose name breaks the line, and a one-valued column whose
        // value (quoted in the reason) holds a control character and a CR; x is the input.
        var csv = "\"row\nmodel: 1\",k,x,y\n"
        for row in 1...20 {
            csv += "\(row),\"v\u{1}\r\",\(row * 7 % 5).5,\(row % 2 == 0 ? "a" : "b")\n"
        }
        let path = files.write("odd.csv", csv)
        let profile = DataProfile(try PreparedData.load(DataOptions(path: path, target: "y")))
        #expect(profile.columns.filter { $0.role == .excluded }.count == 2)
        let text = StarterSpec.render(name: "odd", dataPath: "odd.csv", profile: profile)
        let parsed = YAMLParser().parse(text, file: "odd.yaml")
        #expect(parsed.diagnostics.isEmpty, "\(parsed.diagnostics)\n\(text)")
        #expect(
            parsed.root?.entries?.compactMap { $0.key.scalar?.text }
                == ["name", "data", "task", "model", "training"], "\(text)")
        #expect(text.contains("excluded automatically: row\\nmodel: 1 ("))
    }
}

/// Found by the CSV fuzzer (Fuzz/fuzz-results.md): extreme values gave a validation R² near
/// -1e20, and the profile's text trapped converting it to `Int`.
@Suite struct ProfileFormattingTests {
    @Test(
        "huge values are written in the shortest form, not trapped on",
        arguments: [(-1e20, 3, "-1e+20"), (3.5e18, 1, "3.5e+18"), (1e15, 0, "1000000000000000.0")])
    func hugeValues(value: Double, digits: Int, expected: String) {
        #expect(NumberText.fixed(value, digits: digits) == expected)
    }

    @Test func ordinaryValues() {
        #expect(NumberText.fixed(-0.1234, digits: 3) == "-0.123")
        #expect(NumberText.fixed(99.95, digits: 1) == "100.0")
        #expect(NumberText.fixed(12, digits: 2) == "12.00")
        #expect(NumberText.fixed(.infinity, digits: 2) == "inf")
        #expect(NumberText.fixed(999_999_999_999.5, digits: 2) == "999999999999.50")
    }
}
