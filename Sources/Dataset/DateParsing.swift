/// A calendar instant read from an ISO 8601 text, in UTC: whole days since 1970-01-01 and
/// seconds into that day (fractions of a second are read but dropped: no part needs them).
public struct DateInstant: Sendable, Equatable, Hashable, Codable, Comparable {
    /// Days since 1970-01-01 (negative before).
    public var days: Int
    /// Seconds since midnight, 0..<86400.
    public var seconds: Int

    /// The instant from its days and seconds (seconds outside one day carry into the days).
    public init(days: Int, seconds: Int) {
        let carry = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        self.days = days + carry
        self.seconds = seconds - carry * 86_400
    }

    /// Seconds since 1970-01-01T00:00:00Z, for ordering and medians.
    public var epochSeconds: Int { days * 86_400 + seconds }

    public static func < (a: DateInstant, b: DateInstant) -> Bool {
        a.epochSeconds < b.epochSeconds
    }

    /// The civil date (proleptic Gregorian): year, month 1...12, day 1...31.
    public var civil: (year: Int, month: Int, day: Int) {
        // Howard Hinnant's days-to-civil: eras of 400 years (146097 days) starting in March,
        // so the leap day is the last day of the year and needs no special case.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Day of the week, Monday 0 ... Sunday 6 (1970-01-01 was a Thursday).
    public var weekday: Int { ((days + 3) % 7 + 7) % 7 }

    /// The hour of the day with its minutes and seconds as a fraction (10:30 is 10.5).
    public var fractionalHour: Double { Double(seconds) / 3600 }

    /// The year plus the elapsed fraction of it (days and the time of day over the year's
    /// length): 2013-01-01T00:00 is 2013.0, 2013-07-02T12:00 is 2013.5.
    public var fractionalYear: Double {
        let year = civil.year
        let start = Self.days(year: year, month: 1, day: 1)
        let length = Double(Self.days(year: year + 1, month: 1, day: 1) - start)
        return Double(year) + (Double(days - start) + Double(seconds) / 86_400) / length
    }

    /// Days since 1970-01-01 of a civil date (Hinnant's civil-to-days).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Days in a month of a year (February has 29 in leap years).
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// The text forms recognised as dates (rule ENC-DATE-PARTS).
public enum DateTextForm: String, Sendable, Equatable, Codable {
    /// `YYYY-MM-DD`.
    case date
    /// `YYYY-MM-DDThh:mm[:ss[.fff]][Z|±hh:mm]` or `YYYY-MM-DD hh:mm[:ss[.fff]]` (also with a
    /// zone).
    case dateTime = "datetime"
}

/// Reads ISO 8601 dates and datetimes digit by digit: exact, no locale, no allocation (it runs
/// on every distinct value of a column, so Foundation's formatters are not used).
public enum DateParsing {
    /// The instant and form of `text`, or nil when it is not one of the recognised forms or
    /// names an impossible date or time (2013-02-29, 24:00, month 13).
    ///
    /// A zone (`Z`, `+02:00`, `-0500`, `+02`) converts the time to UTC; a time without one is
    /// taken as it is written.
    public static func parse(_ text: String) -> (instant: DateInstant, form: DateTextForm)? {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    /// `parse(_:)` on UTF-8 bytes.
    static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>
    ) -> (instant: DateInstant, form: DateTextForm)? {
        let n = bytes.count
        guard n >= 10 else { return nil }
        var i = 0
        // A fixed-width run of digits as a number, or nil.
        func digits(_ count: Int) -> Int? {
            guard i + count <= n else { return nil }
            var value = 0
            for k in i..<(i + count) {
                let d = Int(bytes[k]) - 48
                guard d >= 0 && d <= 9 else { return nil }
                value = value * 10 + d
            }
            i += count
            return value
        }
        func skip(_ byte: UInt8) -> Bool {
            guard i < n, bytes[i] == byte else { return false }
            i += 1
            return true
        }
        let dash = UInt8(ascii: "-")
        let colon = UInt8(ascii: ":")
        guard let year = digits(4), skip(dash), let month = digits(2), skip(dash),
            let day = digits(2), (1...12).contains(month),
            day >= 1 && day <= DateInstant.daysInMonth(year: year, month: month)
        else { return nil }
        let days = DateInstant.days(year: year, month: month, day: day)
        if i == n { return (DateInstant(days: days, seconds: 0), .date) }
        guard bytes[i] == UInt8(ascii: "T") || bytes[i] == UInt8(ascii: " ") else { return nil }
        i += 1
        guard let hour = digits(2), skip(colon), let minute = digits(2), hour < 24, minute < 60
        else { return nil }
        var second = 0
        if skip(colon) {
            // 60 is a leap second: read as 59 rather than refusing a valid timestamp.
            guard let value = digits(2), value <= 60 else { return nil }
            second = min(value, 59)
            if skip(UInt8(ascii: ".")) || skip(UInt8(ascii: ",")) {
                let start = i
                while i < n, bytes[i] >= 48, bytes[i] <= 57 { i += 1 }
                guard i > start else { return nil }
            }
        }
        var offsetSeconds = 0
        if i < n {
            let sign = bytes[i]
            if sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z") {
                i += 1
            } else if sign == UInt8(ascii: "+") || sign == dash {
                i += 1
                guard let hours = digits(2), hours <= 14 else { return nil }
                var minutes = 0
                if i < n {
                    _ = skip(colon)
                    guard let value = digits(2), value < 60 else { return nil }
                    minutes = value
                }
                offsetSeconds = (hours * 3600 + minutes * 60) * (sign == dash ? -1 : 1)
            }
        }
        guard i == n else { return nil }
        let instant = DateInstant(
            days: days, seconds: hour * 3600 + minute * 60 + second - offsetSeconds)
        return (instant, .dateTime)
    }
}
