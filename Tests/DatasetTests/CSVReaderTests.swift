import Foundation
import Random
import Testing

@testable import Dataset

@Suite struct DecimalParsingTests {
    private func strtodValue(_ text: String) -> Double { strtod(text, nil) }

    @Test func tricky_values_match_strtod_bit_for_bit() {
        let cases = [
            "0", "-0", "0.0", "1", "-1", "0.1", "0.2", "0.3", "1.5", "3.14159", "2.5e-3", "1E5",
            "+3", ".5", "5.", "-.25", "1e-400", "1e308", "1.7976931348623157e308", "4.9e-324",
            "2.2250738585072014e-308", "123456789012345678901234", "9007199254740993",
            "9007199254740992", "0.000000000000000000000000000001", "1e22", "1e23", "8.5e-23",
            "12345678901234567890.123", "0.1000000000000000055511151231257827",
            "2.47032822920623272e-324", "1.00000000000000011102230246251565404236316680908203125",
            "000123.4500", "7.0e+02", "6.02214076e23",
        ]
        for text in cases {
            let parsed = parseDecimal(text)
            #expect(parsed?.bitPattern == strtodValue(text).bitPattern, "\(text)")
        }
    }

    @Test func random_round_trips_match_strtod() {
        var generator = SeededGenerator(seed: 7)
        for k in 0..<20_000 {
            let bits = generator.next()
            var value = Double(bitPattern: bits)
            if !value.isFinite { value = Double(bits >> 12) * 1e-5 }
            let format = ["%.17g", "%.9g", "%g", "%.3e", "%.6f"][k % 5]
            let text = String(format: format, value)
            guard text.allSatisfy({ "0123456789.eE+-".contains($0) }) else { continue }
            #expect(parseDecimal(text)?.bitPattern == strtodValue(text).bitPattern, "\(text)")
        }
    }

    @Test func rejects_what_is_not_a_plain_decimal() {
        for text in [
            "", "-", "+", ".", "e5", "1e", "1e+", "inf", "nan", "NaN", "0x10", "1.2.3",
            "1 2", "12a", "--1", "1,5",
        ] {
            #expect(parseDecimal(text) == nil, "\(text)")
        }
    }
}

@Suite struct CSVReaderTests {
    let files = TestFiles()

    private func text(_ table: DataTable, _ column: Int) -> [String?] {
        guard case .text(let codes, let levels) = table.columns[column].data else { return [] }
        return codes.map { $0 < 0 ? nil : levels[Int($0)] }
    }

    private func numbers(_ table: DataTable, _ column: Int) -> [Float] {
        guard case .numbers(let values) = table.columns[column].data else { return [] }
        return values
    }

    @Test func quoted_fields_hold_delimiters_quotes_and_newlines() throws {
        let path = files.write(
            "quoted.csv",
            "name,note,x\r\n\"Smith, J\",\"said \"\"hi\"\"\",1\r\nplain,\"two\nlines\",2\r\n"
                + "\"\",\"\",3\r\n")
        let table = try CSVReader.read(path: path)
        #expect(table.rowCount == 3)
        #expect(table.columnNames == ["name", "note", "x"])
        #expect(text(table, 0) == ["Smith, J", "plain", nil])
        #expect(text(table, 1) == ["said \"hi\"", "two\nlines", nil])
        #expect(numbers(table, 2) == [1, 2, 3])
        #expect(table.columns[0].missingCount == 1)
    }

    @Test func bom_semicolons_tabs_and_missing_markers() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let semicolon = files.write(
            "semi.csv", bytes: bom + Array("a;b\n1,5;NA\n2;?\n\n3;null\n".utf8))
        let table = try CSVReader.read(path: semicolon)
        #expect(table.delimiter == UInt8(ascii: ";"))
        #expect(table.columnNames == ["a", "b"])
        #expect(table.rowCount == 3)  // the blank line is skipped
        // "1,5" is 1.5: `;`-separated files write decimals with a comma (issue 12).
        #expect(numbers(table, 0) == [1.5, 2, 3])
        #expect(table.columns[0].strays.isEmpty)
        #expect(table.columns[1].missingCount == 3)
        let tabs = files.write("tabs.tsv", "a\tb\n 1 \t x\n2\ty\n")
        let tabTable = try CSVReader.read(path: tabs)
        #expect(tabTable.delimiter == 9)
        #expect(numbers(tabTable, 0) == [1, 2])
        #expect(text(tabTable, 1) == ["x", "y"])
        let forced = try CSVReader.read(path: tabs, format: CSVFormat(delimiter: UInt8(ascii: ",")))
        #expect(forced.columnNames == ["a\tb"])
    }

    @Test func last_line_without_newline_and_custom_markers() throws {
        let path = files.write("last.csv", "a,b\n-999,1\n4,2")
        let table = try CSVReader.read(
            path: path, format: CSVFormat(missingMarkers: ["", "-999"]))
        #expect(numbers(table, 0)[0].isNaN)
        #expect(numbers(table, 0)[1] == 4)
        #expect(numbers(table, 1) == [1, 2])
        #expect(table.columns[0].missingCount == 1)
    }

    @Test func large_files_parse_the_same_in_parallel_and_across_chunks() throws {
        // ~20 MB of numbers: several 8 MB chunks, each split across two threads.
        var generator = SeededGenerator(seed: 3)
        var numeric = "a,b,c,label\n"
        var expectedA: [Float] = []
        for row in 0..<400_000 {
            let a = Double(generator.nextIndex(below: 2_000_000)) / 1000 - 1000
            expectedA.append(Float(a))
            numeric += "\(a),\(row % 7),\(-0.001 * Double(row)),c\(row % 3)\n"
        }
        let path = files.write("big.csv", numeric)
        let parallel = try CSVReader.read(path: path, parallel: true)
        let sequential = try CSVReader.read(path: path, parallel: false)
        #expect(parallel == sequential)
        #expect(parallel.rowCount == 400_000)
        #expect(numbers(parallel, 0) == expectedA)
        #expect(text(parallel, 3).prefix(4) == ["c0", "c1", "c2", "c0"])
        // Quoted newlines in a file larger than a chunk take the sequential path and still
        // split records correctly across chunk boundaries.
        var quoted = "id,text\n"
        for row in 0..<200_000 { quoted += "\(row),\"line one, \"\"q\"\"\nline \(row % 5)\"\n" }
        let quotedTable = try CSVReader.read(path: files.write("quoted-big.csv", quoted))
        #expect(quotedTable.rowCount == 200_000)
        #expect(numbers(quotedTable, 0).last == 199_999)
        #expect(text(quotedTable, 1)[123_456] == "line one, \"q\"\nline 1")
    }

    @Test func seeded_generator_state_saves_and_restores() throws {
        var generator = SeededGenerator(seed: 42)
        _ = (0..<10).map { _ in generator.next() }
        let saved = try JSONEncoder().encode(generator)
        let expected = (0..<5).map { _ in generator.next() }
        var restored = try JSONDecoder().decode(SeededGenerator.self, from: saved)
        #expect((0..<5).map { _ in restored.next() } == expected)
        var a = SeededGenerator(seed: 1)
        var b = SeededGenerator(seed: 2)
        #expect(a.next() != b.next())
        // nextIndex stays in range and hits every value.
        var seen = Set<Int>()
        for _ in 0..<1000 { seen.insert(a.nextIndex(below: 7)) }
        #expect(seen == Set(0..<7))
    }
}
