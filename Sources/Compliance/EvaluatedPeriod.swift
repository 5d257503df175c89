import HJ212
import Store

/// Whether a period's value can be judged, and if not, why.
public enum PeriodStatus: String, Sendable, Hashable, CaseIterable {
    /// Enough valid data: judged.
    case valid
    /// Flagged invalid (M, D, C, B, S, P…): never judged.
    case invalid
    /// Too little valid data for a mean (gas: < 45 minutes an hour, < 20 hours a day; water: < 75 %).
    case insufficient
    /// The source or instrument was stopped (F): excluded from rates.
    case stopped
    /// A converted value was needed but O2 was missing or at least 20 %.
    case notConvertible = "not_convertible"
    /// Includes T (above range) values: a lower bound, which can prove an exceedance only.
    case lowerBound = "lower_bound"
}

/// Where a period's value came from.
public enum PeriodSource: String, Sendable, Hashable {
    /// The logger's own hour (2061) or day (2031) value.
    case device
    /// Computed from lower levels (minutes -> hour, hours -> day).
    case derived
}

/// The outcome of comparing a period with its limit.
public enum Verdict: String, Sendable, Hashable {
    case exceed
    case comply
    /// Not judged: no limit, or the period is not valid.
    case none
}

/// One judged hour or day of one device and pollutant.
public struct EvaluatedPeriod: Sendable, Hashable {
    public var pollutant: String
    public var basis: PeriodBasis
    public var start: Int64
    public var source: PeriodSource
    public var status: PeriodStatus
    /// Measured mean.
    public var value: Double?
    /// The value compared with the limit (converted where the outlet converts).
    public var judged: Double?
    public var oxygen: Double?
    public var cou: Double?
    /// Valid minutes (derived hour) or valid hours (derived day).
    public var coverage: Int?
    /// The flags behind the value: `N` for a device value, `N:45 M:15` for a derived one.
    public var flags: String
    public var note: String?
    public var verdict: Verdict = .none
    public var limit: AppliedLimit?
    /// The bound crossed (the maximum, or pH's lower/upper) when exceeding.
    public var boundCrossed: Double?
    /// (C − L) / L when exceeding a maximum.
    public var multiple: Double?

    public init(
        pollutant: String, basis: PeriodBasis, start: Int64, source: PeriodSource, status: PeriodStatus,
        value: Double?, judged: Double?, oxygen: Double?, cou: Double?, coverage: Int?, flags: String, note: String? = nil
    ) {
        self.pollutant = pollutant
        self.basis = basis
        self.start = start
        self.source = source
        self.status = status
        self.value = value
        self.judged = judged
        self.oxygen = oxygen
        self.cou = cou
        self.coverage = coverage
        self.flags = flags
        self.note = note
    }

    /// The stored form.
    public func record(mn: String, rules: OutletRules, evaluatedAtMillis: Int64) -> PeriodRecord {
        PeriodRecord(
            mn: mn, pollutant: pollutant, basis: basis.rawValue, startUnix: start, enterpriseID: rules.enterpriseID,
            outletID: rules.outletID, source: source.rawValue, status: status.rawValue, value: value, judged: judged,
            oxygen: oxygen, cou: cou, coverage: coverage, flags: flags, judgement: verdict.rawValue,
            limitBasis: limit?.basis.rawValue, limit: boundCrossed ?? limit?.maximum, lower: limit?.lower,
            upper: limit?.upper, multiple: multiple, note: note, evaluatedAtMillis: evaluatedAtMillis)
    }
}

/// A reading with its period start (Unix seconds).
public struct TimedReading: Sendable, Hashable {
    public var time: Int64
    public var reading: Reading

    public init(time: Int64, reading: Reading) {
        self.time = time
        self.reading = reading
    }
}
