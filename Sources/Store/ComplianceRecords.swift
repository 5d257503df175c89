import HJ212

/// Persistence for the compliance results (judged periods, exceedance events, warnings, online
/// hours), so exceedance queries and the daily disclosure read stored results instead of
/// recomputing them. The Compliance module computes; the store only keeps what it is given.
public protocol ComplianceRecordStore: Sendable {
    /// Inserts or replaces judged periods (key: mn, pollutant, basis, start).
    func savePeriods(_ periods: [PeriodRecord]) async throws
    /// Periods matching a query, ordered by mn, pollutant, basis, start.
    func periods(_ query: PeriodQuery) async throws -> [PeriodRecord]
    /// The few columns of every period of a basis in `from..<until` that a daily summary needs,
    /// read lean (a province day has millions of hour periods); unordered.
    func periodDigests(basis: String, from: Int64, until: Int64) async throws -> [PeriodDigest]
    /// Replaces the events of one series whose start lies in `from..<until` by `events`.
    func replaceEvents(series: EventSeries, from: Int64, until: Int64, with events: [EventRecord]) async throws
    /// Events matching a query (unsorted; callers sort).
    func events(_ query: EventQuery) async throws -> [EventRecord]
    /// Saves warnings (key: mn, pollutant, hour, kind). With `accumulate`, counts add up and the
    /// peak is the larger one (live evaluation); without, the stored row is replaced (re-evaluation).
    func saveWarnings(_ warnings: [WarningRecord], accumulate: Bool) async throws
    /// Warnings in a time range, oldest first.
    func warnings(since: Int64?, until: Int64?, mn: String?) async throws -> [WarningRecord]
    /// Records that devices sent data in these hours (idempotent).
    func markOnline(_ hours: [OnlineHour]) async throws
    /// Distinct online hours per MN with `from <= hour < until`.
    func onlineHours(from: Int64, until: Int64) async throws -> [String: Int]
    /// Per hour (counted from `from`, which must be an hour start) and pollutant, the largest
    /// valid (N or unflagged) real-time value and converted value, and the T flags (real-time,
    /// minute and hour values) of one device in `from..<until`.
    func realtimeSummary(mn: String, from: Int64, until: Int64) async throws -> [RealtimeSummary]
    /// The hour starts (counted from `from`) in which a device sent real-time, minute or hour data.
    func activeHours(mn: String, from: Int64, until: Int64) async throws -> [Int64]
    /// What rebuilding a series' events around a changed `span` of period starts reads, in one
    /// read: the window between the nearest periods (of `periodBasis`) judged `boundary` (the
    /// compliant ones) before and after the span, the series' periods in it, and its events that
    /// start in it.
    func eventWindow(series: EventSeries, periodBasis: String, boundary: String, around span: ClosedRange<Int64>) async throws -> EventWindow
}

/// The periods and events of one series between the nearest compliant periods around a change:
/// events never cross a compliant period, so nothing outside the window can change.
public struct EventWindow: Sendable, Hashable {
    /// The nearest bounding (compliant) period before the span (`Int64.min` when there is none).
    public var from: Int64
    /// One past the nearest bounding period after the span (`Int64.max` when there is none).
    public var until: Int64
    /// The series' periods in `from..<until` (those judged on the series' basis), by start.
    public var periods: [PeriodRecord]
    /// The series' stored events that start in `from..<until`.
    public var events: [EventRecord]

    public init(from: Int64, until: Int64, periods: [PeriodRecord], events: [EventRecord]) {
        self.from = from
        self.until = until
        self.periods = periods
        self.events = events
    }
}

/// One judged period (an hour or a day) of one device and pollutant, as Compliance computed it.
public struct PeriodRecord: Sendable, Hashable {
    public var mn: String
    public var pollutant: String
    /// `hour` or `day`.
    public var basis: String
    /// Unix seconds of the period's start (local hour or local midnight).
    public var startUnix: Int64
    public var enterpriseID: String
    public var outletID: String
    /// `device` (the logger's own hour/day value) or `derived` (from lower levels).
    public var source: String
    /// `valid`, `invalid`, `insufficient`, `stopped`, `not_convertible`, `lower_bound`.
    public var status: String
    /// Measured mean (dry, standard state).
    public var value: Double?
    /// The value judged against the limit: O2-converted where the profile has a reference O2.
    public var judged: Double?
    public var oxygen: Double?
    /// Amount in the period from Cou (kg for concentrations, m³ for flow).
    public var cou: Double?
    /// Minutes of valid data behind a derived hour; valid hours behind a derived day.
    public var coverage: Int?
    /// The flags behind the value, e.g. `N` (device value) or `N:45 M:15` (derived).
    public var flags: String
    /// `exceed`, `comply` or `none` (not judged).
    public var judgement: String
    /// `hour`, `day` or `range` when a limit applied, else nil.
    public var limitBasis: String?
    public var limit: Double?
    public var lower: Double?
    public var upper: Double?
    /// (C − L) / L when exceeding a maximum; nil otherwise.
    public var multiple: Double?
    /// Why the period was not judged, in words (e.g. "only 40 valid minutes (45 needed)").
    public var note: String?
    public var evaluatedAtMillis: Int64

    public init(
        mn: String, pollutant: String, basis: String, startUnix: Int64, enterpriseID: String, outletID: String,
        source: String, status: String, value: Double?, judged: Double?, oxygen: Double?, cou: Double?,
        coverage: Int?, flags: String, judgement: String, limitBasis: String?, limit: Double?, lower: Double?,
        upper: Double?, multiple: Double?, note: String?, evaluatedAtMillis: Int64
    ) {
        self.mn = mn
        self.pollutant = pollutant
        self.basis = basis
        self.startUnix = startUnix
        self.enterpriseID = enterpriseID
        self.outletID = outletID
        self.source = source
        self.status = status
        self.value = value
        self.judged = judged
        self.oxygen = oxygen
        self.cou = cou
        self.coverage = coverage
        self.flags = flags
        self.judgement = judgement
        self.limitBasis = limitBasis
        self.limit = limit
        self.lower = lower
        self.upper = upper
        self.multiple = multiple
        self.note = note
        self.evaluatedAtMillis = evaluatedAtMillis
    }
}

/// A filter over stored periods. Times are Unix seconds on the period start.
public struct PeriodQuery: Sendable, Hashable {
    public var mn: String?
    public var pollutant: String?
    public var basis: String?
    public var from: Int64?
    public var until: Int64?

    public init(mn: String? = nil, pollutant: String? = nil, basis: String? = nil, from: Int64? = nil, until: Int64? = nil) {
        self.mn = mn
        self.pollutant = pollutant
        self.basis = basis
        self.from = from
        self.until = until
    }
}

/// The series an event belongs to: one device, pollutant and judgement basis.
public struct EventSeries: Sendable, Hashable {
    public var mn: String
    public var pollutant: String
    /// `hour`, `day` or `range`.
    public var basis: String

    public init(mn: String, pollutant: String, basis: String) {
        self.mn = mn
        self.pollutant = pollutant
        self.basis = basis
    }
}

/// One stored exceedance event: a run of exceeding periods not interrupted by a valid compliant one.
public struct EventRecord: Sendable, Hashable {
    public var series: EventSeries
    public var enterpriseID: String
    public var outletID: String
    /// Start of the first exceeding period (inclusive), Unix seconds.
    public var startUnix: Int64
    /// End of the last exceeding period (exclusive), Unix seconds.
    public var endUnix: Int64
    /// Exceeding periods × their length in hours (a daily exceedance counts 24).
    public var hours: Int
    public var periods: Int
    public var peak: Double
    public var mean: Double
    /// The bound crossed at the peak (the maximum, or pH's lower/upper bound).
    public var limit: Double
    public var lower: Double?
    public var upper: Double?
    /// (peak − limit) / limit; nil for ranges (pH).
    public var multiple: Double?
    /// Mass emitted in the exceeding periods, kg, from Cou; nil when not sent.
    public var massKg: Double?
    /// True when some value is a lower bound (T flag).
    public var lowerBound: Bool
    /// `open` or `closed`.
    public var status: String
    /// JSON array of the periods from start to end with their values and flags.
    public var evidence: String
    public var updatedAtMillis: Int64

    public init(
        series: EventSeries, enterpriseID: String, outletID: String, startUnix: Int64, endUnix: Int64, hours: Int,
        periods: Int, peak: Double, mean: Double, limit: Double, lower: Double?, upper: Double?, multiple: Double?,
        massKg: Double?, lowerBound: Bool, status: String, evidence: String, updatedAtMillis: Int64
    ) {
        self.series = series
        self.enterpriseID = enterpriseID
        self.outletID = outletID
        self.startUnix = startUnix
        self.endUnix = endUnix
        self.hours = hours
        self.periods = periods
        self.peak = peak
        self.mean = mean
        self.limit = limit
        self.lower = lower
        self.upper = upper
        self.multiple = multiple
        self.massKg = massKg
        self.lowerBound = lowerBound
        self.status = status
        self.evidence = evidence
        self.updatedAtMillis = updatedAtMillis
    }
}

/// A filter over stored events. An event matches the time range when it overlaps it.
public struct EventQuery: Sendable, Hashable {
    public var since: Int64?
    public var until: Int64?
    public var mns: [String]?
    public var pollutant: String?
    public var openOnly: Bool
    public var updatedSinceMillis: Int64?

    public init(since: Int64? = nil, until: Int64? = nil, mns: [String]? = nil, pollutant: String? = nil, openOnly: Bool = false, updatedSinceMillis: Int64? = nil) {
        self.since = since
        self.until = until
        self.mns = mns
        self.pollutant = pollutant
        self.openOnly = openOnly
        self.updatedSinceMillis = updatedSinceMillis
    }
}

/// A warning (预警), not an exceedance: a device's T flag (above the analyser's range) or a
/// real-time value above the limit in an hour.
public struct WarningRecord: Sendable, Hashable {
    public var mn: String
    public var pollutant: String
    public var hourUnix: Int64
    /// `over_range` or `realtime_spike`.
    public var kind: String
    public var count: Int
    public var peak: Double?
    public var limit: Double?
    public var enterpriseID: String
    public var outletID: String

    public init(mn: String, pollutant: String, hourUnix: Int64, kind: String, count: Int, peak: Double?, limit: Double?, enterpriseID: String, outletID: String) {
        self.mn = mn
        self.pollutant = pollutant
        self.hourUnix = hourUnix
        self.kind = kind
        self.count = count
        self.peak = peak
        self.limit = limit
        self.enterpriseID = enterpriseID
        self.outletID = outletID
    }
}

/// An hour in which a device sent something (any kind): the basis of its online time.
public struct OnlineHour: Sendable, Hashable {
    public var mn: String
    public var hourUnix: Int64

    public init(mn: String, hourUnix: Int64) {
        self.mn = mn
        self.hourUnix = hourUnix
    }
}

/// One pollutant's real-time extremes in a period.
public struct RealtimeSummary: Sendable, Hashable {
    /// The hour's start, Unix seconds.
    public var hourUnix: Int64
    public var pollutant: String
    public var maxRtd: Double?
    public var maxZsRtd: Double?
    /// T-flagged values (real-time, minute, hour) and the largest of them.
    public var overRangeCount: Int
    public var overRangePeak: Double?
    /// Real-time values.
    public var count: Int

    public init(hourUnix: Int64, pollutant: String, maxRtd: Double?, maxZsRtd: Double?, overRangeCount: Int, overRangePeak: Double? = nil, count: Int) {
        self.overRangePeak = overRangePeak
        self.hourUnix = hourUnix
        self.pollutant = pollutant
        self.maxRtd = maxRtd
        self.maxZsRtd = maxZsRtd
        self.overRangeCount = overRangeCount
        self.count = count
    }
}

/// A judged period reduced to what the daily summary reads.
public struct PeriodDigest: Sendable, Hashable {
    public var mn: String
    public var pollutant: String
    public var startUnix: Int64
    public var status: String
    public var judged: Double?
    public var cou: Double?
    public var flags: String
    public var judgement: String
    public var multiple: Double?

    public init(mn: String, pollutant: String, startUnix: Int64, status: String, judged: Double?, cou: Double?, flags: String, judgement: String, multiple: Double?) {
        self.mn = mn
        self.pollutant = pollutant
        self.startUnix = startUnix
        self.status = status
        self.judged = judged
        self.cou = cou
        self.flags = flags
        self.judgement = judgement
        self.multiple = multiple
    }
}
