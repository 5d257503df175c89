import Foundation
import GatewayConfig
import Yams

/// The shipped limit profiles, by id. Loaded once from the package resource
/// `Profiles/limit-profiles.yaml`; a bureau can read its own file with `load(yaml:)`.
public struct LimitProfileCatalog: Sendable {
    public let profiles: [String: LimitProfile]
    /// Ids in file order, for listings.
    public let order: [String]

    /// The profiles shipped with the gateway.
    public static let shipped: LimitProfileCatalog = {
        guard let url = Bundle.module.url(forResource: "limit-profiles", withExtension: "yaml"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            preconditionFailure("the package resource limit-profiles.yaml is missing from this build")
        }
        do {
            return try load(yaml: text)
        } catch {
            preconditionFailure("the shipped limit-profiles.yaml is invalid: \(error)")
        }
    }()

    public init(profiles: [LimitProfile]) {
        var byID: [String: LimitProfile] = [:]
        var order: [String] = []
        for profile in profiles where byID[profile.id] == nil {
            byID[profile.id] = profile
            order.append(profile.id)
        }
        self.profiles = byID
        self.order = order
    }

    public subscript(id: String) -> LimitProfile? { profiles[id] }

    /// Ids that look like `name` (same prefix up to the first `/`), for "did you mean" hints.
    public func suggestions(for name: String) -> [String] {
        let family = name.split(separator: "/").first.map(String.init)?.replacingOccurrences(of: " ", with: "").uppercased() ?? ""
        let matches = order.filter { $0.uppercased().hasPrefix(family) && !family.isEmpty }
        return matches.isEmpty ? order : matches
    }

    /// Parses a profiles file (the format of `limit-profiles.yaml`).
    public static func load(yaml text: String) throws -> LimitProfileCatalog {
        let root: Any?
        do {
            root = try Yams.load(yaml: text)
        } catch {
            throw ComplianceError.invalidProfiles("the file is not valid YAML: \(error)")
        }
        guard let top = root as? [String: Any], let items = top["profiles"] as? [Any] else {
            throw ComplianceError.invalidProfiles("expected a top-level `profiles:` list")
        }
        var profiles: [LimitProfile] = []
        for (index, item) in items.enumerated() {
            guard let fields = item as? [String: Any] else {
                throw ComplianceError.invalidProfiles("profile #\(index + 1) is not a mapping")
            }
            guard let id = fields["id"] as? String, let standard = fields["standard"] as? String else {
                throw ComplianceError.invalidProfiles("profile #\(index + 1) needs `id` and `standard`")
            }
            guard let mediumText = fields["medium"] as? String, let medium = Medium(rawValue: mediumText) else {
                throw ComplianceError.invalidProfiles("profile \(id): medium must be gas or water")
            }
            let title = fields["title"].map { "\($0)" } ?? ""
            let referenceO2 = number(fields["reference_o2"])
            if let referenceO2, !(0..<21).contains(referenceO2) {
                throw ComplianceError.invalidProfiles("profile \(id): reference_o2 \(referenceO2) is not a percentage below 21")
            }
            guard let limitFields = fields["limits"] as? [String: Any] else {
                throw ComplianceError.invalidProfiles("profile \(id): `limits` must map pollutant codes to limits")
            }
            var limits: [ProfileLimit] = []
            for code in limitFields.keys.sorted() {
                let entries = (limitFields[code] as? [Any]) ?? [limitFields[code] as Any]
                for entry in entries {
                    limits.append(try limit(entry, code: code, profile: id, medium: medium))
                }
            }
            profiles.append(LimitProfile(id: id, standard: standard, title: title, medium: medium, referenceO2: referenceO2, limits: limits))
        }
        return LimitProfileCatalog(profiles: profiles)
    }

    static func limit(_ entry: Any, code: String, profile: String, medium: Medium) throws -> ProfileLimit {
        guard let fields = entry as? [String: Any] else {
            throw ComplianceError.invalidProfiles("profile \(profile), \(code): expected {max: L} or {range: [lo, hi]}")
        }
        if let range = fields["range"] as? [Any] {
            guard range.count == 2, let lower = number(range[0]), let upper = number(range[1]), lower < upper else {
                throw ComplianceError.invalidProfiles("profile \(profile), \(code): range must be [lower, upper] with lower < upper")
            }
            return ProfileLimit(pollutant: code, kind: .range(lower: lower, upper: upper), basis: .range)
        }
        guard let maximum = number(fields["max"]), maximum > 0 else {
            throw ComplianceError.invalidProfiles("profile \(profile), \(code): `max` must be a positive number")
        }
        let basis: JudgementBasis
        switch fields["basis"] as? String {
        case nil: basis = medium == .gas ? .hour : .day
        case "hour": basis = .hour
        case "day": basis = .day
        case let other?:
            throw ComplianceError.invalidProfiles("profile \(profile), \(code): basis \(other) is not hour or day")
        }
        return ProfileLimit(pollutant: code, kind: .maximum(maximum), basis: basis)
    }

    static func number(_ value: Any?) -> Double? {
        switch value {
        case let value as Double: value
        case let value as Int: Double(value)
        case let value as String: Double(value)
        default: nil
        }
    }
}
