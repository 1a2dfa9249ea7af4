#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Powers of ten that are exact in a `Double` (10^0 ... 10^22); a literal so the optimizer
/// emits it as static data (no lazy-initialisation check per call).
private let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]

/// Parses a plain decimal number from bytes: `[+-]? (digits [. digits?] | . digits)
/// ([eE] [+-]? digits)?`, nothing else (no `inf`, `nan`, hex, or spaces: callers trim).
///
/// The result is exactly what `strtod` returns for the same text. The fast path is Clinger's
/// (W. D. Clinger, "How to read floating point numbers accurately", PLDI 1990): a mantissa of at
/// most 19 digits that fits 2^53, scaled by an exact power of ten up to 10^22, is one correctly
/// rounded IEEE operation. Anything else (long mantissas, large exponents) goes to `strtod`
/// after this function has checked the syntax.
/// - Returns: the value, or `nil` when the bytes are not a decimal number.
@inline(__always)
func parseDecimal(_ base: UnsafePointer<UInt8>, _ count: Int) -> Double? {
    guard count > 0 else { return nil }
    var i = 0
    var negative = false
    let first = base[0]
    if first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
        negative = first == UInt8(ascii: "-")
        i = 1
    }
    var mantissa: UInt64 = 0
    var significantDigits = 0
    var exponent = 0
    var sawDigit = false
    var truncated = false
    while i < count {
        let digit = base[i] &- UInt8(ascii: "0")
        if digit > 9 { break }
        sawDigit = true
        if mantissa == 0 && digit == 0 {
            // Leading zero: no significance.
        } else if significantDigits < 19 {
            mantissa = mantissa &* 10 &+ UInt64(digit)
            significantDigits += 1
        } else {
            exponent += 1
            if digit != 0 { truncated = true }
        }
        i += 1
    }
    if i < count && base[i] == UInt8(ascii: ".") {
        i += 1
        while i < count {
            let digit = base[i] &- UInt8(ascii: "0")
            if digit > 9 { break }
            sawDigit = true
            if mantissa == 0 && digit == 0 {
                exponent -= 1
            } else if significantDigits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(digit)
                significantDigits += 1
                exponent -= 1
            } else if digit != 0 {
                truncated = true
            }
            i += 1
        }
    }
    guard sawDigit else { return nil }
    if i < count && (base[i] == UInt8(ascii: "e") || base[i] == UInt8(ascii: "E")) {
        i += 1
        var exponentNegative = false
        if i < count && (base[i] == UInt8(ascii: "-") || base[i] == UInt8(ascii: "+")) {
            exponentNegative = base[i] == UInt8(ascii: "-")
            i += 1
        }
        var written = 0
        var sawExponentDigit = false
        while i < count {
            let digit = base[i] &- UInt8(ascii: "0")
            if digit > 9 { break }
            sawExponentDigit = true
            if written < 100_000 { written = written * 10 + Int(digit) }
            i += 1
        }
        guard sawExponentDigit else { return nil }
        exponent += exponentNegative ? -written : written
    }
    guard i == count else { return nil }
    if mantissa == 0 { return negative ? -0.0 : 0.0 }
    if !truncated && mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
        let scaled =
            exponent < 0
            ? Double(mantissa) / exactPowersOfTen[-exponent]
            : Double(mantissa) * exactPowersOfTen[exponent]
        return negative ? -scaled : scaled
    }
    return parseWithStrtod(base, count)
}

/// The slow, exact path: a NUL-terminated copy handed to the C library.
private func parseWithStrtod(_ base: UnsafePointer<UInt8>, _ count: Int) -> Double {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { copy in
        for k in 0..<count { copy[k] = CChar(bitPattern: base[k]) }
        copy[count] = 0
        return strtod(copy.baseAddress!, nil)
    }
}

/// The `Float` nearest to the decimal text whose nearest `Double` is `value` (as `strtof` and
/// `Float(String)` give it).
///
/// Rounding twice (text to `Double`, then to `Float`) equals rounding once except when the
/// `Double` lies exactly halfway between two `Float`s (its 29 bits below the `Float` precision
/// are `1000...0`) or is below the `Float` normal range: only then is the text read again by
/// `strtof` (a decimal comma read as the point). Almost never on real data, so the cost is one
/// mask and compare per number.
@inline(__always)
func nearestFloat(_ value: Double, _ base: UnsafePointer<UInt8>, _ count: Int) -> Float {
    let low = value.bitPattern & 0x1FFF_FFFF
    if low != 0x1000_0000 && !(value.magnitude < Double(Float.leastNormalMagnitude) && value != 0) {
        return Float(value)
    }
    return parseFloatWithStrtof(base, count)
}

/// The `Float` nearest to the decimal text, given `value` within 2 units in the last place of
/// the `Double` nearest to it (e.g. an exact integer times a rounded power of ten).
///
/// `Float(value)` is then the right `Float` unless a halfway point between two `Float`s lies
/// between `value` and the exact number: the halfway points are the `Double`s whose 29 bits
/// below the `Float` precision are `1000...0`, so unless `value`'s bits are within 4 units of
/// that pattern (or it is below the `Float` normal range) the text is not read again.
@inline(__always)
func nearestFloat(
    approximate value: Double, _ base: UnsafePointer<UInt8>, _ count: Int
)
    -> Float
{
    let low = value.bitPattern & 0x1FFF_FFFF
    if low &- (0x1000_0000 - 4) >= 8
        && !(value.magnitude < Double(Float.leastNormalMagnitude) && value != 0)
    {
        return Float(value)
    }
    return parseFloatWithStrtof(base, count)
}

/// `strtof` on a NUL-terminated copy of the text (a decimal comma read as the point).
private func parseFloatWithStrtof(_ base: UnsafePointer<UInt8>, _ count: Int) -> Float {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { copy in
        for k in 0..<count {
            copy[k] = CChar(bitPattern: base[k] == UInt8(ascii: ",") ? UInt8(ascii: ".") : base[k])
        }
        copy[count] = 0
        return strtof(copy.baseAddress!, nil)
    }
}

/// Parses a decimal number from a string with the same rules as the byte parser.
func parseDecimal(_ text: String) -> Double? {
    var copy = text
    return copy.withUTF8 { bytes in
        guard let base = bytes.baseAddress else { return nil }
        return parseDecimal(base, bytes.count)
    }
}
