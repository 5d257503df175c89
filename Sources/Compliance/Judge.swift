/// Compares a period's value with its limit (docs/domain/rules.md §3): strictly greater than a
/// maximum exceeds (a value equal to the limit complies); outside a range exceeds. Only valid
/// periods can comply; a lower bound (T) can only prove an exceedance.
public enum Judge {
    public static func apply(_ limit: AppliedLimit?, to period: inout EvaluatedPeriod) {
        period.limit = limit
        period.verdict = .none
        period.boundCrossed = nil
        period.multiple = nil
        guard let limit, let value = period.judged else { return }
        let certain: Bool
        switch period.status {
        case .valid: certain = true
        case .lowerBound: certain = false
        default: return
        }
        switch limit.kind {
        case .maximum(let maximum):
            if value > maximum {
                period.verdict = .exceed
                period.boundCrossed = maximum
                period.multiple = (value - maximum) / maximum
            } else if certain {
                period.verdict = .comply
            }
        case .range(let lower, let upper):
            if value > upper {
                period.verdict = .exceed
                period.boundCrossed = upper
            } else if value < lower && certain {
                period.verdict = .exceed
                period.boundCrossed = lower
            } else if certain {
                period.verdict = .comply
            }
        }
    }
}
