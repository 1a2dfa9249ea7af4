import Foundation
import Random
import Testing

@testable import Dataset

/// Columns at scale (issue 14): the probe's cap on wide one-hot encodings, a type that changes
/// halfway down a file, and exact number parsing on awkward spellings.
@Suite struct ScaleTests {
    let files = TestFiles()

    /// Rows with two numbers, a `wide` category of `levels` levels and a target; the same rows
    /// without the `wide` column when `withWide` is false.
    private func wideCategoryCSV(
        rows: Int, levels: Int, regression: Bool, withWide: Bool
    )
        -> String
    {
        var generator = SeededGenerator(seed: 14)
        var text = withWide ? "a,b,wide,y\n" : "a,b,y\n"
        for row in 0..<rows {
            let a = generator.nextUnitDouble() * 4 - 2
            let b = generator.nextUnitDouble() * 4 - 2
            let noise = generator.nextUnitDouble() - 0.5
            let level = "L\(row % levels)"
            let y =
                regression
                ? String(format: "%.4f", 2 * a - b + noise)
                : (a - b + noise > 0 ? "up" : "down")
            text += String(format: "%.4f,%.4f,", a, b) + (withWide ? level + "," : "") + y + "\n"
        }
        return text
    }

    @Test(arguments: [true, false])
    func probe_fits_a_category_wider_than_its_cap_by_level(regression: Bool) throws {
        let levels = LinearProbe.maxInputs + 88
        let wide = try PreparedData.load(
            DataOptions(
                path: files.write(
                    "wide.csv",
                    wideCategoryCSV(
                        rows: 3 * levels, levels: levels, regression: regression, withWide: true)),
                target: "y"))
        let narrow = try PreparedData.load(
            DataOptions(
                path: files.write(
                    "narrow.csv",
                    wideCategoryCSV(
                        rows: 3 * levels, levels: levels, regression: regression,
                        withWide: false)),
                target: "y"))
        #expect(wide.encoding.inputWidth > LinearProbe.maxInputs)
        let wideInputs = try #require(wide.encoding.features.first { $0.name == "wide" }).width
        let probe = LinearProbe.run(wide)
        #expect(probe.levelColumns == ["wide"])
        let reference = LinearProbe.run(narrow)
        #expect(reference.levelColumns == nil)
        // `wide` carries no signal (a row's level is its number modulo the levels): the
        // validation score stays the one without it, within what its noise weights cost.
        if regression {
            #expect(abs(probe.validationR2! - reference.validationR2!) < 0.05)
        } else {
            #expect(abs(probe.validationAccuracy! - reference.validationAccuracy!) < 0.05)
        }
        // Above ENC-ONEHOT-MAX but one-hot: no level has the rows an embedding needs.
        #expect(
            DataProfile(wide).text.contains(
                "one-hot (ENC-ONEHOT-MAX: \(wideInputs) > 16 levels, but fewer than 2 have the "
                    + "ENC-RARE-OTHER minimum of 10 rows to embed)"))
        #expect(
            DataProfile(wide).text.contains(
                "fitted by level (one weight per level, read by index): wide (\(wideInputs) levels)"
            ))
    }

    @Test func probe_inputs_keep_everything_under_the_cap() throws {
        let data = try PreparedData.load(
            DataOptions(path: repoData("penguins.csv"), target: "species"))
        let inputs = ProbeInputs(data.encoding, limit: LinearProbe.maxInputs)
        #expect(inputs.kept == nil && inputs.levelColumns.isEmpty)
        #expect(inputs.narrow(data.training) == data.training)
        #expect(inputs.levelRows(data.training) == nil)
        // A tight limit fits one-hot columns by level, widest first, keeping the order of the
        // rest.
        let tight = ProbeInputs(data.encoding, limit: data.encoding.inputWidth - 1)
        let oneHot = data.encoding.features.filter {
            if case .oneHot = $0.method { return true }
            return false
        }
        let widest = try #require(oneHot.max { $0.width < $1.width })
        #expect(tight.levelNames == [widest.name])
        let narrowed = tight.narrow(data.training)
        #expect(narrowed.featureCount == data.encoding.inputWidth - widest.width)
        #expect(narrowed.rowCount == data.training.rowCount)
        // Each row's level is the position of the 1 in its block.
        let levelRows = try #require(tight.levelRows(data.training))
        let offset = data.encoding.features.prefix { $0.name != widest.name }.reduce(0) {
            $0 + $1.width
        }
        for row in 0..<data.training.rowCount {
            let block = (0..<widest.width).map {
                data.training.features[row * data.encoding.inputWidth + offset + $0]
            }
            let level = Int(levelRows.tableRows[row])
            #expect(level == (block.firstIndex(of: 1) ?? widest.width))
        }
    }

    @Test func a_column_that_turns_to_text_halfway_is_read_and_named() throws {
        var text = "x,z,y\n"
        for row in 0..<4_000 {
            let x = row < 2_000 ? String(Double(row % 50) * 0.5) : "code\(row % 37)"
            text += "\(x),\(Double(row % 11) * 0.5),\(row % 3)\n"
        }
        let path = files.write("halfway.csv", text)
        // The reader never fails on it: the numbers come first, the strings are kept aside.
        let table = try CSVReader.read(path: path)
        #expect(table.rowCount == 4_000)
        let column = table.columns[0]
        #expect(column.strays.count == 2_000)
        #expect(column.strays.first?.row == 2_000)
        // Typing makes it a category (mostly strings that are not a few strays).
        let data = try PreparedData.load(DataOptions(path: path, target: "y"))
        #expect(data.schema.columns[0].kind == .category)
    }

    @Test func a_few_strings_after_many_numbers_are_located() throws {
        var text = "x,y\n"
        for row in 0..<3_000 {
            let x = row == 2_500 ? "oops" : String(Double(row) * 0.25)
            text += "\(x),\(Double(row % 7))\n"
        }
        let path = files.write("late_stray.csv", text)
        do {
            _ = try PreparedData.load(DataOptions(path: path, target: "y"))
            Issue.record("expected a stray-string error")
        } catch let error as DataError {
            #expect(error.kind == .strayStrings)
            #expect(error.location?.line == 2_502)
            #expect(error.message.contains("'oops' (line 2502)"))
        }
    }

    @Test func parsed_numbers_equal_strtod_on_awkward_spellings() {
        var spellings = [
            "0", "-0", "+0.0", "1e0", "1E+2", "1e-2", ".5", "5.", "-.5e1", "007", "0.1", "0.2",
            "0.30000000000000004", "9007199254740993", "9007199254740992.5",
            "123456789012345678901234567890", "1e22", "1e23", "1e-22", "1e-23", "4.9e-324",
            "2.2250738585072011e-308", "1.7976931348623157e308", "1e309", "1e-400",
            "3.4028235e38", "3.4028236e38", "1.17549435e-38", "1.4e-45", "0.000000000000000001",
            "12345678901234567890", "1234567890123456789",
            // Halfway between two Floats once read as a Double: rounding twice would go wrong.
            "1.0000000596046447755", "1.00000005960464477539062500001",
            "1.000000059604644775390625",
            "16777217.000000001", "3.0000001788139343262", "7.0064923216240861e-46", "1e-44",
            "18446744073709551615",
            "18446744073709551616", "-999", "2.5e-3", "99999999999999999999e-20",
        ]
        var generator = SeededGenerator(seed: 99)
        for _ in 0..<2_000 {
            let digits = 1 + Int(generator.next() % 20)
            var text = generator.next() % 2 == 0 ? "-" : ""
            let point = Int(generator.next() % UInt64(digits + 1))
            for k in 0..<digits {
                if k == point { text += "." }
                text += String(generator.next() % 10)
            }
            if generator.next() % 3 == 0 { text += "e\(Int(generator.next() % 80) - 40)" }
            spellings.append(text)
        }
        for text in spellings {
            guard let parsed = parseDecimal(text) else {
                Issue.record("'\(text)' did not parse")
                continue
            }
            let reference = strtod(text, nil)
            #expect(parsed.bitPattern == reference.bitPattern, "\(text)")
            // The table stores Float: the same as rounding the text once, as Float(String).
            let single = text.utf8CString.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: UInt8.self) {
                    nearestFloat(parsed, $0.baseAddress!, $0.count - 1)
                }
            }
            if let expected = Float(text), expected.isFinite {
                #expect(single.bitPattern == expected.bitPattern, "\(text)")
            }
        }
    }
}

/// The reader's fused numeric path against the field-by-field rules, on records that take it
/// and records that must leave it.
@Suite struct NumericFastPathTests {
    let files = TestFiles()

    @Test func fused_numeric_records_read_as_the_field_rules_say() throws {
        var generator = SeededGenerator(seed: 1414)
        let spellings = [
            "", "NA", " 2.5", "3.25 ", "1e3", "-4.5E-2", "+7", ".5", "5.", "-0", "0.000",
            "12345678901234567890.5", "9007199254740993", "1.0000000596046447755",
        ]
        var text = "a,b,c\n"
        var expected: [[Float]] = [[], [], []]
        for row in 0..<3_000 {
            var fields: [String] = []
            for j in 0..<3 {
                let field: String
                if generator.next() % 10 == 0 {
                    field = spellings[Int(generator.next() % UInt64(spellings.count))]
                } else {
                    let value = Double(Int(generator.next() % 2_000_001) - 1_000_000) / 1_000
                    field = String(value)
                }
                fields.append(field)
                let trimmed = field.trimmingSpaces
                if parseDecimal(trimmed) != nil {
                    expected[j].append(Float(trimmed)!)
                } else {
                    expected[j].append(.nan)
                }
            }
            text += fields.joined(separator: ",")
            text += row % 7 == 3 ? "\r\n" : "\n"
            if row % 500 == 250 { text += "\n" }  // a blank line
        }
        text.removeLast()  // the last record without its line break
        let table = try CSVReader.read(path: files.write("mixed.csv", text))
        #expect(table.rowCount == 3_000)
        for j in 0..<3 {
            guard case .numbers(let values) = table.columns[j].data else {
                Issue.record("column \(j) is not numeric")
                continue
            }
            #expect(values.map(\.bitPattern) == expected[j].map(\.bitPattern), "column \(j)")
        }
    }

    @Test func fused_numbers_are_the_nearest_floats_of_their_text() throws {
        var generator = SeededGenerator(seed: 1415)
        // Near halfway points between Floats (a multiply by a rounded 10^-k must not tip them).
        var values = [
            "1.000000059604644775", "1.000000059604644776", "1.000000059604644774",
            "16777217.0000000001", "16777216.9999999999", "16777217", "3.0000001788139343",
            "0.1", "0.30000001192092896", "33554433", "-33554435.00000000",
        ]
        for _ in 0..<20_000 {
            let digits = 1 + Int(generator.next() % 19)
            let point = Int(generator.next() % UInt64(digits + 1))
            var text = generator.next() % 2 == 0 ? "-" : ""
            for k in 0..<digits {
                if k == point { text += "." }
                text += String(generator.next() % 10)
            }
            values.append(text)
        }
        if values.count % 2 == 1 { values.append("0") }
        var text = "a,b\n"
        for pair in stride(from: 0, to: values.count, by: 2) {
            text += values[pair] + "," + values[pair + 1] + "\n"
        }
        let table = try CSVReader.read(path: files.write("nearest.csv", text))
        for j in 0..<2 {
            guard case .numbers(let read) = table.columns[j].data else {
                Issue.record("column \(j) is not numeric")
                continue
            }
            for row in 0..<table.rowCount {
                let spelled = values[2 * row + j]
                #expect(read[row].bitPattern == Float(spelled)!.bitPattern, "\(spelled)")
            }
        }
    }

    @Test func a_ragged_row_after_plain_rows_is_still_located() throws {
        var text = "a,b\n"
        for row in 0..<2_000 { text += "\(row).5,\(row)\n" }
        text += "1.5,2,3\n"
        let path = files.write("ragged_late.csv", text)
        #expect {
            try CSVReader.read(path: path)
        } throws: { error in
            guard let error = error as? DataError else { return false }
            return error.kind == .raggedRow && error.location?.line == 2_002
        }
    }
}

/// The encoded matrix checked against memory before it is allocated.
@Suite struct EncodedSizeTests {
    let files = TestFiles()

    @Test func an_encoding_too_large_for_memory_is_refused_with_its_widest_columns() throws {
        var text = "n,code,y\n"
        for row in 0..<600 { text += "\(Double(row) * 0.5),c\(row),\(row % 2)\n" }
        let path = files.write("codes.csv", text)
        var options = DataOptions(path: path, target: "y")
        options.categorical = ["code"]
        // The real limit passes it; a limit below its 600 x ~420 floats refuses it.
        _ = try PreparedData.load(options)
        #expect {
            try PreparedData.load(options, encodedSizeLimit: 100_000)
        } throws: { error in
            guard let error = error as? DataError else { return false }
            return error.kind == .encodingTooLarge && error.columnName == "code"
                && error.message.contains("widest columns (inputs): 'code' ")
                && error.location?.line == 1 && error.location?.column == 3
                && error.hint?.contains("data.ignore") == true
        }
    }
}
