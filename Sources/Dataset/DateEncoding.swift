import Spec

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a date or datetime column becomes inputs (rule ENC-DATE-PARTS), fitted on the training
/// split: the year standardised like a number (a trend), the periodic parts (month, day of
/// month, day of week, hour) as sine/cosine pairs so December sits next to January and 23:00
/// next to midnight. Only the parts that vary in training are kept (a date-only column has no
/// hour, one year of data no year).
public struct DatePartsEncoding: Sendable, Equatable, Codable {
    /// One part of a date.
    public enum Part: String, Sendable, Equatable, Codable, CaseIterable {
        /// The year with the elapsed part of it as a fraction (noon on 2 July 2013 is about
        /// 2013.5): one standardised input, a trend. Whole years alone would make the last
        /// hours of a one-year file (in another year once converted to UTC) outliers of dozens
        /// of deviations; the fraction keeps them next to their neighbours.
        case year
        /// Month 1...12 on a circle of 12.
        case month
        /// Day of the month on a circle of that month's length.
        case day
        /// Day of the week (Monday first) on a circle of 7.
        case weekday
        /// Hour of the day with its minutes as a fraction, on a circle of 24.
        case hour

        /// How a profile names it.
        public var label: String {
            switch self {
            case .year: "year"
            case .month: "month"
            case .day: "day of month"
            case .weekday: "day of week"
            case .hour: "hour"
            }
        }
    }

    /// The parts encoded, in `Part` order.
    public var parts: [Part]
    /// Mean of the training years with their fractions (missing values filled with the
    /// median's).
    public var yearMean: Double
    /// Standard deviation of the training years (1 when they do not vary).
    public var yearStandardDeviation: Double
    /// The training median instant: what a missing or unreadable value is encoded as.
    public var fill: DateInstant
    /// A 0/1 missing indicator follows the parts (the training split had missing values).
    public var missingIndicator: Bool

    /// Encoded inputs: one for the year, two for each periodic part, one for the indicator.
    var width: Int {
        parts.reduce(0) { $0 + ($1 == .year ? 1 : 2) } + (missingIndicator ? 1 : 0)
    }

    /// The parts' inputs for `instant` (without the indicator).
    func values(_ instant: DateInstant) -> [Float] {
        let (year, month, day) = instant.civil  // the civil date once for every part
        var out: [Float] = []
        out.reserveCapacity(parts.count * 2)
        func circle(_ position: Double, _ period: Double) {
            let angle = 2 * Double.pi * position / period
            out.append(Float(sin(angle)))
            out.append(Float(cos(angle)))
        }
        for part in parts {
            switch part {
            case .year:
                out.append(Float((instant.fractionalYear - yearMean) / yearStandardDeviation))
            case .month: circle(Double(month - 1), 12)
            case .day:
                circle(
                    Double(day - 1), Double(DateInstant.daysInMonth(year: year, month: month)))
            case .weekday: circle(Double(instant.weekday), 7)
            case .hour: circle(instant.fractionalHour, 24)
            }
        }
        return out
    }

    /// The parts that take more than one value among `instants`, in `Part` order.
    static func varyingParts(_ instants: [DateInstant]) -> [Part] {
        guard let first = instants.first else { return [] }
        let firstCivil = first.civil
        var varies = Set<Part>()
        for instant in instants.dropFirst() {
            let civil = instant.civil
            if civil.year != firstCivil.year { varies.insert(.year) }
            if civil.month != firstCivil.month { varies.insert(.month) }
            if civil.day != firstCivil.day { varies.insert(.day) }
            if instant.weekday != first.weekday { varies.insert(.weekday) }
            if instant.seconds != first.seconds { varies.insert(.hour) }
            if varies.count == Part.allCases.count { break }
        }
        return Part.allCases.filter { varies.contains($0) }
    }

    /// Fits the encoding of a date column on `rows`.
    static func fit(_ column: TableColumn, rows: [Int]) -> DatePartsEncoding {
        let (instants, codes) = dateLevels(column)
        var counts = [Int](repeating: 0, count: instants.count)
        var missing = 0
        for row in rows {
            let code = codes[row]
            if code >= 0, instants[Int(code)] != nil {
                counts[Int(code)] += 1
            } else {
                missing += 1
            }
        }
        let seen = instants.indices.filter { counts[$0] > 0 }.sorted {
            instants[$0]! < instants[$1]!
        }
        // The median instant (the lower one of an even count), walking the sorted levels.
        let present = rows.count - missing
        var fill = DateInstant(days: 0, seconds: 0)
        var walked = 0
        for k in seen {
            walked += counts[k]
            if walked > (present - 1) / 2 {
                fill = instants[k]!
                break
            }
        }
        var parts = varyingParts(seen.map { instants[$0]! })
        if parts.isEmpty { parts = [.year] }  // one date only: still one input, always 0
        let fillYear = fill.fractionalYear
        var sum = Double(missing) * fillYear
        for k in seen { sum += Double(counts[k]) * instants[k]!.fractionalYear }
        let count = Double(max(1, rows.count))
        let mean = sum / count
        var squares = Double(missing) * (fillYear - mean) * (fillYear - mean)
        for k in seen {
            let d = instants[k]!.fractionalYear - mean
            squares += Double(counts[k]) * d * d
        }
        let deviation = (squares / count).squareRoot()
        return DatePartsEncoding(
            parts: parts, yearMean: mean, yearStandardDeviation: deviation > 0 ? deviation : 1,
            fill: fill, missingIndicator: missing > 0)
    }

    /// Writes `rows` of `column` into the encoded output at `offset`.
    /// - Returns: warnings: values that are not dates, missing values where training had none.
    func encode(
        _ name: String, _ column: TableColumn, rows: [Int],
        into output: UnsafeMutableBufferPointer<Float>, offset: Int, width: Int
    ) -> [String] {
        let (instants, codes) = dateLevels(column)
        // Each distinct value is converted once; rows copy their level's inputs.
        let levelValues = instants.map { $0.map(values) }
        let fillValues = values(fill)
        let partsWidth = fillValues.count
        var missing = 0
        var unreadable = 0
        var firstUnreadable: String?
        for (k, row) in rows.enumerated() {
            let base = k * width + offset
            let code = codes[row]
            let encoded: [Float]
            if code >= 0, let known = levelValues[Int(code)] {
                encoded = known
            } else {
                encoded = fillValues
                if missingIndicator { output[base + partsWidth] = 1 }
                if code >= 0 {
                    unreadable += 1
                    if firstUnreadable == nil { firstUnreadable = column.text(row: row) }
                } else {
                    missing += 1
                }
            }
            for p in 0..<partsWidth { output[base + p] = encoded[p] }
        }
        var warnings: [String] = []
        if unreadable > 0 {
            warnings.append(
                "column '\(name)': \(unreadable) value(s) are not dates (first: "
                    + "'\(firstUnreadable ?? "")'), encoded as the training median date "
                    + "(ENC-DATE-PARTS)")
        }
        if missing > 0 && !missingIndicator {
            warnings.append(
                "column '\(name)': \(missing) missing value(s), encoded as the training median "
                    + "date (the training split had none)")
        }
        return warnings
    }
}

/// The column's distinct values as instants (nil where a value is not a date) and each row's
/// level code (-1 missing). A column read as numbers (every value missing, or numbers) has
/// its stray texts as levels and its numbers as unreadable.
func dateLevels(_ column: TableColumn) -> (instants: [DateInstant?], codes: [Int32]) {
    switch column.data {
    case .text(let codes, let levels):
        return (levels.map { DateParsing.parse($0)?.instant }, codes)
    case .numbers(let values):
        var instants: [DateInstant?] = [nil]  // level 0: a number, never a date
        var codes = [Int32](repeating: -1, count: values.count)
        for (row, value) in values.enumerated() where !value.isNaN { codes[row] = 0 }
        for stray in column.strays {
            codes[stray.row] = Int32(instants.count)
            instants.append(DateParsing.parse(stray.text)?.instant)
        }
        return (instants, codes)
    }
}

/// What typing learns from a text column that reads as dates (rule ENC-DATE-PARTS).
struct DateColumnReading {
    /// `.date` or `.datetime`.
    var kind: ColumnKind
    /// The column with the values that are not dates made missing.
    var column: TableColumn
    /// How many present values were not dates in the column's form.
    var unreadable: Int
    /// The first such value's row and text.
    var firstUnreadable: (row: Int, text: String)?
    /// The parts that vary over the whole column.
    var parts: [DatePartsEncoding.Part]
    /// An example value, for the reason text.
    var example: String

    /// At most this share of the present values may fail to read for a column to be dates.
    static let unreadableShare = 0.05

    /// The outcome of looking at a text column as dates.
    enum Outcome {
        /// Not dates (no or few values read as dates).
        case notDates
        /// Mostly dates but too many values are not: kept as text, with a warning.
        case tooManyUnreadable(unreadable: Int, present: Int, first: (row: Int, text: String))
        case dates(DateColumnReading)
    }

    /// Reads `column` as dates when (nearly) all its present values are in one form.
    /// - Parameter listed: the user listed the column in `data.features`: then half of the
    ///   values being dates is enough (the rest are missing), since the user asked for it.
    static func read(_ column: TableColumn, listed: Bool = false) -> Outcome {
        guard case .text(let codes, let levels) = column.data else { return .notDates }
        // Cheap gate: a date starts with four digits and a dash.
        guard levels.contains(where: { looksLikeDate($0) }) else { return .notDates }
        let parsed = levels.map { DateParsing.parse($0) }
        var counts = [Int](repeating: 0, count: levels.count)
        for code in codes where code >= 0 { counts[Int(code)] += 1 }
        var dateCount = 0
        var dateTimeCount = 0
        for k in levels.indices {
            switch parsed[k]?.form {
            case .date: dateCount += counts[k]
            case .dateTime: dateTimeCount += counts[k]
            case nil: break
            }
        }
        let form: DateTextForm = dateTimeCount >= dateCount ? .dateTime : .date
        let readable = max(dateCount, dateTimeCount)
        let present = counts.reduce(0, +)
        guard present > 0, readable * 2 >= present else { return .notDates }
        let good = levels.indices.map { counts[$0] > 0 && parsed[$0]?.form == form }
        let distinct = good.filter { $0 }.count
        // One or two dates: the constant and binary rules say it better.
        guard distinct >= 3 else { return .notDates }
        let unreadable = present - readable
        var first: (row: Int, text: String)?
        if unreadable > 0, let row = codes.firstIndex(where: { $0 >= 0 && !good[Int($0)] }) {
            first = (row, levels[Int(codes[row])])
        }
        if !listed, Double(unreadable) > unreadableShare * Double(present), let first {
            return .tooManyUnreadable(unreadable: unreadable, present: present, first: first)
        }
        var cleaned = column
        if unreadable > 0 {
            cleaned.data = .text(
                codes: codes.map { $0 >= 0 && !good[Int($0)] ? -1 : $0 }, levels: levels)
            cleaned.missingCount += unreadable
        }
        let instants = levels.indices.compactMap { good[$0] ? parsed[$0]?.instant : nil }
        let example = levels.indices.first { good[$0] }.map { levels[$0] } ?? ""
        return .dates(
            DateColumnReading(
                kind: form == .date ? .date : .datetime, column: cleaned,
                unreadable: unreadable, firstUnreadable: first,
                parts: DatePartsEncoding.varyingParts(instants), example: example))
    }

    /// `YYYY-` at the start.
    private static func looksLikeDate(_ text: String) -> Bool {
        var count = 0
        for byte in text.utf8 {
            if count < 4 {
                guard byte >= 48 && byte <= 57 else { return false }
            } else {
                return byte == UInt8(ascii: "-")
            }
            count += 1
        }
        return false
    }
}
