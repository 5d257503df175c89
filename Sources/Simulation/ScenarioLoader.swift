import Foundation
import GatewayConfig
import HJ212
import Yams

/// One problem in a scenario file, with its line: the same located issue the gateway's
/// configuration reports, since both are YAML documents read with line numbers.
public typealias ScenarioIssue = ConfigurationIssue

/// Why a scenario could not be read: every problem found, in file order.
public typealias ScenarioError = ConfigurationError

/// Reads scenario files (format: simulators/README.md).
///
/// Entries at every level may carry `count: N` (the entry is repeated N times) and
/// `use: TEMPLATE` (fields come from `templates:`, the entry's own fields win). Text values may
/// hold placeholders: `{e}` enterprise number, `{o}` outlet number in its enterprise, `{d}` device
/// number in its outlet, `{n}` device number in the whole scenario, each 1-based, optionally
/// zero-padded as `{n:06}`. A problem inside a repeated entry is reported once, at its line.
public enum ScenarioLoader {
    public static func load(path: String) throws(ScenarioError) -> Scenario {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ScenarioError(issues: [ScenarioIssue(path: "", message: "cannot read the scenario file: \(error.localizedDescription)")], sourcePath: path)
        }
        return try parse(yaml: text, sourcePath: path)
    }

    public static func parse(yaml: String, sourcePath: String? = nil) throws(ScenarioError) -> Scenario {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ScenarioError(issues: [syntaxIssue(error)], sourcePath: sourcePath)
        } catch {
            throw ScenarioError(issues: [ScenarioIssue(path: "", message: "the file is not valid YAML: \(error)")], sourcePath: sourcePath)
        }
        let reader = ScenarioReader()
        var scenario = reader.readRoot(root)
        scenario.sourcePath = sourcePath
        if !reader.issues.isEmpty {
            throw ScenarioError(issues: reader.sortedIssues, sourcePath: sourcePath)
        }
        return scenario
    }

    static func syntaxIssue(_ error: YamlError) -> ScenarioIssue {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return ScenarioIssue(line: mark.line, column: mark.column, path: "", message: "YAML syntax error: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            return ScenarioIssue(line: context.mark.line, column: context.mark.column, path: "", message: "\(keys) is given more than once in the same block; keep one")
        default:
            return ScenarioIssue(path: "", message: "the file is not valid YAML: \(error)")
        }
    }
}

// MARK: - The reader

/// Indices for placeholders.
struct Numbering {
    var enterprise = 0
    var outlet = 0
    var device = 0
    var global = 0

    func substitute(_ text: String) -> String {
        guard text.contains("{") else { return text }
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "{", let close = text[index...].firstIndex(of: "}") {
                let inner = text[text.index(after: index)..<close]
                if let value = value(for: inner) {
                    out += value
                    index = text.index(after: close)
                    continue
                }
            }
            out.append(character)
            index = text.index(after: index)
        }
        return out
    }

    private func value(for token: Substring) -> String? {
        let parts = token.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let number: Int
        switch parts[0] {
        case "e": number = enterprise
        case "o": number = outlet
        case "d": number = device
        case "n": number = global
        default: return nil
        }
        var text = String(number)
        if parts.count == 2 {
            guard let width = Int(parts[1]), width >= 0, width <= 32 else { return nil }
            if text.count < width { text = String(repeating: "0", count: width - text.count) + text }
        }
        return text
    }
}

/// The fields of an entry after `defaults`, `use:` and the entry itself were merged.
struct Entry {
    let node: Node
    let path: String
    var values: [String: Node]

    subscript(_ key: String) -> Node? {
        guard let value = values[key], !ScenarioReader.isNull(value) else { return nil }
        return value
    }

    func path(_ key: String) -> String { ScenarioReader.join(path, key) }
}

final class ScenarioReader {
    private(set) var issues: [(order: Int, issue: ScenarioIssue)] = []
    private var reported: Set<String> = []
    let tables = CodeTables.shipped
    var templates: [String: Node] = [:]
    var deviceDefaults: [String: Node] = [:]
    var numbering = Numbering()
    var mnLines: [String: Int] = [:]
    var enterpriseIDs: [String: Int] = [:]
    static let maximumDevices = 1_000_000

    var sortedIssues: [ScenarioIssue] {
        issues.sorted { ($0.issue.line ?? 0, $0.order) < ($1.issue.line ?? 0, $1.order) }.map(\.issue)
    }

    /// Records a problem once per place (a `count:` entry would otherwise repeat it N times).
    func report(_ node: Node?, _ path: String, _ message: String) {
        let mark = node?.mark
        let key = "\(mark?.line ?? -1):\(mark?.column ?? -1):\(path)"
        if mark != nil {
            guard !reported.contains(key) else { return }
            reported.insert(key)
        }
        issues.append((issues.count, ScenarioIssue(line: mark?.line, column: mark?.column, path: path, message: message)))
    }

    // MARK: Keys

    static let topKeys = ["name", "seed", "timezone", "defaults", "templates", "enterprises"]
    static let enterpriseKeys = ["id", "name", "outlets", "count", "use"]
    static let outletKeys = ["id", "name", "medium", "model", "standard", "limits", "reference_o2", "devices", "count", "use"]
    static let deviceSettingKeys = [
        "edition", "sm4_key", "pollutants", "intervals", "upload", "ack", "over_time", "re_count", "heartbeat",
        "reconnect", "events", "episodes", "faults", "accept_crc",
    ]
    static let deviceKeys = ["mn", "password", "count", "use"] + deviceSettingKeys
    static let faultKeys = [
        "bad_crc", "modbus_crc", "wrong_length", "split_writes", "several_per_write", "junk", "clock_skew",
        "duplicates", "wrong_password", "disconnect_every", "offline",
    ]
    static let eventTypes: [String: DataFlag] = [
        "maintenance": .maintenance, "calibration": .calibration, "fault": .fault, "stoppage": .stopped,
        "M": .maintenance, "C": .calibration, "D": .fault, "F": .stopped,
    ]
    static let minuteIntervals = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30]

    // MARK: Generic helpers

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): return isNull(node) ? "nothing" : "\"\(scalar.string)\""
        case .mapping: return "a mapping (key: value)"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// A mapping's entries by key, reporting unknown keys.
    func mapping(_ node: Node, _ path: String, allowed: [String], expected: String) -> [String: Node]? {
        guard case .mapping(let mapping) = node else {
            report(node, path, "expected \(expected), found \(Self.describe(node))")
            return nil
        }
        var values: [String: Node] = [:]
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                report(key, path, "a key must be plain text, found \(Self.describe(key))")
                continue
            }
            let name = scalar.string
            if allowed.contains(name) {
                values[name] = value
            } else {
                var message = "unknown key \"\(name)\""
                if let suggestion = Self.closest(to: name, among: allowed) {
                    message += "; did you mean \"\(suggestion)\"?"
                } else {
                    message += "; expected one of: \(allowed.joined(separator: ", "))"
                }
                report(key, Self.join(path, name), message)
            }
        }
        return values
    }

    /// An entry with `use:` resolved and `inherited` fields under it.
    func entry(_ node: Node, _ path: String, allowed: [String], expected: String, inherited: [String: Node] = [:]) -> Entry? {
        guard var own = mapping(node, path, allowed: allowed, expected: expected) else { return nil }
        var values = inherited
        if let use = own["use"] {
            own["use"] = nil
            if let name = text(use, Self.join(path, "use")) {
                if let template = templates[name] {
                    if let fields = mapping(template, "templates.\(name)", allowed: allowed.filter { $0 != "use" && $0 != "count" }, expected: "a template") {
                        values.merge(fields) { _, new in new }
                    }
                } else {
                    let known = templates.keys.sorted()
                    var message = "no template named \"\(name)\""
                    if let suggestion = Self.closest(to: name, among: known) {
                        message += "; did you mean \"\(suggestion)\"?"
                    } else if !known.isEmpty {
                        message += "; templates: \(known.joined(separator: ", "))"
                    } else {
                        message += "; define it under templates:"
                    }
                    report(use, Self.join(path, "use"), message)
                }
            }
        }
        values.merge(own) { _, new in new }
        return Entry(node: node, path: path, values: values)
    }

    /// A scalar's text with placeholders filled in.
    func text(_ node: Node, _ path: String, expected: String = "text") -> String? {
        guard case .scalar(let scalar) = node, !Self.isNull(node) else {
            report(node, path, "expected \(expected), found \(Self.describe(node))")
            return nil
        }
        return numbering.substitute(scalar.string).trimmingCharacters(in: .whitespaces)
    }

    func nonEmpty(_ node: Node, _ path: String, expected: String = "text") -> String? {
        guard let value = text(node, path, expected: expected) else { return nil }
        if value.isEmpty {
            report(node, path, "must not be empty")
            return nil
        }
        return value
    }

    func number(_ node: Node, _ path: String, minimum: Double? = nil, maximum: Double? = nil) -> Double? {
        guard let raw = text(node, path, expected: "a number") else { return nil }
        guard let value = Double(raw), value.isFinite else {
            report(node, path, "expected a number, found \(Self.describe(node))")
            return nil
        }
        if let minimum, value < minimum {
            report(node, path, "must be at least \(Self.format(minimum)), found \(raw)")
            return nil
        }
        if let maximum, value > maximum {
            report(node, path, "must be at most \(Self.format(maximum)), found \(raw)")
            return nil
        }
        return value
    }

    func integer(_ node: Node, _ path: String, minimum: Int, maximum: Int) -> Int? {
        guard let raw = text(node, path, expected: "a whole number") else { return nil }
        guard let value = Int(raw) else {
            report(node, path, "expected a whole number, found \(Self.describe(node))")
            return nil
        }
        guard value >= minimum && value <= maximum else {
            report(node, path, "must be between \(minimum) and \(maximum), found \(value)")
            return nil
        }
        return value
    }

    /// A probability: 0...1, or `true`/`false`.
    func rate(_ node: Node, _ path: String) -> Double? {
        guard let raw = text(node, path, expected: "a rate (0 to 1)") else { return nil }
        switch raw {
        case "true", "yes", "on": return 1
        case "false", "no", "off": return 0
        default: break
        }
        guard let value = Double(raw), value >= 0, value <= 1 else {
            report(node, path, "a rate is a probability per frame between 0 and 1 (or true/false), found \(Self.describe(node))")
            return nil
        }
        return value
    }

    func list(_ node: Node, _ path: String, of what: String) -> [Node]? {
        switch node {
        case .sequence(let sequence): return Array(sequence)
        default:
            report(node, path, "expected a list of \(what), found \(Self.describe(node))")
            return nil
        }
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// `HH:MM` or `HH:MM:SS` as seconds after midnight; `24:00` is allowed (end of day).
    func timeOfDay(_ node: Node, _ path: String) -> Int? {
        guard let raw = text(node, path, expected: "a time HH:MM") else { return nil }
        let parts = raw.split(separator: ":", omittingEmptySubsequences: false)
        let numbers = parts.map { Int($0) }
        guard (2...3).contains(parts.count), numbers.allSatisfy({ $0 != nil }) else {
            report(node, path, "expected a time of day written HH:MM, e.g. \"14:00\", found \(Self.describe(node))")
            return nil
        }
        let hour = numbers[0]!, minute = numbers[1]!, second = parts.count == 3 ? numbers[2]! : 0
        let total = hour * 3600 + minute * 60 + second
        guard (0...59).contains(minute), (0...59).contains(second), total <= 86_400 else {
            report(node, path, "\(raw) is not a time of day (00:00 to 24:00)")
            return nil
        }
        return total
    }

    func date(_ node: Node, _ path: String) -> LocalDateTime? {
        guard let raw = text(node, path, expected: "a date YYYY-MM-DD") else { return nil }
        let digits = raw.filter(\.isNumber)
        guard raw.count == 10, digits.count == 8, let value = LocalDateTime(hj212: digits + "000000") else {
            report(node, path, "expected a date written YYYY-MM-DD, found \(Self.describe(node))")
            return nil
        }
        return value
    }

    /// `from:`/`to:` (and optional `date:`) of an entry.
    func window(_ values: [String: Node], _ node: Node, _ path: String) -> TimeWindow? {
        guard let fromNode = values["from"] else {
            report(node, path, "needs from: \"HH:MM\" (and to:)")
            return nil
        }
        guard let toNode = values["to"] else {
            report(node, path, "needs to: \"HH:MM\" (and from:)")
            return nil
        }
        guard let from = timeOfDay(fromNode, Self.join(path, "from")), let to = timeOfDay(toNode, Self.join(path, "to")) else { return nil }
        var window = TimeWindow(fromSecond: from % 86_400, toSecond: to % 86_400)
        if from == to {
            report(toNode, Self.join(path, "to"), "the window is empty: from and to are both \(Self.clock(from))")
            return nil
        }
        if to == 86_400 && from == 0 { window = TimeWindow(fromSecond: 0, toSecond: 0) }
        if let dateNode = values["date"] {
            guard let date = date(dateNode, Self.join(path, "date")) else { return nil }
            window.date = date
        }
        return window
    }

    static func clock(_ seconds: Int) -> String {
        let hour = seconds / 3600, minute = seconds % 3600 / 60
        return (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }

    // MARK: Document

    func readRoot(_ root: Node?) -> Scenario {
        var scenario = Scenario()
        guard let root else {
            report(nil, "", "the scenario file is empty; it needs at least enterprises:")
            return scenario
        }
        guard let top = mapping(root, "", allowed: Self.topKeys, expected: "a scenario (name, seed, enterprises, ...)") else { return scenario }
        if let node = top["name"], let name = nonEmpty(node, "name") { scenario.name = name }
        if let node = top["seed"], !Self.isNull(node), let raw = text(node, "seed") {
            if let seed = UInt64(raw) { scenario.seed = seed } else { report(node, "seed", "expected a whole number ≥ 0, found \(Self.describe(node))") }
        }
        if let node = top["timezone"], let zone = nonEmpty(node, "timezone") {
            if TimeZone(identifier: zone) == nil {
                report(node, "timezone", "\"\(zone)\" is not a time-zone identifier such as Asia/Shanghai")
            } else {
                scenario.timezone = zone
            }
        }
        if let node = top["templates"], !Self.isNull(node) {
            if case .mapping(let mapping) = node {
                for (key, value) in mapping {
                    if case .scalar(let name) = key { templates[name.string] = value }
                }
            } else {
                report(node, "templates", "expected named templates (name: {fields}), found \(Self.describe(node))")
            }
        }
        if let node = top["defaults"], !Self.isNull(node) {
            deviceDefaults = mapping(node, "defaults", allowed: Self.deviceSettingKeys, expected: "device settings") ?? [:]
        }
        guard let node = top["enterprises"], let items = list(node, "enterprises", of: "enterprises") else {
            if top["enterprises"] == nil { report(root, "enterprises", "the scenario lists no enterprises; add enterprises:") }
            return scenario
        }
        for (index, item) in items.enumerated() {
            let path = "enterprises[\(index)]"
            for _ in 0..<repeatCount(item, path) {
                numbering.enterprise += 1
                if let enterprise = readEnterprise(item, path) { scenario.enterprises.append(enterprise) }
                if numbering.global > Self.maximumDevices {
                    report(item, path, "the scenario has more than \(Self.maximumDevices) devices")
                    return scenario
                }
            }
        }
        if scenario.devices.isEmpty && issues.isEmpty {
            report(node, "enterprises", "the scenario has no devices; add outlets with devices")
        }
        return scenario
    }

    /// `count:` of an entry (1 when absent).
    func repeatCount(_ node: Node, _ path: String) -> Int {
        guard case .mapping(let mapping) = node else { return 1 }
        for (key, value) in mapping {
            if case .scalar(let name) = key, name.string == "count" {
                return integer(value, Self.join(path, "count"), minimum: 0, maximum: Self.maximumDevices) ?? 1
            }
        }
        return 1
    }

    func readEnterprise(_ node: Node, _ path: String) -> ScenarioEnterprise? {
        guard let entry = entry(node, path, allowed: Self.enterpriseKeys, expected: "an enterprise (id, name, outlets)") else { return nil }
        var enterprise = ScenarioEnterprise(id: "", name: "")
        if let value = entry["id"] ?? requiredMissing(entry, "id", "every enterprise needs an id (e.g. its credit code)"),
           let id = nonEmpty(value, entry.path("id")) {
            enterprise.id = id
            if let line = enterpriseIDs[id] {
                report(value, entry.path("id"), "enterprise id \"\(id)\" is used twice (also at line \(line)); add {e} to a repeated id")
            } else {
                enterpriseIDs[id] = value.mark?.line ?? 0
            }
        }
        if let value = entry["name"] ?? requiredMissing(entry, "name", "every enterprise needs a name"), let name = nonEmpty(value, entry.path("name")) {
            enterprise.name = name
        }
        numbering.outlet = 0
        var outletIDs: Set<String> = []
        if let value = entry["outlets"] ?? requiredMissing(entry, "outlets", "every enterprise needs outlets"),
           let items = list(value, entry.path("outlets"), of: "outlets") {
            for (index, item) in items.enumerated() {
                let itemPath = entry.path("outlets[\(index)]")
                for _ in 0..<repeatCount(item, itemPath) {
                    numbering.outlet += 1
                    guard var outlet = readOutlet(item, itemPath) else { continue }
                    if outletIDs.contains(outlet.id) {
                        report(item, itemPath, "outlet id \"\(outlet.id)\" is used twice in enterprise \(enterprise.id); add {o} to a repeated id")
                    }
                    outletIDs.insert(outlet.id)
                    for index in outlet.devices.indices {
                        outlet.devices[index].enterpriseID = enterprise.id
                    }
                    enterprise.outlets.append(outlet)
                }
            }
        }
        return enterprise
    }

    func requiredMissing(_ entry: Entry, _ key: String, _ why: String) -> Node? {
        if entry[key] == nil { report(entry.node, entry.path(key), "missing \(key): \(why)") }
        return nil
    }

    func readOutlet(_ node: Node, _ path: String) -> ScenarioOutlet? {
        guard let entry = entry(node, path, allowed: Self.outletKeys, expected: "an outlet (id, name, medium, devices)") else { return nil }
        var outlet = ScenarioOutlet(id: "", name: "", medium: .gas)
        if let value = entry["id"] ?? requiredMissing(entry, "id", "every outlet needs an id, e.g. DA001 (gas) or DW001 (water)"),
           let id = nonEmpty(value, entry.path("id")) {
            outlet.id = id
        }
        if let value = entry["name"] ?? requiredMissing(entry, "name", "every outlet needs a name"), let name = nonEmpty(value, entry.path("name")) {
            outlet.name = name
        }
        var plant: PlantModel?
        if let value = entry["model"], let raw = text(value, entry.path("model")) {
            if let model = PlantModel(rawValue: raw) { plant = model } else {
                report(value, entry.path("model"), "unknown model \"\(raw)\"; models: \(PlantModel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        var medium: Medium?
        if let value = entry["medium"], let raw = text(value, entry.path("medium")) {
            if let parsed = Medium(rawValue: raw) { medium = parsed } else {
                report(value, entry.path("medium"), "medium must be gas or water, found \(Self.describe(value))")
            }
        }
        if medium == nil && plant == nil {
            report(node, entry.path("medium"), "missing medium: gas or water (or a model)")
        }
        if let medium, let plant, plant.medium != medium {
            report(entry["model"], entry.path("model"), "model \(plant.rawValue) measures \(plant.medium.rawValue) but the outlet's medium is \(medium.rawValue)")
        }
        outlet.medium = medium ?? plant?.medium ?? .gas
        let model = plant ?? (outlet.medium == .gas ? .cemsCoal : .wastewater)
        if let value = entry["standard"], let standard = nonEmpty(value, entry.path("standard")) { outlet.standard = standard }
        if let value = entry["reference_o2"] {
            if outlet.medium != .gas {
                report(value, entry.path("reference_o2"), "reference O2 applies to gas outlets only")
            } else {
                outlet.referenceO2 = number(value, entry.path("reference_o2"), minimum: 0, maximum: 20.9)
            }
        }
        if let value = entry["limits"] {
            outlet.limits = readLimits(value, entry.path("limits"), medium: outlet.medium)
        }
        numbering.device = 0
        if let value = entry["devices"] ?? requiredMissing(entry, "devices", "every outlet needs at least one device"),
           let items = list(value, entry.path("devices"), of: "devices") {
            for (index, item) in items.enumerated() {
                let itemPath = entry.path("devices[\(index)]")
                for _ in 0..<repeatCount(item, itemPath) {
                    numbering.device += 1
                    numbering.global += 1
                    if let device = readDevice(item, itemPath, outlet: outlet, plant: model) { outlet.devices.append(device) }
                }
            }
        }
        return outlet
    }

    func readLimits(_ node: Node, _ path: String, medium: Medium) -> [String: LimitValue] {
        guard case .mapping(let mapping) = node else {
            report(node, path, "expected pollutant limits (code: value), found \(Self.describe(node))")
            return [:]
        }
        var limits: [String: LimitValue] = [:]
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else { continue }
            let code = scalar.string
            let itemPath = Self.join(path, code)
            guard checkCode(code, key, itemPath, medium: medium) else { continue }
            switch value {
            case .sequence(let sequence) where sequence.count == 2:
                if let lower = number(sequence[0], itemPath), let upper = number(sequence[1], itemPath) {
                    if lower < upper { limits[code] = .range(lower: lower, upper: upper) } else {
                        report(value, itemPath, "a range is written [lower, upper] with lower < upper")
                    }
                }
            default:
                if let maximum = number(value, itemPath) {
                    if maximum > 0 { limits[code] = .maximum(maximum) } else { report(value, itemPath, "a limit must be positive") }
                }
            }
        }
        return limits
    }

    /// Whether `code` is a known pollutant code of the medium.
    func checkCode(_ code: String, _ node: Node, _ path: String, medium: Medium) -> Bool {
        if let known = tables.pollutants[code] {
            if known.medium != medium.rawValue {
                report(node, path, "\(code) (\(known.nameZh)) is a \(known.medium) code but this outlet's medium is \(medium.rawValue)")
                return false
            }
            return true
        }
        if let old = tables.codes2005[code] {
            report(node, path, "\"\(code)\" is an HJ/T 212-2005 code; write HJ 212-2017 codes (\(old.code)); 2005 devices send the old codes by themselves")
            return false
        }
        var message = "\"\(code)\" is not a known \(medium.rawValue) pollutant code"
        if let suggestion = Self.closest(to: code, among: tables.pollutants.values.filter { $0.medium == medium.rawValue }.map(\.code).sorted()) {
            message += "; did you mean \(suggestion)?"
        }
        report(node, path, message)
        return false
    }

    func readDevice(_ node: Node, _ path: String, outlet: ScenarioOutlet, plant: PlantModel) -> DeviceSpec? {
        guard let entry = entry(node, path, allowed: Self.deviceKeys, expected: "a device (mn, password, edition, ...)", inherited: deviceDefaults) else { return nil }
        var device = DeviceSpec(mn: "", password: "", edition: .hj2017, plant: plant, medium: outlet.medium)
        device.ordinal = numbering.global
        device.outletID = outlet.id
        device.referenceO2 = outlet.referenceO2
        device.limits = outlet.limits
        if let value = entry["mn"] ?? requiredMissing(entry, "mn", "every device needs its MN"), let mn = nonEmpty(value, entry.path("mn")) {
            device.mn = mn
            if mn.count > 32 || mn.contains(where: { !($0.isASCII && ($0.isLetter || $0.isNumber)) && $0 != "_" && $0 != "-" }) {
                report(value, entry.path("mn"), "\"\(mn)\": an MN is 1 to 32 letters, digits, \"_\" or \"-\"")
            } else if let line = mnLines[mn] {
                report(value, entry.path("mn"), "MN \"\(mn)\" is used twice (also at line \(line)); in a repeated entry put {n} in the MN")
            } else {
                mnLines[mn] = value.mark?.line ?? 0
            }
        }
        if let value = entry["password"] ?? requiredMissing(entry, "password", "every device needs its password (PW)"),
           let password = nonEmpty(value, entry.path("password")) {
            device.password = password
            if password.contains(where: { $0 == ";" || $0 == "," || $0 == "&" || $0.isNewline }) {
                report(value, entry.path("password"), "the password contains a character HJ 212 uses to separate fields")
            }
        }
        if let value = entry["edition"], let raw = text(value, entry.path("edition")) {
            if let edition = Edition(rawValue: raw) { device.edition = edition } else {
                report(value, entry.path("edition"), "edition must be \"2005\", \"2017\" or \"2025\", found \(Self.describe(value))")
            }
        }
        if let value = entry["sm4_key"], let key = text(value, entry.path("sm4_key")) {
            if SM4Key(hex: key) == nil {
                report(value, entry.path("sm4_key"), "an SM4 key is 32 hex digits (16 bytes); this one has \(key.count) characters")
            } else if device.edition != .hj2025 {
                report(value, entry.path("sm4_key"), "sm4_key is only used by HJ 212-2025 devices; add edition: \"2025\" or remove the key")
            } else {
                device.sm4KeyHex = key.uppercased()
            }
        }
        if let value = entry["pollutants"] {
            device.pollutants = readPollutants(value, entry.path("pollutants"), medium: outlet.medium)
        }
        if let value = entry["intervals"] { readIntervals(value, entry.path("intervals"), into: &device) }
        if let value = entry["upload"] { device.upload = readKinds(value, entry.path("upload")) }
        if let value = entry["ack"] { device.ack = readKinds(value, entry.path("ack")) }
        if let value = entry["over_time"], let seconds = number(value, entry.path("over_time"), minimum: 0.01, maximum: 99) {
            device.overTimeSeconds = seconds
        }
        if let value = entry["re_count"], let count = integer(value, entry.path("re_count"), minimum: 0, maximum: 99) { device.reCount = count }
        if let value = entry["heartbeat"], let raw = text(value, entry.path("heartbeat")) {
            if raw == "off" || raw == "false" { device.heartbeatSeconds = nil } else {
                device.heartbeatSeconds = number(value, entry.path("heartbeat"), minimum: 0.01, maximum: 86_400)
            }
        }
        if let value = entry["reconnect"],
           let fields = mapping(value, entry.path("reconnect"), allowed: ["initial", "max"], expected: "reconnect back-off {initial, max} in seconds") {
            if let node = fields["initial"], let seconds = number(node, entry.path("reconnect.initial"), minimum: 0.001, maximum: 3600) {
                device.reconnectInitialSeconds = seconds
            }
            if let node = fields["max"], let seconds = number(node, entry.path("reconnect.max"), minimum: 0.001, maximum: 86_400) {
                device.reconnectMaxSeconds = seconds
            }
            if device.reconnectMaxSeconds < device.reconnectInitialSeconds { device.reconnectMaxSeconds = device.reconnectInitialSeconds }
        }
        if let value = entry["events"] { device.events = readEvents(value, entry.path("events"), device: device) }
        if let value = entry["episodes"] { device.episodes = readEpisodes(value, entry.path("episodes"), device: device) }
        if let value = entry["faults"] { device.faults = readFaults(value, entry.path("faults")) }
        if let value = entry["accept_crc"] {
            let items: [Node]
            if case .sequence(let sequence) = value { items = Array(sequence) } else { items = [value] }
            for item in items {
                guard let raw = text(item, entry.path("accept_crc")) else { continue }
                if let algorithm = CRCAlgorithm(rawValue: raw), algorithm != .hj212 {
                    if !device.acceptCRC.contains(algorithm) { device.acceptCRC.append(algorithm) }
                } else {
                    report(item, entry.path("accept_crc"), "expected modbus or modbus-swapped, found \(Self.describe(item))")
                }
            }
        }
        return device
    }

    func readPollutants(_ node: Node, _ path: String, medium: Medium) -> [PollutantSpec] {
        var result: [PollutantSpec] = []
        func add(_ code: String, _ key: Node, base: Double?) {
            guard checkCode(code, key, Self.join(path, code), medium: medium) else { return }
            if result.contains(where: { $0.code == code }) {
                report(key, path, "\(code) is listed twice")
                return
            }
            result.append(PollutantSpec(code: code, base: base))
        }
        switch node {
        case .sequence(let sequence):
            for item in sequence {
                if let code = text(item, path, expected: "a pollutant code") { add(code, item, base: nil) }
            }
        case .mapping(let mapping):
            for (key, value) in mapping {
                guard let code = text(key, path) else { continue }
                var base: Double?
                if !Self.isNull(value) {
                    if case .mapping = value {
                        if let fields = self.mapping(value, Self.join(path, code), allowed: ["base"], expected: "{base: N}"), let node = fields["base"] {
                            base = number(node, Self.join(path, code + ".base"), minimum: 0)
                        }
                    } else {
                        base = number(value, Self.join(path, code), minimum: 0)
                    }
                }
                add(code, key, base: base)
            }
        default:
            report(node, path, "expected a list of codes or code: base-level pairs, found \(Self.describe(node))")
        }
        if result.isEmpty { report(node, path, "the device measures nothing; list at least one code") }
        return result
    }

    func readIntervals(_ node: Node, _ path: String, into device: inout DeviceSpec) {
        guard let fields = mapping(node, path, allowed: ["realtime", "minute"], expected: "intervals {realtime: seconds, minute: minutes}") else { return }
        if let value = fields["realtime"], let seconds = integer(value, Self.join(path, "realtime"), minimum: 1, maximum: 3600) {
            device.realtimeSeconds = seconds
        }
        if let value = fields["minute"], let minutes = integer(value, Self.join(path, "minute"), minimum: 1, maximum: 30) {
            if Self.minuteIntervals.contains(minutes) { device.minuteMinutes = minutes } else {
                report(value, Self.join(path, "minute"), "the minute interval must divide the hour: one of \(Self.minuteIntervals.map(String.init).joined(separator: ", "))")
            }
        }
        if (device.minuteMinutes * 60) % device.realtimeSeconds != 0 {
            report(fields["realtime"] ?? node, Self.join(path, "realtime"), "the real-time interval (\(device.realtimeSeconds) s) must divide the minute interval (\(device.minuteMinutes) min)")
        }
    }

    func readKinds(_ node: Node, _ path: String) -> Set<DataKind> {
        guard let items = list(node, path, of: "data kinds (realtime, minute, hour, day)") else { return [] }
        var kinds: Set<DataKind> = []
        for item in items {
            guard let raw = text(item, path) else { continue }
            if let kind = DataKind(rawValue: raw), kind.isMeasurement { kinds.insert(kind) } else {
                report(item, path, "expected realtime, minute, hour or day, found \(Self.describe(item))")
            }
        }
        return kinds
    }

    func readEvents(_ node: Node, _ path: String, device: DeviceSpec) -> [FlagEvent] {
        guard let items = list(node, path, of: "events") else { return [] }
        var events: [FlagEvent] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard let fields = mapping(item, itemPath, allowed: ["type", "from", "to", "date", "pollutants"], expected: "an event {type, from, to}") else { continue }
            guard let typeNode = fields["type"] else {
                report(item, itemPath, "missing type: maintenance, calibration, fault or stoppage")
                continue
            }
            guard let raw = text(typeNode, Self.join(itemPath, "type")), let flag = Self.eventTypes[raw] else {
                report(typeNode, Self.join(itemPath, "type"), "type must be maintenance (M), calibration (C), fault (D) or stoppage (F), found \(Self.describe(typeNode))")
                continue
            }
            guard let window = window(fields, item, itemPath) else { continue }
            var codes: [String]?
            if let node = fields["pollutants"], let list = list(node, Self.join(itemPath, "pollutants"), of: "codes") {
                codes = list.compactMap { text($0, Self.join(itemPath, "pollutants")) }
                for (code, codeNode) in zip(codes ?? [], list) where !device.codes.contains(code) {
                    report(codeNode, Self.join(itemPath, "pollutants"), "\(code) is not measured by this device")
                }
            }
            events.append(FlagEvent(flag: flag, window: window, pollutants: codes))
        }
        return events
    }

    func readEpisodes(_ node: Node, _ path: String, device: DeviceSpec) -> [ExceedanceEpisode] {
        guard let items = list(node, path, of: "exceedance episodes") else { return [] }
        var episodes: [ExceedanceEpisode] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard let fields = mapping(item, itemPath, allowed: ["pollutant", "factor", "value", "from", "to", "date"], expected: "an episode {pollutant, factor, from, to}") else { continue }
            guard let codeNode = fields["pollutant"], let code = text(codeNode, Self.join(itemPath, "pollutant")) else {
                report(item, itemPath, "missing pollutant: the code driven above its limit")
                continue
            }
            guard device.codes.contains(code) else {
                report(codeNode, Self.join(itemPath, "pollutant"), "\(code) is not measured by this device (it measures \(device.codes.joined(separator: ", ")))")
                continue
            }
            var episode = ExceedanceEpisode(code: code, window: TimeWindow(fromSecond: 0, toSecond: 0))
            if let node = fields["factor"] { episode.factor = number(node, Self.join(itemPath, "factor"), minimum: 0) }
            if let node = fields["value"] { episode.value = number(node, Self.join(itemPath, "value")) }
            if episode.factor == nil && episode.value == nil {
                report(item, itemPath, "give factor: (times the limit) or value:")
                continue
            }
            if episode.factor != nil {
                switch device.limits[code] {
                case .maximum?: break
                case .range?:
                    report(fields["factor"], Self.join(itemPath, "factor"), "\(code) has a range limit; give value: instead of factor:")
                    continue
                case nil:
                    report(fields["factor"], Self.join(itemPath, "factor"), "the outlet has no limit for \(code); add it under the outlet's limits: or give value:")
                    continue
                }
            }
            guard let window = window(fields, item, itemPath) else { continue }
            episode.window = window
            episodes.append(episode)
        }
        return episodes
    }

    func readFaults(_ node: Node, _ path: String) -> FaultSpec {
        var faults = FaultSpec()
        guard let fields = mapping(node, path, allowed: Self.faultKeys, expected: "faults (bad_crc: 0.05, ...)") else { return faults }
        func rateOf(_ key: String) -> Double { fields[key].flatMap { rate($0, Self.join(path, key)) } ?? 0 }
        faults.badCRC = rateOf("bad_crc")
        faults.modbusCRC = rateOf("modbus_crc")
        faults.wrongLength = rateOf("wrong_length")
        faults.splitWrites = rateOf("split_writes")
        faults.severalPerWrite = rateOf("several_per_write")
        faults.junk = rateOf("junk")
        faults.duplicates = rateOf("duplicates")
        faults.wrongPassword = rateOf("wrong_password")
        if let value = fields["clock_skew"], let seconds = integer(value, Self.join(path, "clock_skew"), minimum: -864_000, maximum: 864_000) {
            faults.clockSkewSeconds = Int64(seconds)
        }
        if let value = fields["disconnect_every"], let minutes = integer(value, Self.join(path, "disconnect_every"), minimum: 1, maximum: 1_000_000) {
            faults.disconnectEveryMinutes = minutes
        }
        if let value = fields["offline"], let items = list(value, Self.join(path, "offline"), of: "windows {from, to}") {
            for (index, item) in items.enumerated() {
                let itemPath = Self.join(path, "offline[\(index)]")
                if let window = mapping(item, itemPath, allowed: ["from", "to", "date"], expected: "a window {from, to}").flatMap({ window($0, item, itemPath) }) {
                    faults.offline.append(window)
                }
            }
        }
        return faults
    }

    // MARK: Suggestions

    static func closest(to word: String, among candidates: [String]) -> String? {
        let lowered = word.lowercased()
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(lowered, candidate.lowercased())
            if best == nil || distance < best!.1 { best = (candidate, distance) }
        }
        guard let best, best.1 <= max(1, word.count / 3) else { return nil }
        return best.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        for i in 1...x.count {
            var current = [i] + Array(repeating: 0, count: y.count)
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[y.count]
    }
}
