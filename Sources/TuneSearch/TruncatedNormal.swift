#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif

/// The standard normal's pieces the Parzen estimator needs, accurate in the far tails (a
/// kernel of width range/100 is evaluated up to ~100 standard deviations away). After Optuna's
/// `optuna/samplers/_tpe/_truncnorm.py`.
enum StandardNormal {
    static let logRootTwoPi = 0.5 * log(2 * Double.pi)

    /// Φ(x), with erfc in the tails so that small values keep their digits.
    static func cdf(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// log Φ(x); below -20 the asymptotic series of the Mills ratio (Φ underflows near -38).
    static func logCDF(_ x: Double) -> Double {
        if x > 6 { return -cdf(-x) }  // log(1 - ε) ≈ -ε
        if x > -20 { return log(cdf(x)) }
        let leading = -0.5 * x * x - log(-x) - logRootTwoPi
        var total = 1.0
        var previous = 0.0
        var term = 1.0
        var i = 0.0
        while abs(total - previous) > Double.ulpOfOne, i < 50 {
            i += 1
            previous = total
            term *= -(2 * i - 1) / (x * x)
            total += term
        }
        return leading + log(total)
    }

    /// log of the standard normal's mass in [a, b] (a <= b), working in the left tail.
    static func logMass(_ a: Double, _ b: Double) -> Double {
        if b <= 0 { return logDifference(logCDF(b), logCDF(a)) }
        if a > 0 { return logDifference(logCDF(-a), logCDF(-b)) }
        return log1p(-cdf(a) - cdf(-b))
    }

    /// log(exp(p) - exp(q)) for p >= q.
    private static func logDifference(_ p: Double, _ q: Double) -> Double {
        if q == -Double.infinity { return p }
        return p + log1p(-exp(q - p))
    }

    /// Φ⁻¹(p) for p in (0, 1): Acklam's rational approximation, then one Halley step.
    static func quantile(_ p: Double) -> Double {
        if p <= 0 { return -Double.infinity }
        if p >= 1 { return Double.infinity }
        let a = [
            -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
            1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00,
        ]
        let b = [
            -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
            6.680131188771972e+01, -1.328068155288572e+01,
        ]
        let c = [
            -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
            -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00,
        ]
        let d = [
            7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
            3.754408661907416e+00,
        ]
        let lowBreak = 0.02425
        var x: Double
        if p < lowBreak || p > 1 - lowBreak {
            let q = (-2 * log(p < lowBreak ? p : 1 - p)).squareRoot()
            let numerator = ((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]
            let denominator = (((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1
            x = numerator / denominator
            if p > 1 - lowBreak { x = -x }
        } else {
            let q = p - 0.5
            let r = q * q
            let numerator = ((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]
            let denominator = ((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1
            x = numerator * q / denominator
        }
        let error = cdf(x) - p
        let u = error * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        x -= u / (1 + x * u / 2)
        return x
    }

    /// A standard normal truncated to [a, b] (a <= 0 <= b in the estimator: every kernel is
    /// centred inside its domain) at the uniform quantile `u`, by inverting the CDF on the side
    /// whose tail keeps precision.
    static func truncatedQuantile(_ u: Double, _ a: Double, _ b: Double) -> Double {
        let x: Double
        if a + b <= 0 {
            let low = cdf(a)
            x = quantile(low + u * (cdf(b) - low))
        } else {
            let low = cdf(-b)
            x = -quantile(low + (1 - u) * (cdf(-a) - low))
        }
        return x.isNaN ? 0.5 * (a + b) : min(max(x, a), b)
    }
}
