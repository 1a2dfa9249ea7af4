import Dataset

/// A date column's parts inside the graph (ENC-DATE-PARTS), computed as `DatePartsEncoding`
/// computes them: the input is seconds since 1970-01-01T00:00:00Z as a double (NaN missing;
/// fractions of a second dropped, as the CSV reader drops them), the civil date by Howard
/// Hinnant's days-to-civil in double arithmetic (exact: every value is an integer far below
/// 2^53), then the standardised fractional year and the sine/cosine pairs, cast to float.
/// ONNX opset 17 has no string-to-date op, so the caller converts text to seconds.
extension GraphBuilder {
    /// The encoded float columns of the date input `input` `[N, 1]` (double).
    mutating func dateParts(_ input: String, encoding: DatePartsEncoding) -> [String] {
        let isMissing = add("IsNaN", [input])
        let filled = add(
            "Where", [isMissing, constant(double: Double(encoding.fill.epochSeconds)), input])
        let seconds = floor(filled)
        let days = floor(divide(seconds, 86_400))
        let secondOfDay = subtract(seconds, multiply(days, 86_400))

        // Days to civil (DateInstant.civil): eras of 400 years starting in March.
        let z = plus(days, 719_468)
        let era = floor(divide(z, 146_097))
        let dayOfEra = subtract(z, multiply(era, 146_097))
        let yearOfEra = floor(
            divide(
                subtract(
                    sum(
                        subtract(dayOfEra, floor(divide(dayOfEra, 1460))),
                        floor(divide(dayOfEra, 36_524))),
                    floor(divide(dayOfEra, 146_096))),
                365))
        let dayOfYear = subtract(
            dayOfEra,
            subtract(
                sum(multiply(yearOfEra, 365), floor(divide(yearOfEra, 4))),
                floor(divide(yearOfEra, 100))))
        let monthIndex = floor(divide(plus(multiply(dayOfYear, 5), 2), 153))
        let day = plus(subtract(dayOfYear, floor(divide(plus(multiply(monthIndex, 153), 2), 5))), 1)
        let month = add(
            "Where",
            [
                add("Less", [monthIndex, constant(double: 10)]), plus(monthIndex, 3),
                plus(monthIndex, -9),
            ])
        let civilYear = add(
            "Add",
            [
                add("Add", [yearOfEra, multiply(era, 400)]),
                castDouble(add("LessOrEqual", [month, constant(double: 2)])),
            ])
        let leap = castDouble(
            add(
                "And",
                [
                    isMultiple(civilYear, of: 4),
                    add(
                        "Or",
                        [
                            add("Not", [isMultiple(civilYear, of: 100)]),
                            isMultiple(civilYear, of: 400),
                        ]),
                ]))

        var columns: [String] = []
        for part in encoding.parts {
            switch part {
            case .year:
                // DateInstant.fractionalYear: days since 1 January (civil-to-days of the
                // year's start) and the time of day, over the year's length.
                let previous = plus(civilYear, -1)
                let startEra = floor(divide(previous, 400))
                let startYearOfEra = subtract(previous, multiply(startEra, 400))
                let startDayOfEra = plus(
                    subtract(
                        sum(multiply(startYearOfEra, 365), floor(divide(startYearOfEra, 4))),
                        floor(divide(startYearOfEra, 100))),
                    306)
                let start = plus(
                    add("Add", [multiply(startEra, 146_097), startDayOfEra]), -719_468)
                let length = plus(leap, 365)
                let elapsed = add(
                    "Add", [subtract(days, start), divide(secondOfDay, 86_400)])
                let fraction = add("Div", [elapsed, length])
                let value = add("Add", [civilYear, fraction])
                columns.append(
                    castFloat(
                        divide(
                            plus(value, -encoding.yearMean), encoding.yearStandardDeviation)))
            case .month:
                columns += circle(plus(month, -1), period: constant(double: 12))
            case .day:
                let table = addInitializer(
                    fresh("month_days"), shape: [12],
                    doubleValues: [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
                let index = add(
                    "Cast", [plus(month, -1)],
                    attributes: [
                        Self.int("to", Int64(Onnx_TensorProto.DataType.int64.rawValue))
                    ])
                let common = add("Gather", [table, index], attributes: [Self.int("axis", 0)])
                let february = castDouble(add("Equal", [month, constant(double: 2)]))
                let length = add("Add", [common, add("Mul", [february, leap])])
                columns += circle(plus(day, -1), period: length)
            case .weekday:
                let shifted = modulo(plus(modulo(plus(days, 3), 7), 7), 7)
                columns += circle(shifted, period: constant(double: 7))
            case .hour:
                columns += circle(divide(secondOfDay, 3600), period: constant(double: 24))
            }
        }
        if encoding.missingIndicator { columns.append(castFloat(isMissing)) }
        return columns
    }

    /// sin and cos of `2 pi position / period`, in the order and rounding of
    /// `DatePartsEncoding.values`, as floats.
    private mutating func circle(_ position: String, period: String) -> [String] {
        let angle = add("Div", [multiply(position, 2 * Double.pi), period])
        return [castFloat(add("Sin", [angle])), castFloat(add("Cos", [angle]))]
    }

    /// Whether the double `value` is a multiple of `divisor` (bool).
    private mutating func isMultiple(_ value: String, of divisor: Double) -> String {
        add("Equal", [modulo(value, divisor), constant(double: 0)])
    }

    private mutating func floor(_ value: String) -> String { add("Floor", [value]) }

    private mutating func divide(_ value: String, _ divisor: Double) -> String {
        add("Div", [value, constant(double: divisor)])
    }

    private mutating func multiply(_ value: String, _ factor: Double) -> String {
        add("Mul", [value, constant(double: factor)])
    }

    private mutating func plus(_ value: String, _ term: Double) -> String {
        add("Add", [value, constant(double: term)])
    }

    private mutating func sum(_ value: String, _ other: String) -> String {
        add("Add", [value, other])
    }

    private mutating func subtract(_ value: String, _ other: String) -> String {
        add("Sub", [value, other])
    }

    /// C's fmod (the sign of `value`), the only Mod ONNX allows on doubles.
    private mutating func modulo(_ value: String, _ divisor: Double) -> String {
        add("Mod", [value, constant(double: divisor)], attributes: [Self.int("fmod", 1)])
    }

    private mutating func castDouble(_ value: String) -> String {
        add(
            "Cast", [value],
            attributes: [Self.int("to", Int64(Onnx_TensorProto.DataType.double.rawValue))])
    }

    private mutating func castFloat(_ value: String) -> String {
        add(
            "Cast", [value],
            attributes: [Self.int("to", Int64(Onnx_TensorProto.DataType.float.rawValue))])
    }

    /// A scalar double initialiser.
    mutating func constant(double value: Double) -> String {
        addInitializer(fresh("constant"), shape: [], doubleValues: [value])
    }
}
