import Foundation
import HJ212
import Yams

/// Reads the gateway's YAML file into a `GatewayConfiguration`, checking every field and
/// reporting every problem with its line, so an operator fixes the file in one pass.
///
/// The file is read as a YAML node tree (not `Codable`) so each value keeps its position.
/// Scalars are taken as written: `mn: 0100` stays `"0100"`, `http: off` means off, and
/// `publish_at: 01:00` is a time, whatever YAML 1.1 would have made of them.
public enum ConfigurationLoader {
    /// Reads and checks the file at `path`. Relative paths inside it (`storage.sqlite`,
    /// `disclosure.directory`) are resolved against the file's folder; `env:NAME` secrets are
    /// read from `environment`.
    public static func load(
        path: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> GatewayConfiguration {
        let text: String
        switch readFile(path) {
        case .success(let contents): text = contents
        case .failure(let problem):
            throw ConfigurationError(issues: [ConfigurationIssue(path: "", message: problem.text)], sourcePath: path)
        }
        return try parse(yaml: text, sourcePath: path, environment: environment)
    }

    /// Checks configuration text. `sourcePath`, when given, is recorded in the result and in
    /// errors, and relative paths are resolved against its folder; without it they stay as written.
    public static func parse(
        yaml: String,
        sourcePath: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> GatewayConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigurationError(issues: [syntaxIssue(error, yaml: yaml)], sourcePath: sourcePath)
        }
        let reader = DocumentReader(sourcePath: sourcePath, environment: environment)
        let configuration = reader.readRoot(root)
        if !reader.issues.isEmpty {
            throw ConfigurationError(issues: reader.sortedIssues, sourcePath: sourcePath)
        }
        return configuration
    }

    static func readFile(_ path: String) -> Result<String, ProblemText> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(ProblemText("the configuration file does not exist"))
        }
        guard !isDirectory.boolValue else {
            return .failure(ProblemText("this is a folder, not a configuration file"))
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            return .failure(ProblemText("cannot read the configuration file: \(error.localizedDescription)"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(ProblemText("the file is not UTF-8 text; save it as UTF-8"))
        }
        return .success(text)
    }

    /// A YAML error as an issue with the line it happened on.
    static func syntaxIssue(_ error: any Error, yaml: String) -> ConfigurationIssue {
        guard let error = error as? YamlError else {
            return ConfigurationIssue(path: "", message: "the file is not valid YAML: \(error)")
        }
        func located(_ context: YamlError.Context?, _ problem: String, _ mark: Mark) -> ConfigurationIssue {
            var message = "YAML syntax error: \(problem)"
            if let context {
                message += " (\(context.text) started at line \(context.mark.line))"
            }
            return ConfigurationIssue(line: mark.line, column: mark.column, path: "", message: message)
        }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _):
            return located(context, problem, mark)
        case let .composer(context, problem, mark, _):
            return located(context, problem, mark)
        case let .reader(problem, offset, _, _):
            var line: Int?
            if let offset {
                line = 1 + yaml.utf8.prefix(offset).filter { $0 == UInt8(ascii: "\n") }.count
            }
            return ConfigurationIssue(line: line, path: "", message: "the file cannot be read as YAML text: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            return ConfigurationIssue(
                line: context.mark.line, column: context.mark.column, path: "",
                message: "\(keys) is given more than once in the same block (first here); keep one")
        default:
            return ConfigurationIssue(path: "", message: "the file is not valid YAML: \(error)")
        }
    }
}

// MARK: - Reading the node tree

/// The value nodes of one YAML mapping, by key, after unknown keys were reported.
struct Fields {
    let node: Node
    let path: String
    let entries: [String: (key: Node, value: Node)]

    /// The value for `key`, nil when absent or written as null (`key:` or `key: ~`).
    subscript(_ key: String) -> Node? {
        guard let value = entries[key]?.value, !DocumentReader.isNull(value) else { return nil }
        return value
    }

    /// Whether the key is written at all, null or not.
    func contains(_ key: String) -> Bool { entries[key] != nil }

    func path(_ key: String) -> String { DocumentReader.join(path, key) }
}

/// Walks the node tree once, building the configuration and collecting issues.
final class DocumentReader {
    let sourcePath: String?
    let environment: [String: String]
    let tables = CodeTables.shipped
    private(set) var issues: [(order: Int, issue: ConfigurationIssue)] = []

    init(sourcePath: String?, environment: [String: String]) {
        self.sourcePath = sourcePath
        self.environment = environment
    }

    var sortedIssues: [ConfigurationIssue] {
        issues.sorted { ($0.issue.line ?? 0, $0.order) < ($1.issue.line ?? 0, $1.order) }.map(\.issue)
    }

    func report(_ mark: Mark?, _ path: String, _ message: String) {
        issues.append((issues.count, ConfigurationIssue(line: mark?.line, column: mark?.column, path: path, message: message)))
    }

    func report(_ node: Node, _ path: String, _ message: String) {
        report(node.mark, path, message)
    }

    // MARK: Keys

    static let topKeys = ["listen", "http", "timezone", "storage", "durability", "disclosure", "unregistered", "limits", "ingest", "enterprises"]
    static let storageKeys = ["sqlite", "postgres"]
    static let disclosureKeys = ["directory", "publish_at"]
    static let limitKeys = [
        "max_connections", "max_connections_per_ip", "max_frame_bytes", "idle_timeout_seconds", "junk_bytes_limit",
        "no_valid_frame_seconds", "bad_password_threshold", "bad_password_window_seconds", "block_seconds",
    ]
    static let ingestKeys = ["batch_max_frames", "batch_max_delay_millis", "queue_capacity", "policy"]
    static let enterpriseKeys = ["id", "name", "outlets"]
    static let outletKeys = ["id", "name", "medium", "standard", "limits", "reference_o2", "devices"]
    static let deviceKeys = ["mn", "password", "edition", "sm4_key", "crc", "policy"]

    /// Sections a misplaced key belongs in, for "belongs under …" hints.
    static let sectionsByKey: [String: String] = {
        var sections: [String: String] = [:]
        for key in storageKeys { sections[key] = "storage" }
        for key in disclosureKeys { sections[key] = "disclosure" }
        for key in limitKeys { sections[key] = "limits" }
        for key in ingestKeys where key != "policy" { sections[key] = "ingest" }
        return sections
    }()

    // MARK: Generic helpers

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            if isNull(node) { return "nothing" }
            return "\"\(scalar.string)\""
        case .mapping: return "a mapping (key: value)"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// The keys of a mapping; unknown keys are reported with a suggestion.
    func fields(_ node: Node, _ path: String, allowed: [String], expected: String) -> Fields? {
        guard case .mapping(let mapping) = node else {
            report(node, path, "expected \(expected), found \(Self.describe(node))")
            return nil
        }
        var entries: [String: (key: Node, value: Node)] = [:]
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                report(key, path, "a key must be plain text, found \(Self.describe(key))")
                continue
            }
            let name = scalar.string
            if allowed.contains(name) {
                entries[name] = (key, value)
            } else {
                report(key, Self.join(path, name), unknownKeyMessage(name, allowed: allowed, atTop: path.isEmpty))
            }
        }
        return Fields(node: node, path: path, entries: entries)
    }

    func unknownKeyMessage(_ name: String, allowed: [String], atTop: Bool) -> String {
        if name == "<<" {
            return "YAML merge keys (<<) are not supported here; write the fields out"
        }
        if let suggestion = Suggestion.closest(to: name, among: allowed) {
            return "unknown key \"\(name)\"; did you mean \"\(suggestion)\"?"
        }
        if atTop, let section = Self.sectionsByKey[name] {
            return "unknown key \"\(name)\" at the top level; it belongs under \"\(section):\""
        }
        return "unknown key \"\(name)\"; expected one of: \(allowed.joined(separator: ", "))"
    }

    /// A scalar's text as written.
    func text(_ node: Node, _ path: String, expected: String = "text") -> String? {
        guard case .scalar(let scalar) = node else {
            report(node, path, "expected \(expected), found \(Self.describe(node))")
            return nil
        }
        return scalar.string
    }

    /// Non-empty text (surrounding spaces removed).
    func nonEmptyText(_ node: Node, _ path: String, expected: String = "text") -> String? {
        guard let value = text(node, path, expected: expected) else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            report(node, path, "must not be empty")
            return nil
        }
        return trimmed
    }

    /// A required field's value; reports it when absent.
    func required(_ fields: Fields, _ key: String, _ why: String) -> Node? {
        if let value = fields[key] { return value }
        let mark = fields.entries[key]?.key.mark ?? fields.node.mark
        report(mark, fields.path(key), "\"\(key)\" is missing; \(why)")
        return nil
    }

    func integer(_ node: Node, _ path: String, minimum: Int, maximum: Int? = nil) -> Int? {
        guard let raw = text(node, path, expected: "a whole number") else { return nil }
        let value = raw.trimmingCharacters(in: .whitespaces)
        guard Self.isInteger(value), let number = Int(value) else {
            report(node, path, "expected a whole number, found \(Self.describe(node))")
            return nil
        }
        if number < minimum || maximum.map({ number > $0 }) == true {
            if let maximum {
                report(node, path, "must be between \(minimum) and \(maximum), found \(number)")
            } else {
                report(node, path, "must be at least \(minimum), found \(number)")
            }
            return nil
        }
        return number
    }

    func number(_ node: Node, _ path: String) -> Double? {
        guard let raw = text(node, path, expected: "a number") else { return nil }
        let value = raw.trimmingCharacters(in: .whitespaces)
        guard Self.isDecimal(value), let number = Double(value), number.isFinite else {
            report(node, path, "expected a number, found \(Self.describe(node))")
            return nil
        }
        return number
    }

    static func isInteger(_ text: String) -> Bool {
        var digits = Substring(text)
        if digits.first == "+" || digits.first == "-" { digits = digits.dropFirst() }
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// `[+-]digits[.digits][e[+-]digits]`, or `.5`: what an operator writes as a number.
    static func isDecimal(_ text: String) -> Bool {
        var rest = Substring(text)
        if rest.first == "+" || rest.first == "-" { rest = rest.dropFirst() }
        let mantissaEnd = rest.firstIndex(where: { $0 == "e" || $0 == "E" }) ?? rest.endIndex
        let mantissa = rest[..<mantissaEnd]
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.contains(where: { !$0.isEmpty }),
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return false }
        if mantissaEnd != rest.endIndex {
            return isInteger(String(rest[rest.index(after: mantissaEnd)...]))
        }
        return true
    }

    /// One of an enum's raw values.
    func choice<T: RawRepresentable & CaseIterable>(_ node: Node, _ path: String, _: T.Type) -> T? where T.RawValue == String {
        let names = T.allCases.map(\.rawValue)
        guard let raw = text(node, path, expected: "one of \(Self.alternatives(names))") else { return nil }
        let value = raw.trimmingCharacters(in: .whitespaces)
        if let match = T(rawValue: value) ?? T(rawValue: value.lowercased()) { return match }
        var message = "must be \(Self.alternatives(names)), found \(Self.describe(node))"
        if let suggestion = Suggestion.closest(to: value, among: names) {
            message += "; did you mean \"\(suggestion)\"?"
        }
        report(node, path, message)
        return nil
    }

    static func alternatives(_ names: [String]) -> String {
        switch names.count {
        case 0: return ""
        case 1: return names[0]
        default: return names.dropLast().joined(separator: ", ") + " or " + names.last!
        }
    }

    func hostPort(_ node: Node, _ path: String) -> HostPort? {
        guard let value = text(node, path, expected: "host:port") else { return nil }
        switch HostPort.parse(value) {
        case .success(let hostPort): return hostPort
        case .failure(let problem):
            report(node, path, problem.text)
            return nil
        }
    }

    /// A file path from the configuration: relative ones are resolved against the file's folder.
    func resolvePath(_ path: String) -> String {
        guard let sourcePath, !path.hasPrefix("/") else { return path }
        let folder = URL(fileURLWithPath: sourcePath).deletingLastPathComponent()
        return folder.appendingPathComponent(path).standardizedFileURL.path
    }

    func secret(_ node: Node, _ path: String) -> Secret? {
        guard let raw = text(node, path) else { return nil }
        switch Secret.resolve(raw.trimmingCharacters(in: .whitespaces), environment: environment) {
        case .success(let secret): return secret
        case .failure(let problem):
            report(node, path, problem.text)
            return nil
        }
    }

    // MARK: Document

    func readRoot(_ root: Node?) -> GatewayConfiguration {
        var configuration = GatewayConfiguration(sourcePath: sourcePath)
        if case .sqlite(let path) = configuration.storage {
            configuration.storage = .sqlite(path: resolvePath(path))
        }
        configuration.disclosure.directory = resolvePath(configuration.disclosure.directory)
        guard let root, !Self.isNull(root) else { return configuration }
        guard let top = fields(root, "", allowed: Self.topKeys, expected: "a mapping of settings (key: value)") else {
            return configuration
        }
        if let node = top["listen"], let value = hostPort(node, "listen") {
            configuration.listen = value
        }
        if top.contains("http") {
            configuration.http = readHTTP(top)
        }
        if let node = top["timezone"], let value = readTimeZone(node, "timezone") {
            configuration.timezone = value
        }
        if let node = top["storage"], let value = readStorage(node, "storage") {
            configuration.storage = value
        }
        if let node = top["durability"], let value = choice(node, "durability", Durability.self) {
            configuration.durability = value
        }
        if let node = top["disclosure"] {
            configuration.disclosure = readDisclosure(node, "disclosure", defaults: configuration.disclosure)
        }
        if let node = top["unregistered"], let value = choice(node, "unregistered", UnregisteredPolicy.self) {
            configuration.unregistered = value
        }
        if let node = top["limits"] {
            configuration.limits = readLimits(node, "limits")
        }
        if let node = top["ingest"] {
            configuration.ingest = readIngest(node, "ingest")
        }
        if let node = top["enterprises"] {
            configuration.enterprises = readEnterprises(node, "enterprises")
        }
        return configuration
    }

    func readHTTP(_ top: Fields) -> HostPort? {
        let fallback = GatewayConfiguration.default.http
        guard let node = top["http"] else {
            report(top.entries["http"]?.key.mark, "http", "has no value; write host:port (e.g. 127.0.0.1:8212), or off to run without the site")
            return fallback
        }
        if case .scalar(let scalar) = node,
           ["off", "false", "no", "none", "disabled"].contains(scalar.string.trimmingCharacters(in: .whitespaces).lowercased()) {
            return nil
        }
        return hostPort(node, "http") ?? fallback
    }

    func readTimeZone(_ node: Node, _ path: String) -> String? {
        guard let value = nonEmptyText(node, path, expected: "a time zone name such as Asia/Shanghai") else { return nil }
        if value.uppercased() == "CST" {
            report(node, path, "\"CST\" is ambiguous (the time-zone database reads it as US Central time); write Asia/Shanghai for China")
            return nil
        }
        if TimeZone(identifier: value) != nil { return value }
        var message = "\"\(value)\" is not a time zone name; use an IANA name such as Asia/Shanghai"
        let known = TimeZone.knownTimeZoneIdentifiers
        if let exact = known.first(where: { $0.lowercased() == value.lowercased() }) {
            message += "; did you mean \"\(exact)\"?"
        } else if ["beijing", "china", "prc", "北京", "中国"].contains(where: { value.lowercased().contains($0) }) {
            message += "; did you mean \"Asia/Shanghai\"?"
        } else if let suggestion = Suggestion.closest(to: value, among: known) {
            message += "; did you mean \"\(suggestion)\"?"
        }
        report(node, path, message)
        return nil
    }

    func readStorage(_ node: Node, _ path: String) -> StorageConfiguration? {
        let expected = "a mapping such as \"sqlite: data/hj212.sqlite\" or \"postgres: postgres://user@host/db\""
        guard let fields = fields(node, path, allowed: Self.storageKeys, expected: expected) else { return nil }
        let sqlite = fields["sqlite"]
        let postgres = fields["postgres"]
        switch (sqlite, postgres) {
        case (nil, nil):
            report(node, path, "give either sqlite: PATH or postgres: URL")
            return nil
        case (.some, .some(let postgres)):
            report(postgres, fields.path("postgres"), "give either sqlite or postgres, not both")
            return nil
        case (.some(let sqlite), nil):
            guard let file = nonEmptyText(sqlite, fields.path("sqlite"), expected: "a file path") else { return nil }
            return .sqlite(path: resolvePath(file))
        case (nil, .some(let postgres)):
            guard let url = nonEmptyText(postgres, fields.path("postgres"), expected: "a postgres:// URL") else { return nil }
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://"),
                  let components = URLComponents(string: url), components.host?.isEmpty == false else {
                report(postgres, fields.path("postgres"), "expected a URL like postgres://user@host:5432/db (the password, if any, is masked in logs)")
                return nil
            }
            return .postgres(url: url)
        }
    }

    func readDisclosure(_ node: Node, _ path: String, defaults: DisclosureConfiguration) -> DisclosureConfiguration {
        var disclosure = defaults
        guard let fields = fields(node, path, allowed: Self.disclosureKeys, expected: "a mapping with directory and publish_at") else {
            return disclosure
        }
        if let value = fields["directory"], let directory = nonEmptyText(value, fields.path("directory"), expected: "a folder path") {
            disclosure.directory = resolvePath(directory)
        }
        if let value = fields["publish_at"], let time = text(value, fields.path("publish_at"), expected: "a time HH:MM") {
            if let (hour, minute) = DisclosureConfiguration.parseTime(time.trimmingCharacters(in: .whitespaces)) {
                disclosure.publishAt = String(format: "%02d:%02d", hour, minute)
            } else {
                report(value, fields.path("publish_at"), "expected a local time HH:MM between 00:00 and 23:59 (quote it: \"01:00\"), found \(Self.describe(value))")
            }
        }
        return disclosure
    }

    func readLimits(_ node: Node, _ path: String) -> ConnectionLimits {
        var limits = ConnectionLimits()
        guard let fields = fields(node, path, allowed: Self.limitKeys, expected: "a mapping of connection limits") else { return limits }
        let settings: [(String, WritableKeyPath<ConnectionLimits, Int>, Int, Int?)] = [
            ("max_connections", \.maxConnections, 1, nil),
            ("max_connections_per_ip", \.maxConnectionsPerIP, 1, nil),
            ("max_frame_bytes", \.maxFrameBytes, 1024, 1_048_576),
            ("idle_timeout_seconds", \.idleTimeoutSeconds, 1, nil),
            ("junk_bytes_limit", \.junkBytesLimit, 1, nil),
            ("no_valid_frame_seconds", \.noValidFrameSeconds, 1, nil),
            ("bad_password_threshold", \.badPasswordThreshold, 1, nil),
            ("bad_password_window_seconds", \.badPasswordWindowSeconds, 1, nil),
            ("block_seconds", \.blockSeconds, 0, nil),
        ]
        for (key, keyPath, minimum, maximum) in settings {
            if let value = fields[key], let number = integer(value, fields.path(key), minimum: minimum, maximum: maximum) {
                limits[keyPath: keyPath] = number
            }
        }
        if limits.maxConnectionsPerIP > limits.maxConnections, let node = fields["max_connections_per_ip"] ?? fields["max_connections"] {
            let key = fields["max_connections_per_ip"] != nil ? "max_connections_per_ip" : "max_connections"
            report(node, fields.path(key), "max_connections_per_ip (\(limits.maxConnectionsPerIP)) cannot exceed max_connections (\(limits.maxConnections))")
        }
        return limits
    }

    func readIngest(_ node: Node, _ path: String) -> IngestSettings {
        var ingest = IngestSettings()
        guard let fields = fields(node, path, allowed: Self.ingestKeys, expected: "a mapping of ingest settings") else { return ingest }
        if let value = fields["batch_max_frames"], let number = integer(value, fields.path("batch_max_frames"), minimum: 1) {
            ingest.batchMaxFrames = number
        }
        if let value = fields["batch_max_delay_millis"], let number = integer(value, fields.path("batch_max_delay_millis"), minimum: 0, maximum: 60_000) {
            ingest.batchMaxDelayMillis = number
        }
        if let value = fields["queue_capacity"], let number = integer(value, fields.path("queue_capacity"), minimum: 1) {
            ingest.queueCapacity = number
        }
        if let value = fields["policy"], let policy = choice(value, fields.path("policy"), DecodePolicy.self) {
            ingest.policy = policy
        }
        if ingest.queueCapacity < ingest.batchMaxFrames, let node = fields["queue_capacity"] ?? fields["batch_max_frames"] {
            let key = fields["queue_capacity"] != nil ? "queue_capacity" : "batch_max_frames"
            report(node, fields.path(key), "queue_capacity (\(ingest.queueCapacity)) must be at least batch_max_frames (\(ingest.batchMaxFrames))")
        }
        return ingest
    }

    // MARK: Registry

    private var enterpriseIDs: [String: Int] = [:]
    private var deviceMNs: [String: Int] = [:]

    func list(_ node: Node, _ path: String, of what: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            report(node, path, "expected a list of \(what) (each item starting with \"- \"), found \(Self.describe(node))")
            return nil
        }
        return Array(sequence)
    }

    func readEnterprises(_ node: Node, _ path: String) -> [Enterprise] {
        guard let items = list(node, path, of: "enterprises") else { return [] }
        var enterprises: [Enterprise] = []
        for (index, item) in items.enumerated() {
            if let enterprise = readEnterprise(item, "\(path)[\(index)]") {
                enterprises.append(enterprise)
            }
        }
        return enterprises
    }

    func readEnterprise(_ node: Node, _ path: String) -> Enterprise? {
        guard let fields = fields(node, path, allowed: Self.enterpriseKeys, expected: "an enterprise (id, name, outlets)") else { return nil }
        var enterprise = Enterprise(id: "", name: "")
        if let value = required(fields, "id", "every enterprise needs an id (e.g. its unified social credit code)"),
           let id = nonEmptyText(value, fields.path("id")) {
            enterprise.id = id
            let line = value.mark?.line ?? 0
            if let first = enterpriseIDs[id] {
                report(value, fields.path("id"), "enterprise \"\(id)\" is listed twice (also at line \(first)); each enterprise id must be unique")
            } else {
                enterpriseIDs[id] = line
            }
        }
        if let value = required(fields, "name", "every enterprise needs the name the public will read"),
           let name = nonEmptyText(value, fields.path("name")) {
            enterprise.name = name
        }
        if let value = fields["outlets"], let items = list(value, fields.path("outlets"), of: "outlets") {
            var outletIDs: [String: Int] = [:]
            for (index, item) in items.enumerated() {
                if let outlet = readOutlet(item, "\(fields.path("outlets"))[\(index)]", enterpriseID: enterprise.id, outletIDs: &outletIDs) {
                    enterprise.outlets.append(outlet)
                }
            }
        }
        return enterprise
    }

    func readOutlet(_ node: Node, _ path: String, enterpriseID: String, outletIDs: inout [String: Int]) -> Outlet? {
        guard let fields = fields(node, path, allowed: Self.outletKeys, expected: "an outlet (id, name, medium, devices)") else { return nil }
        var outlet = Outlet(id: "", name: "", medium: .gas)
        var mediumKnown = false
        if let value = required(fields, "id", "every outlet needs an id (e.g. DA001 or DW001)"),
           let id = nonEmptyText(value, fields.path("id")) {
            outlet.id = id
            if let first = outletIDs[id] {
                let owner = enterpriseID.isEmpty ? "this enterprise" : "enterprise \"\(enterpriseID)\""
                report(value, fields.path("id"), "outlet \"\(id)\" is listed twice in \(owner) (also at line \(first)); outlet ids must be unique within an enterprise")
            } else {
                outletIDs[id] = value.mark?.line ?? 0
            }
        }
        if let value = required(fields, "name", "every outlet needs a name"),
           let name = nonEmptyText(value, fields.path("name")) {
            outlet.name = name
        }
        if let value = required(fields, "medium", "write gas or water"),
           let medium = choice(value, fields.path("medium"), Medium.self) {
            outlet.medium = medium
            mediumKnown = true
        }
        if let value = fields["standard"], let standard = nonEmptyText(value, fields.path("standard"), expected: "a standard profile name") {
            outlet.standard = standard
        }
        if let value = fields["reference_o2"], let oxygen = number(value, fields.path("reference_o2")) {
            if !(oxygen > 0 && oxygen < 21) {
                report(value, fields.path("reference_o2"), "must be an oxygen percentage above 0 and below 21, found \(Self.describe(value))")
            } else if mediumKnown && outlet.medium != .gas {
                report(value, fields.path("reference_o2"), "reference O2 applies to gas outlets only; this outlet is water")
            } else {
                outlet.referenceO2 = oxygen
            }
        }
        if let value = fields["limits"] {
            outlet.limits = readPollutantLimits(value, fields.path("limits"), medium: mediumKnown ? outlet.medium : nil)
        }
        if let value = fields["devices"], let items = list(value, fields.path("devices"), of: "devices") {
            for (index, item) in items.enumerated() {
                if let device = readDevice(item, "\(fields.path("devices"))[\(index)]") {
                    outlet.devices.append(device)
                }
            }
        }
        return outlet
    }

    func readPollutantLimits(_ node: Node, _ path: String, medium: Medium?) -> [String: LimitValue] {
        guard case .mapping(let mapping) = node else {
            report(node, path, "expected pollutant limits such as { a21026: 300 } or { w01001: [6, 9] }, found \(Self.describe(node))")
            return [:]
        }
        var limits: [String: LimitValue] = [:]
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                report(key, path, "a pollutant code must be plain text, found \(Self.describe(key))")
                continue
            }
            let code = scalar.string.trimmingCharacters(in: .whitespaces)
            let keyPath = Self.join(path, code)
            let codeOK = checkPollutantCode(code, key, keyPath, medium: medium)
            if let limit = limitValue(value, keyPath), codeOK {
                limits[code] = limit
            }
        }
        return limits
    }

    /// Whether `code` names a pollutant (HJ 212-2017 form) suited to the outlet's medium.
    func checkPollutantCode(_ code: String, _ node: Node, _ path: String, medium: Medium?) -> Bool {
        let looksLikeCode = code.count == 6 && code.first!.isASCII && code.first!.isLowercase
            && code.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }
        if let known = tables.pollutants[code] {
            guard known.medium == "gas" || known.medium == "water" else {
                report(node, path, "\(code) (\(known.nameZh)) is not a gas or water pollutant and cannot have a limit")
                return false
            }
            if let medium, known.medium != medium.rawValue {
                report(node, path, "\(code) (\(known.nameZh)) is a \(known.medium) pollutant but this outlet's medium is \(medium.rawValue)")
                return false
            }
            return true
        }
        if let old = tables.codes2005[code] {
            let name = tables.pollutants[old.code].map { " (\($0.nameZh))" } ?? ""
            report(node, path, "\"\(code)\" is an HJ/T 212-2005 code; write limits with HJ 212-2017 codes: \(old.code)\(name)")
            return false
        }
        if looksLikeCode {
            let prefixMedium: Medium? = code.hasPrefix("a") ? .gas : code.hasPrefix("w") ? .water : nil
            if let medium, let prefixMedium, prefixMedium != medium {
                report(node, path, "\(code) is a \(prefixMedium.rawValue) code but this outlet's medium is \(medium.rawValue)")
                return false
            }
            return true
        }
        var message = "\"\(code)\" is not an HJ 212 pollutant code (codes look like a21026 or w01018)"
        let lowered = code.lowercased()
        let byName = tables.pollutants.values
            .filter { ($0.medium == medium?.rawValue || medium == nil) && ($0.nameZh == code || $0.nameEn.lowercased() == lowered) }
            .map(\.code).sorted()
        if let match = byName.first {
            message += "; did you mean \(match)?"
        } else if let suggestion = Suggestion.closest(to: code, among: Array(tables.pollutants.keys).sorted()) {
            message += "; did you mean \(suggestion)?"
        }
        report(node, path, message)
        return false
    }

    func limitValue(_ node: Node, _ path: String) -> LimitValue? {
        switch node {
        case .scalar:
            guard let value = number(node, path) else { return nil }
            guard value > 0 else {
                report(node, path, "a maximum must be a positive number, found \(Self.describe(node))")
                return nil
            }
            return .maximum(value)
        case .sequence(let sequence) where sequence.count == 2:
            guard let lower = number(sequence[0], path), let upper = number(sequence[1], path) else { return nil }
            guard lower < upper else {
                report(node, path, "a range is written [lower, upper] with lower < upper, found [\(Self.format(lower)), \(Self.format(upper))]")
                return nil
            }
            return .range(lower: lower, upper: upper)
        default:
            report(node, path, "expected a number (the maximum) or [lower, upper] (a range), found \(Self.describe(node))")
            return nil
        }
    }

    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    func readDevice(_ node: Node, _ path: String) -> DeviceConfiguration? {
        guard let fields = fields(node, path, allowed: Self.deviceKeys, expected: "a device (mn, password, ...)") else { return nil }
        var device = DeviceConfiguration(mn: "", password: Secret(""))
        if let value = required(fields, "mn", "every device needs its MN (the ID it sends)"),
           let mn = text(value, fields.path("mn")) {
            device.mn = mn
            if let problem = Self.mnProblem(mn) {
                report(value, fields.path("mn"), problem)
            } else if let first = deviceMNs[mn] {
                report(value, fields.path("mn"), "\"\(mn)\" is registered twice (also at line \(first)); each MN must be unique")
            } else {
                deviceMNs[mn] = value.mark?.line ?? 0
            }
        }
        if let value = required(fields, "password", "every device needs the password (PW) it sends"),
           let password = secret(value, fields.path("password")) {
            device.password = password
            if let problem = Self.passwordProblem(password) {
                report(value, fields.path("password"), problem)
            }
        }
        if let value = fields["edition"], let raw = text(value, fields.path("edition")) {
            if let edition = Edition(rawValue: raw.trimmingCharacters(in: .whitespaces)) {
                device.edition = edition
            } else {
                report(value, fields.path("edition"), "must be \"2005\", \"2017\" or \"2025\", found \(Self.describe(value))")
            }
        }
        if let value = fields["sm4_key"], let key = secret(value, fields.path("sm4_key")) {
            if let problem = Self.keyProblem(key) {
                report(value, fields.path("sm4_key"), problem)
            } else if device.edition != .hj2025 {
                let now = device.edition.map { "this device is edition \($0.rawValue)" } ?? "this device has no edition"
                report(value, fields.path("sm4_key"), "sm4_key is only used by HJ 212-2025 devices and \(now); add edition: \"2025\" or remove the key")
            } else {
                device.sm4Key = key
            }
        }
        if let value = fields["crc"] {
            device.crc = readCRC(value, fields.path("crc"))
        }
        if let value = fields["policy"], let policy = choice(value, fields.path("policy"), DecodePolicy.self) {
            device.policy = policy
        }
        return device
    }

    func readCRC(_ node: Node, _ path: String) -> [CRCAlgorithm] {
        let items: [Node]
        switch node {
        case .scalar: items = [node]
        case .sequence(let sequence): items = Array(sequence)
        default:
            report(node, path, "expected a CRC name or a list of them (\(Self.alternatives(CRCAlgorithm.allCases.map(\.rawValue)))), found \(Self.describe(node))")
            return []
        }
        var algorithms: [CRCAlgorithm] = []
        for item in items {
            if let algorithm = choice(item, path, CRCAlgorithm.self), !algorithms.contains(algorithm) {
                algorithms.append(algorithm)
            }
        }
        return algorithms
    }

    // MARK: Field rules

    /// Why `mn` is not a valid MN, or nil.
    static func mnProblem(_ mn: String) -> String? {
        let rule = "an MN is 1 to 32 letters, digits, \"_\" or \"-\""
        if mn.isEmpty { return "is empty; \(rule)" }
        if let bad = mn.first(where: { !($0.isASCII && ($0.isLetter || $0.isNumber)) && $0 != "_" && $0 != "-" }) {
            let shown = bad == " " ? "a space" : "\"\(bad)\""
            return "\"\(mn)\" contains \(shown); \(rule)"
        }
        if mn.count > 32 { return "\"\(mn)\" has \(mn.count) characters; \(rule)" }
        return nil
    }

    /// Why a password cannot be sent in an HJ 212 header, or nil. Never quotes the password.
    static func passwordProblem(_ password: Secret) -> String? {
        let value = password.value
        if value.isEmpty { return "is empty; write the PW the device sends" }
        if let bad = value.first(where: { $0 == ";" || $0 == "," || $0 == "&" }) {
            return "the password contains \"\(bad)\", which HJ 212 uses to separate fields, so no device can send it"
        }
        if value.contains(where: { $0.isNewline || ($0.isASCII && $0.asciiValue! < 0x20) }) {
            return "the password contains a control character"
        }
        return nil
    }

    /// Why `key` is not an SM4 key, or nil. Never quotes the key.
    static func keyProblem(_ key: Secret) -> String? {
        let source = key.reference.map { "the value of \($0)" } ?? "sm4_key"
        let value = key.value
        if value.count != 32 {
            return "\(source) must be 32 hex digits (16 bytes); it has \(value.count) characters"
        }
        if SM4Key(hex: value) == nil {
            return "\(source) must be 32 hex digits (16 bytes); it contains characters other than 0-9 and A-F"
        }
        return nil
    }
}

// MARK: - Suggestions

/// "Did you mean …" for misspelt keys and values.
enum Suggestion {
    /// The closest candidate, when one is close enough to be a likely typo.
    static func closest(to word: String, among candidates: [String]) -> String? {
        let normalized = normalize(word)
        guard !normalized.isEmpty else { return nil }
        if let same = candidates.first(where: { normalize($0) == normalized }) { return same }
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(normalized, normalize(candidate))
            if best == nil || distance < best!.distance { best = (candidate, distance) }
        }
        guard let best else { return nil }
        let allowed = max(1, min(normalized.count, normalize(best.candidate).count) / 3)
        return best.distance <= allowed ? best.candidate : nil
    }

    static func normalize(_ word: String) -> String {
        word.lowercased().filter { $0 != "_" && $0 != "-" && $0 != " " }
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
