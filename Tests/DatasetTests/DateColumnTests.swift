import Foundation
import Spec
import Testing

@testable import Dataset

/// Issue 14: date and datetime columns (rule ENC-DATE-PARTS), order-independent row numbers,
/// and messy categories.
@Suite struct DateColumnTests {
    let files = TestFiles()

    @Test func iso_forms_parse_with_zones_and_leap_days() throws {
        func parse(_ text: String) -> DateInstant? { DateParsing.parse(text)?.instant }
        let epoch = try #require(parse("1970-01-01"))
        #expect(epoch == DateInstant(days: 0, seconds: 0))
        #expect(DateParsing.parse("1970-01-01")?.form == .date)
        #expect(DateParsing.parse("2013-01-01T10:00:00Z")?.form == .dateTime)
        // 2013-01-01 is day 15706 since the epoch.
        #expect(parse("2013-01-01T10:00:00Z") == DateInstant(days: 15706, seconds: 36000))
        #expect(parse("2013-01-01 10:00") == DateInstant(days: 15706, seconds: 36000))
        #expect(parse("2013-01-01T10:00") == DateInstant(days: 15706, seconds: 36000))
        #expect(parse("2013-01-01T10:00:30.250") == DateInstant(days: 15706, seconds: 36030))
        // Zones convert to UTC, across midnight both ways.
        #expect(parse("2013-01-01T10:00:00+02:00") == DateInstant(days: 15706, seconds: 28800))
        #expect(parse("2013-01-01T01:00:00+02:00") == DateInstant(days: 15705, seconds: 82800))
        #expect(parse("2013-01-01T22:30:00-0500") == DateInstant(days: 15707, seconds: 12600))
        #expect(parse("2013-01-01T10:00:00-05") == DateInstant(days: 15706, seconds: 54000))
        // Leap days: 2012 and 2000 have one, 2013 and 1900 do not.
        #expect(parse("2012-02-29") != nil)
        #expect(parse("2000-02-29") != nil)
        #expect(parse("2013-02-29") == nil)
        #expect(parse("1900-02-29") == nil)
        #expect(parse("2012-03-01")?.days == parse("2012-02-29").map { $0.days + 1 })
        let leap = try #require(parse("2012-02-29"))
        #expect(leap.civil == (2012, 2, 29))
        #expect(leap.weekday == 2)  // a Wednesday
        #expect(try #require(parse("1969-12-31")).days == -1)
        #expect(try #require(parse("1969-12-31")).civil == (1969, 12, 31))
        for bad in [
            "2013-13-01", "2013-00-10", "2013-04-31", "2013-1-01", "2013/01/01", "2013-01-01T",
            "2013-01-01T24:00", "2013-01-01T10:60", "2013-01-01T10:00:00Q", "2013-01-01 10",
            "20130101", "soon", "", "2013-01-01T10:00:00+25:00",
        ] {
            #expect(parse(bad) == nil, "\(bad)")
        }
        // The year input's fraction: noon on 2 July 2013 is half way through the year.
        #expect(try #require(parse("2013-07-02T12:00")).fractionalYear == 2013.5)
        #expect(try #require(parse("2012-01-01")).fractionalYear == 2012)
        // Round trip over 30 years of days, through the civil date.
        for days in stride(from: -3650, to: 7300, by: 17) {
            let instant = DateInstant(days: days, seconds: 0)
            let (y, m, d) = instant.civil
            #expect(DateInstant.days(year: y, month: m, day: d) == days)
        }
    }

    /// 120 rows: a datetime every 7 h 13 min from 2013-01-01, a number and a target.
    private func datetimeCSV(bad: [Int: String] = [:]) -> String {
        var text = "when,x,y\n"
        for row in 0..<120 {
            let seconds = row * (7 * 3600 + 13 * 60)
            let instant = DateInstant(days: 15706, seconds: seconds)
            let (y, m, d) = instant.civil
            let s = instant.seconds
            let when =
                bad[row]
                ?? String(format: "%04d-%02d-%02dT%02d:%02d:00Z", y, m, d, s / 3600, s / 60 % 60)
            text += "\(when),\(Double(row % 17) * 0.5),\(row % 2 == 0 ? "a" : "b")\n"
        }
        return text
    }

    @Test func a_datetime_column_is_typed_and_encoded_as_parts() throws {
        let path = files.write("when.csv", datetimeCSV())
        var options = DataOptions(path: path, target: "y")
        options.numericEncoding = .fixed(.standard)  // x's bins are not this test's subject
        let data = try PreparedData.load(options)
        let when = try #require(data.schema.columns.first { $0.name == "when" })
        #expect(when.kind == .datetime)
        #expect(when.role == .feature)
        #expect(when.reason.contains("ISO datetime"))
        #expect(when.reason.contains("month, day of month, day of week, hour"))
        #expect(when.reason.contains("ENC-DATE-PARTS"))
        #expect(data.warnings.isEmpty, "\(data.warnings)")
        let feature = try #require(data.encoding.features.first { $0.name == "when" })
        guard case .dateParts(let encoding) = feature.method else {
            Issue.record("not date parts: \(feature.method)")
            return
        }
        // One year only (36 days): no year input.
        #expect(encoding.parts == [.month, .day, .weekday, .hour])
        #expect(!encoding.missingIndicator)
        #expect(
            feature.encodedNames == [
                "when.month_sin", "when.month_cos", "when.day_sin", "when.day_cos",
                "when.weekday_sin", "when.weekday_cos", "when.hour_sin", "when.hour_cos",
            ])
        #expect(data.encoding.inputWidth == 9)
        // Row 0 is 2013-01-01T00:00 (a Tuesday): month 0, day 0, weekday 1, hour 0.
        let k = try #require(data.training.sourceRows.firstIndex(of: 0))
        let row = Array(data.training.features[(k * 9)..<(k * 9 + 8)])
        let expected: [Double] = [
            0, 1, 0, 1, sin(2 * .pi / 7), cos(2 * .pi / 7), 0, 1,
        ]
        for (value, wanted) in zip(row, expected) { #expect(abs(Double(value) - wanted) < 1e-6) }
        // Row 10 is 72 h 10 min later: 2013-01-04T00:10, a Friday.
        if let k = data.training.sourceRows.firstIndex(of: 10) {
            let hour = 2 * Double.pi * (10.0 / 60) / 24
            let day = 2 * Double.pi * 3 / 31
            let weekday = 2 * Double.pi * 4 / 7
            let row = Array(data.training.features[(k * 9)..<(k * 9 + 8)])
            let expected = [
                0, 1, sin(day), cos(day), sin(weekday), cos(weekday), sin(hour), cos(hour),
            ]
            for (value, wanted) in zip(row, expected) {
                #expect(abs(Double(value) - wanted) < 1e-6)
            }
        }
    }

    @Test func date_only_columns_have_no_hour_and_a_varying_year_is_standardised() throws {
        var text = "day,y\n"
        for row in 0..<60 {
            let (y, m, d) = DateInstant(days: 15706 + row * 40, seconds: 0).civil
            text += String(format: "%04d-%02d-%02d", y, m, d) + ",\(row % 3)\n"
        }
        let path = files.write("days.csv", text)
        let data = try PreparedData.load(DataOptions(path: path, target: "y"))
        #expect(data.schema.columns[0].kind == .date)
        #expect(data.schema.columns[0].reason.hasPrefix("ISO date ('2013-01-01')"))
        guard case .dateParts(let encoding) = data.encoding.features[0].method else {
            Issue.record("not date parts")
            return
        }
        #expect(encoding.parts == [.year, .month, .day, .weekday])
        #expect(data.encoding.features[0].encodedNames.first == "day.year")
        // The year input is standardised over the training rows: mean 0, deviation 1.
        let width = data.training.featureCount
        let years = (0..<data.training.rowCount).map {
            Double(data.training.features[$0 * width])
        }
        let mean = years.reduce(0, +) / Double(years.count)
        let variance = years.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(years.count)
        #expect(abs(mean) < 1e-5)
        #expect(abs(variance - 1) < 1e-4)
    }

    @Test func a_few_unparseable_dates_are_missing_with_a_located_warning() throws {
        let path = files.write("bad.csv", datetimeCSV(bad: [30: "soon", 77: "2013-02-30"]))
        let data = try PreparedData.load(DataOptions(path: path, target: "y"))
        let when = try #require(data.schema.columns.first { $0.name == "when" })
        #expect(when.kind == .datetime)
        #expect(when.missingCount == 2)
        let warning = try #require(data.warnings.first { $0.contains("'when'") })
        #expect(warning.contains("2 value(s) are not datetimes, read as missing"), "\(warning)")
        // Row 30 is on line 32, its first field.
        #expect(warning.contains("'soon' at \(path):32:1"), "\(warning)")
        guard case .dateParts(let encoding) = data.encoding.features[0].method else {
            Issue.record("not date parts")
            return
        }
        // Missing values are filled with the training median, with an indicator when training
        // holds one of them.
        let inTraining = data.split.training.contains(30) || data.split.training.contains(77)
        #expect(encoding.missingIndicator == inTraining)
        #expect(data.encoding.features[0].encodedNames.last == "when (missing)" || !inTraining)
    }

    @Test func many_unparseable_dates_keep_the_column_as_text_with_a_warning() throws {
        var bad: [Int: String] = [:]
        for row in stride(from: 0, to: 120, by: 6) { bad[row] = "unknown \(row)" }
        let path = files.write("many.csv", datetimeCSV(bad: bad))
        let data = try PreparedData.load(DataOptions(path: path, target: "y"))
        let when = try #require(data.schema.columns.first { $0.name == "when" })
        #expect(when.kind != .datetime)
        #expect(
            data.warnings.contains {
                $0.contains("'when' looks like dates, but 20 of its 120 values are not")
                    && $0.contains("'unknown 0' at \(path):2:1")
            }, "\(data.warnings)")
        // Listed in data.features, it is a datetime all the same, the 20 texts missing.
        let listed = try PreparedData.load(
            DataOptions(path: path, target: "y", features: ["when", "x"]))
        #expect(listed.schema.columns[0].kind == .datetime)
        #expect(listed.schema.columns[0].role == .feature)
        #expect(listed.schema.columns[0].missingCount == 20)
        #expect(
            listed.warnings.contains { $0.contains("20 value(s) are not datetimes") },
            "\(listed.warnings)")
    }

    @Test func a_listed_date_column_is_an_input_and_forced_categorical_wins() throws {
        let path = files.write("when.csv", datetimeCSV())
        let listed = try PreparedData.load(
            DataOptions(path: path, target: "y", features: ["when"]))
        #expect(listed.schema.featureIndices == [0])
        #expect(listed.schema.columns[0].kind == .datetime)
        let forced = try PreparedData.load(
            DataOptions(path: path, target: "y", categorical: ["when"]))
        #expect(forced.schema.columns[0].kind == .category)
    }

    @Test func old_encoding_json_still_decodes_and_the_new_case_round_trips() throws {
        // A model file's encoding as written before date parts existed.
        let old = """
            {"features":[
              {"name":"x","method":{"number":{"median":1.5,"mean":1.25,"standardDeviation":2,
                "missingIndicator":true}}},
              {"name":"flag","method":{"binary":{"levels":["no","yes"],"missingIndicator":false}}},
              {"name":"colour","method":{"oneHot":{"levels":["blue","red"],"missingLevel":true}}}
            ],
            "target":{"classes":{"name":"y","labels":["a","b"]}},
            "format":{"delimiter":44,"missingMarkers":["","NA"]}}
            """
        let decoded = try JSONDecoder().decode(DataEncoding.self, from: Data(old.utf8))
        #expect(
            decoded.features.map(\.method) == [
                .number(median: 1.5, mean: 1.25, standardDeviation: 2, missingIndicator: true),
                .binary(levels: ["no", "yes"], missingIndicator: false),
                .oneHot(levels: ["blue", "red"], missingLevel: true),
            ])
        #expect(decoded.inputWidth == 6)
        let path = files.write("when.csv", datetimeCSV(bad: [5: "NA"]))
        let data = try PreparedData.load(DataOptions(path: path, target: "y"))
        let json = try JSONEncoder().encode(data.encoding)
        let restored = try JSONDecoder().decode(DataEncoding.self, from: json)
        #expect(restored == data.encoding)
        // Reapplied to the file, every row encodes as in training.
        let (again, _) = try restored.apply(toFile: path)
        let width = data.training.featureCount
        for (k, row) in data.training.sourceRows.enumerated() {
            #expect(
                Array(again.features[(row * width)..<((row + 1) * width)])
                    == Array(data.training.features[(k * width)..<((k + 1) * width)]))
        }
    }

    @Test func unparseable_dates_in_a_new_file_warn_and_take_the_median() throws {
        let path = files.write("when.csv", datetimeCSV())
        let data = try PreparedData.load(DataOptions(path: path, target: "y"))
        let new = files.write(
            "new.csv", "when,x\n2013-01-02T05:00:00Z,1\nlater,2\n,3\n2014-06-01 12:30,4\n")
        let (rows, warnings) = try data.encoding.apply(toFile: new)
        #expect(rows.rowCount == 4)
        #expect(
            warnings.contains { $0.contains("1 value(s) are not dates (first: 'later')") },
            "\(warnings)")
        #expect(warnings.contains { $0.contains("1 missing value(s)") }, "\(warnings)")
        #expect(rows.features.allSatisfy { $0.isFinite })
        // The space-separated form reads the same as the T form.
        let hour = 2 * Double.pi * 12.5 / 24
        let width = rows.featureCount
        #expect(abs(Double(rows.features[3 * width + 6]) - sin(hour)) < 1e-6)
    }

    @Test func shuffled_row_numbers_are_an_identifier() throws {
        // 200 rows; `n` is 1...200 in a shuffled order, `k` a permutation with a gap (a real
        // number column), `small` a permutation of 0..<30 repeated (not unique).
        var order = Array(1...200)
        var generator = SystemRandomNumberGenerator()
        order.shuffle(using: &generator)
        if order == Array(1...200) { order.swapAt(0, 1) }
        var text = "n,k,y\n"
        for row in 0..<200 {
            let k = order[row] < 100 ? order[row] : order[row] + 5
            text += "\(order[row]),\(k),\(row % 2)\n"
        }
        let path = files.write("rows.csv", text)
        let data = try PreparedData.load(DataOptions(path: path, target: "y"))
        #expect(data.schema.columns[0].kind == .identifier)
        #expect(data.schema.columns[0].role == .excluded)
        #expect(data.schema.columns[0].reason.contains("1...200, each once: row numbers"))
        #expect(data.schema.columns[1].kind == .number)
        // Ascending row numbers keep their reason.
        let ascending = files.write(
            "ascending.csv",
            "n,k,y\n" + (0..<200).map { "\($0),\(($0 * 7) % 13),\($0 % 2)" }.joined(separator: "\n")
        )
        let typed = try PreparedData.load(DataOptions(path: ascending, target: "y"))
        #expect(typed.schema.columns[0].kind == .identifier)
        #expect(typed.schema.columns[0].reason.contains("ascending"))
    }

    @Test func categories_differing_only_by_surrounding_spaces_are_one_level() throws {
        var text = "colour,x,y\n"
        let spellings = ["red", " red", "red  ", "\" blue \"", "blue", "green"]
        for row in 0..<60 {
            text += "\(spellings[row % spellings.count]),\(row),\(row % 2 == 0 ? "a" : "b")\n"
        }
        let path = files.write("spaces.csv", text)
        let data = try PreparedData.load(DataOptions(path: path, target: "y"))
        #expect(data.schema.columns[0].kind == .category)
        #expect(data.schema.columns[0].distinctCount == 3)
        guard case .oneHot(let levels, _) = data.encoding.features[0].method else {
            Issue.record("not one-hot")
            return
        }
        #expect(levels == ["blue", "green", "red"])
        #expect(
            data.warnings.contains {
                $0.contains("'colour': 30 of 60 values had leading or trailing spaces, trimmed")
            }, "\(data.warnings)")
        // A space after every delimiter is the file's style, not messy categories: no warning.
        let styled = files.write(
            "styled.csv",
            "colour, x, y\n"
                + (0..<60).map { "\(["red", "blue", "green"][$0 % 3]), \($0), \($0 % 2)" }
                .joined(separator: "\n"))
        let clean = try PreparedData.load(DataOptions(path: styled, target: "y"))
        #expect(clean.schema.columns[0].distinctCount == 3)
        #expect(!clean.warnings.contains { $0.contains("spaces") }, "\(clean.warnings)")
    }

    @Test func a_column_that_turns_from_numbers_to_text_halfway_is_text_with_a_warning() throws {
        // The reader decides from the first 1000 rows (numbers); the last 1200 are words.
        var text = "code,x,y\n"
        for row in 0..<2200 {
            let code = row < 1000 ? String(row % 7) : ["alpha", "beta", "gamma"][row % 3]
            text += "\(code),\(Double(row % 13)),\(row % 2 == 0 ? "a" : "b")\n"
        }
        let path = files.write("halfway.csv", text)
        let data = try PreparedData.load(DataOptions(path: path, target: "y"))
        #expect(data.schema.columns[0].kind == .category)
        #expect(data.schema.columns[0].distinctCount == 10)
        #expect(
            data.warnings.contains {
                $0.contains("'code' holds 1000 numbers and 1200 texts")
                    && $0.contains("'beta' at \(path):1002:1")
            }, "\(data.warnings)")
        // An ignored column is not worth a warning.
        let ignored = try PreparedData.load(DataOptions(path: path, target: "y", ignore: ["code"]))
        #expect(ignored.warnings.isEmpty, "\(ignored.warnings)")
    }

    @Test func a_year_that_barely_varies_gives_no_outliers() throws {
        // Hourly for 2013 in local time, written in UTC: the last hours fall in 2014 (as in
        // nycflights13's time_hour). Whole years would put those rows dozens of deviations out.
        var text = "when,y\n"
        for row in 0..<(365 * 6 + 30) {
            let instant = DateInstant(days: 15706, seconds: row * 4 * 3600 + 5 * 3600)
            let (y, m, d) = instant.civil
            let s = instant.seconds
            text +=
                String(format: "%04d-%02d-%02dT%02d:00:00Z", y, m, d, s / 3600)
                + ",\(row % 3)\n"
        }
        let path = files.write("year.csv", text)
        let data = try PreparedData.load(DataOptions(path: path, target: "y"))
        guard case .dateParts(let encoding) = data.encoding.features[0].method else {
            Issue.record("not date parts")
            return
        }
        #expect(encoding.parts.first == .year)
        let width = data.training.featureCount
        for split in [data.training, data.validation, data.test] {
            let years = (0..<split.rowCount).map { split.features[$0 * width] }
            #expect(years.allSatisfy { abs($0) < 2 }, "\(years.max() ?? 0)")
        }
    }

    @Test func dates_after_a_thousand_empty_rows_are_still_dates() throws {
        // The reader sees only empty fields in its first rows and stores numbers: the dates
        // arrive as strays, and are a datetime column all the same, without a warning.
        var text = "when,x,y\n"
        for row in 0..<1300 {
            let when =
                row < 1100
                ? "" : String(format: "2013-05-%02dT%02d:30:00Z", row % 28 + 1, row % 24)
            text += "\(when),\(row % 9),\(row % 2 == 0 ? "a" : "b")\n"
        }
        let path = files.write("late.csv", text)
        let data = try PreparedData.load(DataOptions(path: path, target: "y"))
        #expect(data.schema.columns[0].kind == .datetime)
        #expect(data.schema.columns[0].missingCount == 1100)
        #expect(data.warnings.isEmpty, "\(data.warnings)")
        // The saved encoding reads such a file the same way at predict time.
        let (rows, warnings) = try data.encoding.apply(toFile: path)
        #expect(rows.rowCount == 1300)
        #expect(!warnings.contains { $0.contains("not dates") }, "\(warnings)")
    }
}
