import HJ212

/// How a data flag counts (docs/domain/rules.md §1.4 and §3.5), in one place:
///
/// | flag | class | why |
/// |---|---|---|
/// | N, or no flag | valid | instrument normal (flag-less devices are read as normal) |
/// | T | lower bound | above the analyser's range: the true value is at least this. It can prove an exceedance (when even the capped value exceeds), never compliance, and it is not counted as valid data for rates |
/// | F | stopped | the source or instrument was stopped: excluded from numerator and denominator |
/// | M, D, C, B, P | invalid | maintenance, fault, calibration, communication fault, power failure |
/// | S | invalid | a manually entered set value is not a measurement, so it is never judged |
/// | anything else | invalid | an unknown flag is not trusted |
public enum FlagPolicy {
    public enum Class: Sendable, Hashable {
        case valid
        case lowerBound
        case stopped
        case invalid
    }

    public static func classify(_ flag: DataFlag?) -> Class {
        switch flag {
        case nil, .normal?: .valid
        case .overRange?: .lowerBound
        case .stopped?: .stopped
        default: .invalid
        }
    }

    /// The flag's letter for summaries (`N` when none was sent).
    public static func letter(_ flag: DataFlag?) -> String { flag?.rawValue ?? "N" }
}
