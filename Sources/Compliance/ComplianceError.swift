/// What went wrong in compliance set-up or evaluation, in words an operator can act on.
public enum ComplianceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A profiles file could not be read.
    case invalidProfiles(String)
    /// An outlet names a standard profile that does not exist.
    case unknownStandard(enterprise: String, outlet: String, standard: String, suggestions: [String])
    /// An outlet's medium differs from its profile's.
    case mediumMismatch(enterprise: String, outlet: String, standard: String)

    public var description: String {
        switch self {
        case .invalidProfiles(let text):
            return "limit profiles: \(text). Fix the profiles file (format: Sources/Compliance/Profiles/limit-profiles.yaml)."
        case .unknownStandard(let enterprise, let outlet, let standard, let suggestions):
            return "enterprise \(enterprise), outlet \(outlet): standard \"\(standard)\" is not a shipped profile. "
                + "Known profiles include: \(suggestions.prefix(8).joined(separator: ", ")). Run `hj212 limits --profiles` for all."
        case .mediumMismatch(let enterprise, let outlet, let standard):
            return "enterprise \(enterprise), outlet \(outlet): standard \(standard) is for the other medium (gas vs water); pick a profile of the outlet's medium."
        }
    }
}
