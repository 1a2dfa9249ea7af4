#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif

extension ParameterDomain {
    /// The domain's value at `unit` in [0, 1): the map both samplers share.
    ///
    /// Reals go linearly (or linearly in log space when `log`) from `low` to `high`. Integers
    /// are padded by half a step on each side before the same map and rounded after it, so
    /// every integer gets an equal share (of the linear or log axis); the result is clamped.
    /// Choices take `floor(unit * count)`. Optuna maps its QMC points the same way
    /// (`optuna/_transform.py`).
    /// - Parameter unit: a coordinate in [0, 1); values outside are clamped, NaN reads as 0.
    /// - Returns: a value inside the domain; nil only for a choice with no names.
    public func value(atUnit unit: Double) -> ParameterValue? {
        let u = unit.isNaN ? 0 : min(max(unit, 0), 1)
        switch self {
        case .choice(let names):
            guard !names.isEmpty else { return nil }
            return .choice(names[min(Int(u * Double(names.count)), names.count - 1)])
        case .real, .integer:
            guard let axis = NumericAxis(self) else { return nil }
            return axis.value(atTransformed: axis.low + u * (axis.high - axis.low))
        }
    }

    /// Whether `value` is of the domain's kind and inside its bounds (or one of its names).
    public func contains(_ value: ParameterValue) -> Bool {
        switch (self, value) {
        case (.real(let low, let high, _), .real(let x)):
            return x >= Swift.min(low, high) && x <= Swift.max(low, high)
        case (.integer(let low, let high, _), .integer(let x)):
            return x >= Swift.min(low, high) && x <= Swift.max(low, high)
        case (.choice(let names), .choice(let name)):
            return names.contains(name)
        default:
            return false
        }
    }

    /// Whether the domain holds at most one value (`low == high`, one name): samplers give
    /// it without drawing, as Optuna skips its `single()` distributions.
    public var isSingleValued: Bool {
        switch self {
        case .real(let low, let high, _): return low == high
        case .integer(let low, let high, _): return low == high
        case .choice(let names): return Set(names).count <= 1
        }
    }
}

/// A numeric domain laid on the axis the samplers work on: log when asked for and possible
/// (`low > 0`), integers padded by half a step each side (Optuna's `step / 2`).
struct NumericAxis: Sendable {
    /// The transformed bounds, padding included.
    let low: Double
    let high: Double
    let isLog: Bool
    let isInteger: Bool
    /// The domain's own bounds (ordered), for clamping results.
    let valueLow: Double
    let valueHigh: Double
    let integerLow: Int
    let integerHigh: Int

    /// The axis of a real or integer domain; nil for choices and non-finite bounds.
    init?(_ domain: ParameterDomain) {
        switch domain {
        case .real(let a, let b, let logScale):
            guard a.isFinite, b.isFinite else { return nil }
            let lo = min(a, b)
            let hi = max(a, b)
            isLog = logScale && lo > 0
            isInteger = false
            valueLow = lo
            valueHigh = hi
            integerLow = 0
            integerHigh = 0
            low = isLog ? log(lo) : lo
            high = isLog ? log(hi) : hi
        case .integer(let a, let b, let logScale):
            let lo = min(a, b)
            let hi = max(a, b)
            isLog = logScale && lo >= 1
            isInteger = true
            integerLow = lo
            integerHigh = hi
            valueLow = Double(lo)
            valueHigh = Double(hi)
            low = isLog ? log(valueLow - 0.5) : valueLow - 0.5
            high = isLog ? log(valueHigh + 0.5) : valueHigh + 0.5
        case .choice:
            return nil
        }
    }

    /// A plain number (an observed value) on the transformed axis, clamped into the domain;
    /// nil when not finite.
    func transformed(_ number: Double) -> Double? {
        guard number.isFinite else { return nil }
        let clamped = min(max(number, valueLow), valueHigh)
        return isLog ? log(clamped) : clamped
    }

    /// The domain value at a point of the transformed axis: integers rounded, both clamped.
    func value(atTransformed t: Double) -> ParameterValue {
        let x = isLog ? exp(t) : t
        if isInteger {
            let rounded = (x.isNaN ? valueLow : x).rounded()
            // Compared as doubles first so that the conversion to Int cannot trap.
            if rounded <= valueLow { return .integer(integerLow) }
            if rounded >= valueHigh { return .integer(integerHigh) }
            return .integer(min(max(Int(rounded), integerLow), integerHigh))
        }
        return .real(x.isNaN ? valueLow : min(max(x, valueLow), valueHigh))
    }

    /// The transformed point of a domain value (the integer's own point, not its padding).
    func transformedPoint(of value: ParameterValue) -> Double {
        let x: Double
        switch value {
        case .integer(let n): x = Double(n)
        case .real(let r): x = r
        case .choice: x = valueLow
        }
        return isLog ? log(x) : x
    }
}
