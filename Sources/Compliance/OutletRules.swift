import GatewayConfig
import HJ212

/// Where an applied limit came from, so every reported value can name its standard.
public enum LimitSource: Sendable, Hashable {
    /// A shipped profile.
    case profile(id: String, name: String)
    /// The outlet's own `limits:` in the configuration (e.g. a permit's stricter value).
    case outlet

    /// `GB 13271-2014 表1 在用燃煤锅炉` or `排口许可限值（配置）`.
    public var displayName: String {
        switch self {
        case .profile(_, let name): name
        case .outlet: "排口许可限值（配置）"
        }
    }

    /// `GB13271-2014/coal/existing` or `config`.
    public var key: String {
        switch self {
        case .profile(let id, _): id
        case .outlet: "config"
        }
    }
}

/// A limit as it applies to one outlet: the value, its basis and where it came from.
public struct AppliedLimit: Sendable, Hashable {
    public var pollutant: String
    public var kind: LimitKind
    public var basis: JudgementBasis
    public var source: LimitSource

    public init(pollutant: String, kind: LimitKind, basis: JudgementBasis, source: LimitSource) {
        self.pollutant = pollutant
        self.kind = kind
        self.basis = basis
        self.source = source
    }

    public var maximum: Double? { if case .maximum(let value) = kind { value } else { nil } }
    public var lower: Double? { if case .range(let lower, _) = kind { lower } else { nil } }
    public var upper: Double? { if case .range(_, let upper) = kind { upper } else { nil } }
}

/// Everything compliance needs to know about one outlet: who it belongs to, its medium, its
/// reference O2 and its limits (profile first, then the outlet's overrides).
public struct OutletRules: Sendable, Hashable {
    public var enterpriseID: String
    public var enterpriseName: String
    public var outletID: String
    public var outletName: String
    public var medium: Medium
    /// The profile named by `standard:`, if any.
    public var profile: LimitProfile?
    /// Reference O2 (%): the outlet's `reference_o2`, else the profile's; nil: judge measured values.
    public var referenceO2: Double?
    public var referenceO2Source: LimitSource?
    public var limits: [AppliedLimit]
    /// The MNs of the outlet's devices.
    public var mns: [String]

    /// Resolves an outlet's rules from the configuration and the profile catalog.
    public init(enterprise: Enterprise, outlet: Outlet, catalog: LimitProfileCatalog) throws {
        enterpriseID = enterprise.id
        enterpriseName = enterprise.name
        outletID = outlet.id
        outletName = outlet.name
        medium = outlet.medium
        mns = outlet.devices.map(\.mn)
        var limits: [AppliedLimit] = []
        if let name = outlet.standard {
            guard let profile = catalog[name] else {
                throw ComplianceError.unknownStandard(
                    enterprise: enterprise.id, outlet: outlet.id, standard: name, suggestions: catalog.suggestions(for: name))
            }
            guard profile.medium == outlet.medium else {
                throw ComplianceError.mediumMismatch(enterprise: enterprise.id, outlet: outlet.id, standard: name)
            }
            self.profile = profile
            let source = LimitSource.profile(id: profile.id, name: profile.displayName)
            limits = profile.limits.map { AppliedLimit(pollutant: $0.pollutant, kind: $0.kind, basis: $0.basis, source: source) }
            if let o2 = profile.referenceO2 {
                referenceO2 = o2
                referenceO2Source = source
            }
        }
        // The outlet's own limits replace every profile limit of the same pollutant.
        for code in outlet.limits.keys.sorted() {
            limits.removeAll { $0.pollutant == code }
            switch outlet.limits[code]! {
            case .maximum(let value):
                limits.append(AppliedLimit(pollutant: code, kind: .maximum(value), basis: outlet.medium == .gas ? .hour : .day, source: .outlet))
            case .range(let lower, let upper):
                limits.append(AppliedLimit(pollutant: code, kind: .range(lower: lower, upper: upper), basis: .range, source: .outlet))
            }
        }
        if let o2 = outlet.referenceO2 {
            referenceO2 = o2
            referenceO2Source = .outlet
        }
        self.limits = limits.sorted { ($0.pollutant, $0.basis.rawValue) < ($1.pollutant, $1.basis.rawValue) }
    }

    /// The limits of a pollutant judged on periods of `basis`.
    public func limits(for pollutant: String, on basis: PeriodBasis) -> [AppliedLimit] {
        limits.filter { $0.pollutant == pollutant && $0.basis.periodBasis == basis }
    }

    /// Whether the pollutant's concentration is converted to the reference O2 (gas pollutants
    /// with a reference O2; not flow, O2 itself or stack parameters).
    public func converts(_ pollutant: String) -> Bool {
        medium == .gas && referenceO2 != nil && OxygenConversion.isConvertible(pollutant)
    }
}

/// The compliance view of the whole registry: MN -> outlet rules. Built once from the
/// configuration; unknown standards are reported here, before any data is judged.
public struct ComplianceRegistry: Sendable {
    public let outlets: [OutletRules]
    public let byMN: [String: OutletRules]

    public init(configuration: GatewayConfiguration, catalog: LimitProfileCatalog = .shipped) throws {
        var outlets: [OutletRules] = []
        var byMN: [String: OutletRules] = [:]
        for enterprise in configuration.enterprises {
            for outlet in enterprise.outlets {
                let rules = try OutletRules(enterprise: enterprise, outlet: outlet, catalog: catalog)
                outlets.append(rules)
                for mn in rules.mns where byMN[mn] == nil { byMN[mn] = rules }
            }
        }
        self.outlets = outlets
        self.byMN = byMN
    }

    /// Every problem in the configuration's standards at once (for `check-config`).
    public static func problems(in configuration: GatewayConfiguration, catalog: LimitProfileCatalog = .shipped) -> [ComplianceError] {
        var problems: [ComplianceError] = []
        for enterprise in configuration.enterprises {
            for outlet in enterprise.outlets {
                do {
                    _ = try OutletRules(enterprise: enterprise, outlet: outlet, catalog: catalog)
                } catch let error as ComplianceError {
                    problems.append(error)
                } catch {}
            }
        }
        return problems
    }
}
