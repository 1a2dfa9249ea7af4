import Foundation
import Spec
import Testing

@testable import Dataset

@Suite struct BadInputTests {
    let files = TestFiles()

    private func loadError(
        _ path: String, target: String = "y", task: Setting<TaskKind> = .auto
    )
        -> DataError?
    {
        do {
            _ = try PreparedData.load(DataOptions(path: path, target: target, task: task))
            return nil
        } catch let error as DataError {
            return error
        } catch {
            return nil
        }
    }

    @Test func ragged_row_names_the_line_and_the_field_counts() throws {
        let path = files.write("ragged.csv", "a,b,y\n1,2,x\n3,4,y\n5,6\n7,8,x\n")
        let error = try #require(loadError(path))
        #expect(error.kind == .raggedRow)
        #expect(error.location?.line == 4)
        #expect(error.location?.column == 1)
        #expect(error.message == "row has 2 fields, the header has 3")
        #expect(error.description.hasPrefix("\(path):4:1: error: row has 2 fields"))
        // The spec diagnostics' frame (DiagnosticRenderer): gutter, caret, `= help:`.
        #expect(error.description.contains("\n4 | 5,6\n  | ^\n  = help: "))
    }

    @Test func ragged_row_after_a_quoted_newline_counts_physical_lines() throws {
        let path = files.write("ragged2.csv", "a,b,y\n\"x\ny\",2,p\n3,4,5,q\n")
        let error = try #require(loadError(path))
        #expect(error.kind == .raggedRow)
        #expect(error.location?.line == 4)
        #expect(error.message == "row has 4 fields, the header has 3")
    }

    @Test func empty_file_and_header_only() throws {
        let empty = try #require(loadError(files.write("empty.csv", "")))
        #expect(empty.kind == .emptyFile)
        #expect(empty.description.contains("the file is empty"))
        let blank = try #require(loadError(files.write("blank.csv", "\n  \n")))
        #expect(blank.kind == .emptyFile)
        let header = try #require(loadError(files.write("header.csv", "a,b,y\n")))
        #expect(header.kind == .headerOnly)
        #expect(header.location?.line == 1)
        #expect(header.hint?.contains("one line per example") == true)
    }

    @Test func unknown_target_suggests_the_closest_column() throws {
        let path = files.write("t.csv", "sepal_length,species\n1,a\n2,b\n")
        let error = try #require(loadError(path, target: "specis"))
        #expect(error.kind == .unknownColumn)
        #expect(error.columnName == "specis")
        #expect(error.hint?.hasPrefix("did you mean 'species'?") == true)
        #expect(error.sourceLine == "sepal_length,species")
        let far = try #require(loadError(path, target: "zzzzzzzzzz"))
        #expect(far.hint?.contains("did you mean") == false)
    }

    @Test func one_class_target_is_refused() throws {
        let path = files.write("one.csv", "x,y\n1,spam\n2,spam\n3,spam\n")
        let error = try #require(loadError(path))
        #expect(error.kind == .singleClass)
        #expect(error.location?.line == 1)
        #expect(error.location?.column == 3)
        #expect(error.message.contains("one class ('spam', 3 rows)"))
    }

    /// Issue 12: `nan` / `inf` texts turned a numeric column into a 21-level category.
    @Test func nan_and_inf_texts_are_missing_numbers_not_categories() throws {
        var lines = ["x,y"]
        let words = ["nan", "NaN", "inf", "-inf", "+Infinity", "INF", "-nan"]
        for row in 0..<70 {
            let x = row % 10 == 3 ? words[row / 10] : String(Double(row) / 7)
            lines.append("\(x),\(Double(row % 9) * 1.5)")
        }
        let path = files.write("nonfinite.csv", lines.joined(separator: "\n") + "\n")
        let table = try CSVReader.read(path: path)
        let x = try #require(table.columns.first)
        guard case .numbers(let values) = x.data else {
            Issue.record("x should be a number column, is \(x.data)")
            return
        }
        #expect(x.missingCount == 7)
        #expect(values.filter(\.isNaN).count == 7)
        #expect(values.allSatisfy { $0.isNaN || $0.isFinite })
        // Words that only look alike stay text.
        let other = files.write("words.csv", "x,y\nnano,1\ninfo,2\n-in,3\n")
        guard case .text = try CSVReader.read(path: other).columns[0].data else {
            Issue.record("nano/info are words")
            return
        }
    }

    /// Issue 12: with `;` delimiters, decimal commas made every measurement a category.
    @Test func decimal_commas_in_semicolon_files_are_numbers() throws {
        let path = files.write(
            "dc.csv", "a;b;label\n5,1;3,5;x\n4,9;3.0;y\n-0,25;1;x\n7;2,75;y\n;1,5e3;x\n")
        let table = try CSVReader.read(path: path)
        guard case .numbers(let a) = table.columns[0].data,
            case .numbers(let b) = table.columns[1].data
        else {
            Issue.record("a and b should be numbers: \(table.columns.map(\.data))")
            return
        }
        #expect(a.prefix(4) == [5.1, 4.9, -0.25, 7])
        #expect(a[4].isNaN && table.columns[0].missingCount == 1)
        #expect(b == [3.5, 3.0, 1, 2.75, 1500])
        // With commas as delimiters a comma is never a decimal point; `1,2,3` is no number.
        let comma = files.write("c.csv", "a;b\n1,2,3;x\n4,5,6;y\n")
        guard case .text = try CSVReader.read(path: comma).columns[0].data else {
            Issue.record("`1,2,3` is not a number")
            return
        }
    }

    /// Issue 12: a constant regression target trained without complaint.
    @Test func constant_regression_target_is_refused() throws {
        let path = files.write("flat.csv", "x,y\n1,2.5\n2,2.5\n3,\n4,2.5\n")
        let error = try #require(loadError(path))
        #expect(error.kind == .constantTarget)
        #expect(error.location?.line == 1 && error.location?.column == 3)
        #expect(error.message.contains("is 2.5 in every row (3 rows)"))
        // A target that varies is fine.
        let varies = files.write("varies.csv", "x,y\n1,2.5\n2,3.5\n3,2.5\n4,1.25\n")
        #expect(loadError(varies)?.kind != .constantTarget)
    }

    @Test func stray_strings_in_a_number_column_name_their_lines() throws {
        var text = "x,y\n"
        for row in 0..<60 {
            let x = row == 20 ? "n/a?" : row == 45 ? "oops" : String(Double(row) * 1.5)
            text += "\(x),\(row % 2 == 0 ? "a" : "b")\n"
        }
        let path = files.write("stray.csv", text)
        let error = try #require(loadError(path))
        #expect(error.kind == .strayStrings)
        #expect(error.columnName == "x")
        #expect(error.message.contains("'n/a?' (line 22), 'oops' (line 47)"))
        #expect(error.location?.line == 22)
        #expect(error.location?.column == 1)
        #expect(error.hint?.contains("data.categorical") == true)
        #expect(error.hint?.contains("missing-value markers") == true)
        // Forcing the column categorical accepts it.
        var options = DataOptions(path: path, target: "y")
        options.categorical = ["x"]
        let data = try PreparedData.load(options)
        #expect(data.schema.columns[0].kind == .category)
    }

    @Test func non_utf8_and_binary_files_are_located() throws {
        let latin1 = files.write(
            "latin1.csv", bytes: Array("name,y\nabc,1\nJos".utf8) + [0xE9] + Array(",2\n".utf8))
        let error = try #require(loadError(latin1))
        #expect(error.kind == .notUTF8)
        #expect(error.location?.line == 3)
        #expect(error.location?.column == 1)
        #expect(error.hint?.contains("iconv") == true)
        var binary: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D]
        binary += [UInt8](repeating: 7, count: 100)
        let image = try #require(loadError(files.write("image.csv", bytes: binary)))
        #expect(image.kind == .binaryFile)
        #expect(image.location?.line == 3)  // after the PNG signature's two line feeds
    }

    @Test func unterminated_quote_and_missing_file() throws {
        let quote = try #require(loadError(files.write("q.csv", "a,y\n1,x\n\"open,y\n")))
        #expect(quote.kind == .unterminatedQuote)
        #expect(quote.location?.line == 3)
        let missing = try #require(loadError(files.directory + "/nope.csv"))
        #expect(missing.kind == .fileNotReadable)
        #expect(missing.message.contains("No such file"))
    }

    @Test func bad_options_are_reported() throws {
        let path = files.write("ok.csv", "a,y\n1,x\n2,z\n3,x\n4,z\n")
        var options = DataOptions(path: path, target: "y")
        options.validationFraction = 0.6
        options.testFraction = 0.5
        #expect(throws: DataError.self) { try PreparedData.load(options) }
        options = DataOptions(path: path, target: "y", ignore: ["b"])
        do {
            _ = try PreparedData.load(options)
            Issue.record("an unknown ignored column must fail")
        } catch let error as DataError {
            #expect(error.kind == .unknownColumn)
            #expect(error.message == "data.ignore 'b' is not a column of the file")
        }
        let regression = try #require(loadError(path, task: .fixed(.regression)))
        #expect(regression.kind == .targetNotNumeric)
    }
}
