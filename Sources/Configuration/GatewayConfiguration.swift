import Foundation
import HJ212

/// Everything the gateway is told by its one YAML file: where to listen, where to store, which
/// devices exist and what their outlets may emit. Built by `ConfigurationLoader`, which has already
/// checked every field, so the rest of the program can trust these values.
public struct GatewayConfiguration: Sendable, Hashable {
    /// The device port (HJ 212 over TCP). Default `0.0.0.0:9212`.
    public var listen: HostPort
    /// The disclosure site, metrics and health endpoint; nil when the file says `http: off`.
    /// Default `127.0.0.1:8212`.
    public var http: HostPort?
    /// The zone device times and command-line dates are read in. A valid `TimeZone` identifier.
    public var timezone: String
    /// Where readings, rejects and device state are kept.
    public var storage: StorageConfiguration
    /// How hard SQLite works to survive a power cut.
    public var durability: Durability
    /// The public disclosure site: where it is written and when.
    public var disclosure: DisclosureConfiguration
    /// What to do with frames from MNs that are not in `enterprises`.
    public var unregistered: UnregisteredPolicy
    /// Bounds on what the internet-facing device port accepts (design §6).
    public var limits: ConnectionLimits
    /// Group-commit and decoding settings for the ingest pipeline.
    public var ingest: IngestSettings
    /// The registry: enterprises, their outlets and the devices on them.
    public var enterprises: [Enterprise] {
        didSet { registry = Self.buildRegistry(enterprises) }
    }
    /// The file this configuration was read from, if any. Relative paths inside it were resolved
    /// against that file's folder.
    public var sourcePath: String?
    /// MN -> device, built from `enterprises` (kept in step when they change). When two devices
    /// share an MN (only possible when built in code; the loader refuses it), the first one wins.
    public private(set) var registry: [String: RegisteredDevice]

    public init(
        listen: HostPort = HostPort(host: "0.0.0.0", port: 9212),
        http: HostPort? = HostPort(host: "127.0.0.1", port: 8212),
        timezone: String = "Asia/Shanghai",
        storage: StorageConfiguration = .sqlite(path: "data/hj212.sqlite"),
        durability: Durability = .full,
        disclosure: DisclosureConfiguration = DisclosureConfiguration(),
        unregistered: UnregisteredPolicy = .reject,
        limits: ConnectionLimits = ConnectionLimits(),
        ingest: IngestSettings = IngestSettings(),
        enterprises: [Enterprise] = [],
        sourcePath: String? = nil
    ) {
        self.listen = listen
        self.http = http
        self.timezone = timezone
        self.storage = storage
        self.durability = durability
        self.disclosure = disclosure
        self.unregistered = unregistered
        self.limits = limits
        self.ingest = ingest
        self.enterprises = enterprises
        self.sourcePath = sourcePath
        self.registry = Self.buildRegistry(enterprises)
    }

    /// All defaults and no enterprises: a gateway that knows no devices yet.
    public static let `default` = GatewayConfiguration()

    /// The configured zone as a `TimeZone`. Falls back to a fixed UTC+08:00 when `timezone` is
    /// not a known identifier (the loader never lets that through; code-built values might).
    public var timeZone: TimeZone {
        TimeZone(identifier: timezone) ?? TimeZone(secondsFromGMT: 8 * 3600)!
    }

    /// The registered device with this MN, if any.
    public func device(mn: String) -> RegisteredDevice? { registry[mn] }

    static func buildRegistry(_ enterprises: [Enterprise]) -> [String: RegisteredDevice] {
        var registry: [String: RegisteredDevice] = [:]
        for enterprise in enterprises {
            for outlet in enterprise.outlets {
                for device in outlet.devices where registry[device.mn] == nil {
                    registry[device.mn] = RegisteredDevice(device: device, outlet: outlet, enterprise: enterprise)
                }
            }
        }
        return registry
    }
}

/// An address and port to listen on, written `H:P` in the file (`[::1]:9212` for IPv6), so the
/// listeners and the CLI's `--listen`/`--http` options share one syntax.
public struct HostPort: Sendable, Hashable, LosslessStringConvertible {
    /// A name or address; IPv6 without brackets.
    public var host: String
    /// 0...65535; 0 asks the system for any free port (tests, demos).
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`, `[ipv6]:port`; nil when the text is not one of those.
    public init?(_ description: String) {
        guard case .success(let value) = HostPort.parse(description) else { return nil }
        self = value
    }

    /// `host:port`, with IPv6 hosts in brackets.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Parses `H:P`, saying what is wrong when it cannot.
    static func parse(_ text: String) -> Result<HostPort, ProblemText> {
        let text = text.trimmingCharacters(in: .whitespaces)
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                return .failure(ProblemText("\"\(text)\" opens \"[\" without closing it; write IPv6 addresses like [::1]:9212"))
            }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else {
                return .failure(ProblemText("\"\(text)\" has no port; write it as [address]:port, e.g. [::1]:9212"))
            }
            portText = rest.dropFirst()
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." || $0 == "%" || $0.isLetter || $0.isNumber }) else {
                return .failure(ProblemText("\"\(text)\" does not hold an IPv6 address inside the brackets"))
            }
        } else {
            let colons = text.filter { $0 == ":" }.count
            if colons == 0 {
                return .failure(ProblemText("\"\(text)\" has no port; write host:port, e.g. 0.0.0.0:9212"))
            }
            if colons > 1 {
                return .failure(ProblemText("\"\(text)\" looks like an IPv6 address without brackets; write it as [address]:port, e.g. [::1]:9212"))
            }
            let colon = text.firstIndex(of: ":")!
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.isEmpty {
                return .failure(ProblemText("\"\(text)\" has no host; write 0.0.0.0:\(portText) to listen on every address"))
            }
            guard host.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "." || $0 == "-" || $0 == "_" }) else {
                return .failure(ProblemText("\"\(text)\": \"\(host)\" is not a host name or address"))
            }
        }
        guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(portText) else {
            return .failure(ProblemText("\"\(text)\": the port \"\(portText)\" is not a number"))
        }
        guard (0...65535).contains(port) else {
            return .failure(ProblemText("\"\(text)\": port \(port) is out of range; ports are 0 (any free port) to 65535"))
        }
        return .success(HostPort(host: String(host), port: port))
    }
}

/// A message for an operator, used as a `Result` failure inside the loader.
struct ProblemText: Error, Sendable, Hashable {
    var text: String
    init(_ text: String) { self.text = text }
}

/// Where the gateway keeps its data: one SQLite file for a single machine, PostgreSQL when
/// several gateways share a database (design §5).
public enum StorageConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// A SQLite database file. A relative path in the file is resolved against the file's folder.
    case sqlite(path: String)
    /// A PostgreSQL connection URL, `postgres://user@host/db`.
    case postgres(url: String)

    /// The storage with any password in a PostgreSQL URL masked, safe for logs.
    public var description: String {
        switch self {
        case .sqlite(let path):
            return "sqlite:\(path)"
        case .postgres(let url):
            return "postgres:\(Self.maskingPassword(in: url))"
        }
    }

    /// `postgres://user:secret@host/db` -> `postgres://user:***@host/db`.
    static func maskingPassword(in url: String) -> String {
        guard let scheme = url.range(of: "://"),
              let at = url[scheme.upperBound...].firstIndex(of: "@") else { return url }
        let userInfo = url[scheme.upperBound..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return url }
        return String(url[..<url.index(after: colon)]) + "***" + String(url[at...])
    }
}

/// SQLite's `synchronous` mode: whether an acknowledged reading survives a power cut (`full`)
/// or only a crash of the process (`normal`, faster on slow disks).
public enum Durability: String, Sendable, Hashable, CaseIterable {
    /// `PRAGMA synchronous = FULL`: fsync on every commit. The default.
    case full
    /// `PRAGMA synchronous = NORMAL`: WAL commits survive a process crash, not a power cut.
    case normal
}

/// Where and when the public disclosure site is written, so the daily publication runs at a
/// predictable local time.
public struct DisclosureConfiguration: Sendable, Hashable {
    /// The site's folder. A relative path in the file is resolved against the file's folder.
    public var directory: String
    /// Local time of day, `HH:MM`, at which the previous day is published.
    public var publishAt: String

    public init(directory: String = "public", publishAt: String = "01:00") {
        self.directory = directory
        self.publishAt = publishAt
    }

    /// The hour of `publishAt` (0...23), nil when it is not `HH:MM`.
    public var publishHour: Int? { Self.parseTime(publishAt)?.hour }
    /// The minute of `publishAt` (0...59), nil when it is not `HH:MM`.
    public var publishMinute: Int? { Self.parseTime(publishAt)?.minute }

    /// `H:MM` or `HH:MM` within a day.
    static func parseTime(_ text: String) -> (hour: Int, minute: Int)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        return (hour, minute)
    }
}

/// What the gateway does with a frame from an MN it does not know: refuse it (production), or
/// store it so a new device can be onboarded from what it sends.
public enum UnregisteredPolicy: String, Sendable, Hashable, CaseIterable {
    /// Reject the frame (it is recorded in rejects) and do not acknowledge it. The default.
    case reject
    /// Accept and store the readings without enterprise or outlet.
    case accept
}

/// Bounds on the internet-facing device port: scanners, floods, slow connections and password
/// guessing must not exhaust the gateway (design §6).
public struct ConnectionLimits: Sendable, Hashable {
    /// Open device connections in total.
    public var maxConnections: Int
    /// Open connections from one source IP.
    public var maxConnectionsPerIP: Int
    /// Longest frame accepted, in bytes (at least 1024).
    public var maxFrameBytes: Int
    /// A connection silent this long is closed.
    public var idleTimeoutSeconds: Int
    /// Bytes received without a valid frame before the connection is closed.
    public var junkBytesLimit: Int
    /// Seconds a new connection may go without a valid frame before it is closed.
    public var noValidFrameSeconds: Int
    /// Password failures from one source IP, within `badPasswordWindowSeconds`, that block it.
    public var badPasswordThreshold: Int
    /// The window in which password failures are counted.
    public var badPasswordWindowSeconds: Int
    /// How long a blocked source IP stays blocked.
    public var blockSeconds: Int

    public init(
        maxConnections: Int = 20000,
        maxConnectionsPerIP: Int = 256,
        maxFrameBytes: Int = 10240,
        idleTimeoutSeconds: Int = 900,
        junkBytesLimit: Int = 65536,
        noValidFrameSeconds: Int = 120,
        badPasswordThreshold: Int = 5,
        badPasswordWindowSeconds: Int = 60,
        blockSeconds: Int = 600
    ) {
        self.maxConnections = maxConnections
        self.maxConnectionsPerIP = maxConnectionsPerIP
        self.maxFrameBytes = maxFrameBytes
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.junkBytesLimit = junkBytesLimit
        self.noValidFrameSeconds = noValidFrameSeconds
        self.badPasswordThreshold = badPasswordThreshold
        self.badPasswordWindowSeconds = badPasswordWindowSeconds
        self.blockSeconds = blockSeconds
    }
}

/// How the ingest pipeline batches frames into commits and how strictly it reads them; the
/// trade-off between acknowledgement latency and write throughput.
public struct IngestSettings: Sendable, Hashable {
    /// Most frames committed in one transaction.
    public var batchMaxFrames: Int
    /// Longest a frame waits for its batch to fill, in milliseconds.
    public var batchMaxDelayMillis: Int
    /// Frames waiting to be committed before connections are slowed down.
    public var queueCapacity: Int
    /// The decode policy for devices that do not set their own.
    public var policy: DecodePolicy

    public init(batchMaxFrames: Int = 2048, batchMaxDelayMillis: Int = 5, queueCapacity: Int = 8192, policy: DecodePolicy = .lenient) {
        self.batchMaxFrames = batchMaxFrames
        self.batchMaxDelayMillis = batchMaxDelayMillis
        self.queueCapacity = queueCapacity
        self.policy = policy
    }
}

/// A monitored enterprise (排污单位): the unit that disclosure and exceedance reports are
/// grouped by.
public struct Enterprise: Sendable, Hashable {
    /// Usually the unified social credit code, e.g. `91533100MA0000001X`.
    public var id: String
    /// The enterprise's name as the public should read it.
    public var name: String
    public var outlets: [Outlet]

    public init(id: String, name: String, outlets: [Outlet] = []) {
        self.id = id
        self.name = name
        self.outlets = outlets
    }
}

/// A discharge outlet (排放口): where limits apply and what the devices on it measure.
public struct Outlet: Sendable, Hashable {
    /// Unique within its enterprise, e.g. `DA001` (gas) or `DW001` (water).
    public var id: String
    public var name: String
    public var medium: Medium
    /// A shipped emission-standard profile (limits and reference O2), e.g.
    /// `GB13271-2014/coal/existing`; `limits` and `referenceO2` override it.
    public var standard: String?
    /// Pollutant code (2017 form, e.g. `a21026`) -> limit.
    public var limits: [String: LimitValue]
    /// Reference oxygen content in percent, for converted (折算) gas concentrations.
    public var referenceO2: Double?
    public var devices: [DeviceConfiguration]

    public init(
        id: String, name: String, medium: Medium, standard: String? = nil,
        limits: [String: LimitValue] = [:], referenceO2: Double? = nil, devices: [DeviceConfiguration] = []
    ) {
        self.id = id
        self.name = name
        self.medium = medium
        self.standard = standard
        self.limits = limits
        self.referenceO2 = referenceO2
        self.devices = devices
    }
}

/// What an outlet discharges, which decides the pollutant codes, units and disclosure file
/// (`waste-gas` or `waste-water`) it belongs to.
public enum Medium: String, Sendable, Hashable, CaseIterable {
    case gas
    case water
}

/// A pollutant's limit: a maximum concentration, or an allowed range (pH).
public enum LimitValue: Sendable, Hashable {
    /// Exceeded when the value is above it. Written `a21026: 300`.
    case maximum(Double)
    /// Exceeded when the value is outside it. Written `w01001: [6, 9]`.
    case range(lower: Double, upper: Double)
}

/// One data logger as configured: its MN, its password and its quirks, so the gateway can
/// authenticate it and read what it sends.
public struct DeviceConfiguration: Sendable, Hashable {
    /// The device's unique ID: 1 to 32 of `A-Z a-z 0-9 _ -`.
    public var mn: String
    /// The `PW` it sends.
    public var password: Secret
    /// The edition it speaks, when pinned; nil reads each frame by its Flag.
    public var edition: Edition?
    /// For 2025 devices with an encrypted data area: 32 hex digits.
    public var sm4Key: Secret?
    /// CRC algorithms accepted from this device besides HJ 212's.
    public var crc: [CRCAlgorithm]
    /// Overrides `IngestSettings.policy` for this device.
    public var policy: DecodePolicy?

    public init(
        mn: String, password: Secret, edition: Edition? = nil, sm4Key: Secret? = nil,
        crc: [CRCAlgorithm] = [], policy: DecodePolicy? = nil
    ) {
        self.mn = mn
        self.password = password
        self.edition = edition
        self.sm4Key = sm4Key
        self.crc = crc
        self.policy = policy
    }
}

/// A device as the gateway looks it up by MN: its credentials and decoding quirks together with
/// the enterprise and outlet it reports for, so one dictionary lookup answers everything.
public struct RegisteredDevice: Sendable, Hashable {
    public var mn: String
    public var password: Secret
    public var edition: Edition?
    /// The parsed key; nil when none is configured.
    public var sm4Key: SM4Key?
    /// CRC algorithms accepted besides HJ 212's (`DecodeOptions.extraCRCAlgorithms`).
    public var crc: Set<CRCAlgorithm>
    /// The device's own policy; nil means `IngestSettings.policy`.
    public var policy: DecodePolicy?
    public var enterpriseID: String
    public var enterpriseName: String
    public var outletID: String
    public var outletName: String
    public var medium: Medium

    public init(
        mn: String, password: Secret, edition: Edition? = nil, sm4Key: SM4Key? = nil,
        crc: Set<CRCAlgorithm> = [], policy: DecodePolicy? = nil,
        enterpriseID: String, enterpriseName: String, outletID: String, outletName: String, medium: Medium
    ) {
        self.mn = mn
        self.password = password
        self.edition = edition
        self.sm4Key = sm4Key
        self.crc = crc
        self.policy = policy
        self.enterpriseID = enterpriseID
        self.enterpriseName = enterpriseName
        self.outletID = outletID
        self.outletName = outletName
        self.medium = medium
    }

    init(device: DeviceConfiguration, outlet: Outlet, enterprise: Enterprise) {
        self.init(
            mn: device.mn, password: device.password, edition: device.edition,
            sm4Key: device.sm4Key.flatMap { SM4Key(hex: $0.value) },
            crc: Set(device.crc), policy: device.policy,
            enterpriseID: enterprise.id, enterpriseName: enterprise.name,
            outletID: outlet.id, outletName: outlet.name, medium: outlet.medium
        )
    }

    /// The options to decode this device's frames with; `defaultPolicy` applies when the device
    /// has none of its own.
    public func decodeOptions(defaultPolicy: DecodePolicy, tables: CodeTables = .shipped) -> DecodeOptions {
        DecodeOptions(policy: policy ?? defaultPolicy, extraCRCAlgorithms: crc, sm4Key: sm4Key, tables: tables)
    }
}
