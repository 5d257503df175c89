import Foundation

/// A password or key from the configuration. It prints as `***` however it is printed
/// (`description`, string interpolation, `debugDescription`, `dump`), so secrets never reach logs
/// or error messages; only `.value` gives the plaintext.
///
/// In the file a secret is written in clear, or as `env:NAME` to read it from the environment
/// variable `NAME` when the file is loaded (a literal value cannot start with `env:`).
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable, ExpressibleByStringLiteral
{
    /// The plaintext.
    public let value: String
    /// `env:NAME` when the value was read from the environment, so the file can be written back
    /// with the reference rather than the value.
    public let reference: String?

    /// A secret given in clear.
    public init(_ value: String) {
        self.value = value
        self.reference = nil
    }

    /// A secret read from the environment variable named in `reference` (`env:NAME`).
    public init(value: String, reference: String?) {
        self.value = value
        self.reference = reference
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    public var description: String { "***" }
    public var debugDescription: String { "***" }
    public var customMirror: Mirror { Mirror(self, children: ["value": "***"], displayStyle: .struct) }

    /// How the secret is written in a configuration file: the `env:` reference, or the value.
    var written: String { reference ?? value }

    static let environmentPrefix = "env:"

    /// Reads a secret as written in the file: `env:NAME` is looked up in `environment`.
    static func resolve(_ text: String, environment: [String: String]) -> Result<Secret, ProblemText> {
        guard text.hasPrefix(environmentPrefix) else { return .success(Secret(text)) }
        let name = String(text.dropFirst(environmentPrefix.count)).trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else {
            return .failure(ProblemText("\"env:\" names no environment variable; write env:NAME"))
        }
        guard let value = environment[name] else {
            return .failure(ProblemText("the environment variable \(name) is not set (the value is written env:\(name)); set it before starting the gateway"))
        }
        guard !value.isEmpty else {
            return .failure(ProblemText("the environment variable \(name) is set but empty (the value is written env:\(name))"))
        }
        return .success(Secret(value: value, reference: "\(environmentPrefix)\(name)"))
    }
}
