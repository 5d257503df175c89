import GatewayConfig

/// How a limit is judged, as the rules require (docs/domain/rules.md §3.1): each valid hourly
/// mean (waste gas), each valid daily mean (waste water, incinerators' 24-h limits), or each
/// valid hourly value against a range (pH).
public enum JudgementBasis: String, Sendable, Hashable, CaseIterable, Codable {
    case hour
    case day
    case range

    /// The period length the basis is judged on.
    public var periodBasis: PeriodBasis { self == .day ? .day : .hour }

    /// 小时均值, 日均值 or 范围.
    public var chineseName: String {
        switch self {
        case .hour: "小时均值"
        case .day: "日均值"
        case .range: "范围"
        }
    }
}

/// The length of a judged period.
public enum PeriodBasis: String, Sendable, Hashable, CaseIterable {
    case hour
    case day

    public var seconds: Int64 { self == .hour ? 3600 : 86_400 }
    public var hours: Int { self == .hour ? 1 : 24 }
}

/// A limit's value: a maximum (strictly greater exceeds) or an allowed range (pH).
public enum LimitKind: Sendable, Hashable {
    case maximum(Double)
    case range(lower: Double, upper: Double)
}

/// One limit of a shipped profile.
public struct ProfileLimit: Sendable, Hashable {
    /// HJ 212-2017 pollutant code.
    public var pollutant: String
    public var kind: LimitKind
    public var basis: JudgementBasis

    public init(pollutant: String, kind: LimitKind, basis: JudgementBasis) {
        self.pollutant = pollutant
        self.kind = kind
        self.basis = basis
    }
}

/// An emission standard's limits for one kind of source, shipped as data
/// (`Profiles/limit-profiles.yaml`), so an outlet can say `standard: GB13271-2014/coal/existing`.
public struct LimitProfile: Sendable, Hashable {
    /// What `standard:` refers to, e.g. `GB13271-2014/coal/existing`.
    public var id: String
    /// The standard's code as printed, e.g. `GB 13271-2014`.
    public var standard: String
    /// Table, grade or source type in Chinese, e.g. `表1 在用燃煤锅炉`.
    public var title: String
    public var medium: Medium
    /// Reference O2 in percent; nil when measured concentrations are judged (GB 16297, water).
    public var referenceO2: Double?
    public var limits: [ProfileLimit]

    public init(id: String, standard: String, title: String, medium: Medium, referenceO2: Double?, limits: [ProfileLimit]) {
        self.id = id
        self.standard = standard
        self.title = title
        self.medium = medium
        self.referenceO2 = referenceO2
        self.limits = limits
    }

    /// `GB 13271-2014 表1 在用燃煤锅炉`.
    public var displayName: String { standard + " " + title }
}
