/// Reference-oxygen conversion (折算), HJ 212-2017 App. D: C_zs = C × (21 − O2_ref) / (21 − O2).
///
/// A value is not convertible when the measured O2 is missing or at least 20 % (air ingress or a
/// stopped stack would blow the factor up), or when the device sent the 2025 "not computable"
/// sentinel (the data type's maximum, such as 9999.99).
public enum OxygenConversion {
    /// O2 at or above this (%) makes conversion meaningless.
    public static let oxygenCeiling = 20.0

    /// Why a converted value could not be produced.
    public enum Failure: Error, Sendable, Hashable {
        case oxygenMissing
        case oxygenTooHigh(Double)

        /// In words, for the period's note.
        public var text: String {
            switch self {
            case .oxygenMissing: "no O2 (a19001) value for the period, so the concentration cannot be converted"
            case .oxygenTooHigh(let o2): "O2 \(o2)% is at or above \(oxygenCeiling)%, so the concentration cannot be converted"
            }
        }
    }

    /// C × (21 − ref) / (21 − O2).
    public static func convert(_ value: Double, oxygen: Double?, reference: Double) -> Result<Double, Failure> {
        guard let oxygen, oxygen.isFinite else { return .failure(.oxygenMissing) }
        guard oxygen < oxygenCeiling else { return .failure(.oxygenTooHigh(oxygen)) }
        return .success(value * (21 - reference) / (21 - oxygen))
    }

    /// Gas concentrations that are converted: not flow (a00000), O2 (a19001) or the stack
    /// parameters (a01xxx).
    public static func isConvertible(_ code: String) -> Bool {
        code.hasPrefix("a2") || code.hasPrefix("a3") || code.hasPrefix("a05") || code.hasPrefix("a99")
    }

    /// Whether a device's Zs value can be used: finite, not negative, not the sentinel, O2 below
    /// 20 %, and when the measured value and O2 are known, within 10 % (at least 0.05) of the
    /// conversion of the measured value.
    public static func isSane(_ zs: Double, measured: Double?, oxygen: Double?, reference: Double, dataType: String? = nil) -> Bool {
        guard zs.isFinite, zs >= 0, !isNotComputableSentinel(zs, dataType: dataType), !isNotComputableSentinel(zs) else { return false }
        // At O2 ≥ 20 % nothing is convertible, whatever the logger computed.
        if let oxygen, oxygen >= oxygenCeiling { return false }
        if let measured, measured >= 0, case .success(let expected) = convert(measured, oxygen: oxygen, reference: reference) {
            return abs(zs - expected) <= Swift.max(0.1 * expected, 0.05)
        }
        return true
    }

    /// HJ 212-2025 §8.1.1 d): a converted value that cannot be computed is sent as the data
    /// type's maximum (9999.99 for N4.2, or the negative form). With the pollutant's declared
    /// data type (`N4.2`) the test is exact; without one, a value of at least four 9s and nothing
    /// else (9999, 9999.99, 99999.9 …) is taken for the sentinel.
    public static func isNotComputableSentinel(_ value: Double, dataType: String? = nil) -> Bool {
        let magnitude = abs(value)
        if let dataType, let (integers, decimals) = parseType(dataType) {
            let sentinel = pow10(integers) - pow10(-decimals)
            return abs(magnitude - sentinel) < pow10(-decimals) / 2
        }
        for decimals in 0...4 {
            let scaled = magnitude * pow10(decimals)
            let rounded = scaled.rounded()
            guard abs(scaled - rounded) < 1e-6 * Swift.max(1, rounded), rounded >= 9999, rounded < 1e15 else { continue }
            var digits = Int64(rounded)
            var allNines = true
            while digits > 0 {
                if digits % 10 != 9 { allNines = false; break }
                digits /= 10
            }
            if allNines { return true }
        }
        return false
    }

    /// `N4.2` -> (4, 2); `N3` -> (3, 0).
    static func parseType(_ text: String) -> (Int, Int)? {
        guard text.first == "N" else { return nil }
        let parts = text.dropFirst().split(separator: ".")
        guard let integers = parts.first.flatMap({ Int($0) }) else { return nil }
        let decimals = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        return (integers, decimals)
    }

    static func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        if exponent >= 0 {
            for _ in 0..<exponent { result *= 10 }
        } else {
            for _ in 0..<(-exponent) { result /= 10 }
        }
        return result
    }
}
