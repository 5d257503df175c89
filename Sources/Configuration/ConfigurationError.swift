import Foundation

/// One problem found in a configuration file, located so an operator can go straight to it.
public struct ConfigurationIssue: Sendable, Hashable, CustomStringConvertible {
    /// 1-based line in the file, when the problem has a place.
    public var line: Int?
    /// 1-based column (in Unicode scalars), when the problem has a place.
    public var column: Int?
    /// Where in the document, e.g. `enterprises[0].outlets[1].devices[0].mn`; empty for the
    /// whole file.
    public var path: String
    /// What is wrong and, where possible, how to fix it.
    public var message: String

    public init(line: Int? = nil, column: Int? = nil, path: String, message: String) {
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    /// `line 17: enterprises[0].outlets[0].devices[1].mn: "…" is registered twice …`
    public var description: String {
        var text = ""
        if let line { text += "line \(line): " }
        if !path.isEmpty { text += "\(path): " }
        return text + message
    }
}

/// Why a configuration could not be loaded: every problem found, not just the first, so one
/// round of editing can fix them all.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    /// The problems, in file order.
    public var issues: [ConfigurationIssue]
    /// The file that was read, if any.
    public var sourcePath: String?

    public init(issues: [ConfigurationIssue], sourcePath: String? = nil) {
        self.issues = issues
        self.sourcePath = sourcePath
    }

    /// One issue per line, each prefixed by the file path:
    /// `/etc/hj212.yaml: line 17: enterprises[0]…mn: …`.
    public var description: String {
        let prefix = sourcePath.map { "\($0): " } ?? ""
        return issues.map { prefix + $0.description }.joined(separator: "\n")
    }

    public var errorDescription: String? { description }
}
