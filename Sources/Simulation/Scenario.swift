import GatewayConfig
import HJ212

/// A simulated fleet, as read from a scenario file (simulators/*.yaml): enterprises, their
/// outlets and the data loggers on them, with each device's behaviour and faults.
///
/// Built by `ScenarioLoader`, which has checked every field and expanded `count:` entries and
/// templates, so the rest of the simulator can trust these values.
public struct Scenario: Sendable, Hashable {
    /// A name for logs and reports.
    public var name: String
    /// The seed of every random choice (noise, faults); `--seed` overrides it.
    public var seed: UInt64
    /// The zone of the simulated local clock (device times are local, HJ 212 style).
    public var timezone: String
    public var enterprises: [ScenarioEnterprise]
    /// The file it was read from, if any.
    public var sourcePath: String?

    public init(name: String = "scenario", seed: UInt64 = 212, timezone: String = "Asia/Shanghai", enterprises: [ScenarioEnterprise] = [], sourcePath: String? = nil) {
        self.name = name
        self.seed = seed
        self.timezone = timezone
        self.enterprises = enterprises
        self.sourcePath = sourcePath
    }

    /// Every device, in file order.
    public var devices: [DeviceSpec] {
        enterprises.flatMap { $0.outlets.flatMap(\.devices) }
    }

    /// The device with this MN.
    public func device(mn: String) -> DeviceSpec? {
        for enterprise in enterprises {
            for outlet in enterprise.outlets {
                if let device = outlet.devices.first(where: { $0.mn == mn }) { return device }
            }
        }
        return nil
    }
}

public struct ScenarioEnterprise: Sendable, Hashable {
    public var id: String
    public var name: String
    public var outlets: [ScenarioOutlet]

    public init(id: String, name: String, outlets: [ScenarioOutlet] = []) {
        self.id = id
        self.name = name
        self.outlets = outlets
    }
}

public struct ScenarioOutlet: Sendable, Hashable {
    public var id: String
    public var name: String
    public var medium: Medium
    /// An emission-standard profile name passed through to the gateway configuration.
    public var standard: String?
    /// Pollutant code -> limit, written to the gateway configuration and used to place
    /// exceedance episodes.
    public var limits: [String: LimitValue]
    /// Reference O2 (%) for converted (折算) gas concentrations.
    public var referenceO2: Double?
    public var devices: [DeviceSpec]

    public init(
        id: String, name: String, medium: Medium, standard: String? = nil, limits: [String: LimitValue] = [:],
        referenceO2: Double? = nil, devices: [DeviceSpec] = []
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

/// The plant a device measures.
public enum PlantModel: String, Sendable, Hashable, CaseIterable {
    /// A CEMS on a coal-fired boiler stack: SO2, NOx, particulate, O2, flow, temperature,
    /// pressure, humidity; converted (Zs) values from O2.
    case cemsCoal = "cems-coal"
    /// A waste-water outlet: COD, NH3-N, TP, TN, pH and flow, with Cou.
    case wastewater

    /// The pollutants measured when the scenario does not list them.
    public var defaultPollutants: [String] {
        switch self {
        case .cemsCoal: ["a21026", "a21002", "a34013", "a19001", "a00000", "a01012", "a01013", "a01014"]
        case .wastewater: ["w01018", "w21003", "w21011", "w21001", "w01001", "w00000"]
        }
    }

    public var medium: Medium {
        switch self {
        case .cemsCoal: .gas
        case .wastewater: .water
        }
    }
}

/// One measured code and its typical level.
public struct PollutantSpec: Sendable, Hashable {
    /// HJ 212-2017 code, e.g. `a21026`.
    public var code: String
    /// The typical (mean) level in the code's unit; nil uses the model's default.
    public var base: Double?

    public init(code: String, base: Double? = nil) {
        self.code = code
        self.base = base
    }
}

/// A time-of-day window, every day or on one date: `from: "14:00"`, `to: "17:00"`.
public struct TimeWindow: Sendable, Hashable {
    /// Seconds after local midnight, inclusive.
    public var fromSecond: Int
    /// Seconds after local midnight, exclusive; less than `fromSecond` when the window wraps midnight.
    public var toSecond: Int
    /// Only on this date (year, month, day), when given.
    public var date: LocalDateTime?

    public init(fromSecond: Int, toSecond: Int, date: LocalDateTime? = nil) {
        self.fromSecond = fromSecond
        self.toSecond = toSecond
        self.date = date
    }

    /// Whether the window holds the local time `time`.
    public func contains(_ time: LocalDateTime) -> Bool {
        let second = time.hour * 3600 + time.minute * 60 + time.second
        if let date {
            // A wrapping window that starts on `date` runs into the next morning.
            let sameDay = time.year == date.year && time.month == date.month && time.day == date.day
            if fromSecond < toSecond { return sameDay && second >= fromSecond && second < toSecond }
            let next = date.adding(seconds: 86_400)
            let nextDay = time.year == next.year && time.month == next.month && time.day == next.day
            return (sameDay && second >= fromSecond) || (nextDay && second < toSecond)
        }
        if fromSecond < toSecond { return second >= fromSecond && second < toSecond }
        if fromSecond == toSecond { return true }
        return second >= fromSecond || second < toSecond
    }
}

/// A scheduled period whose data carry a non-N flag: maintenance (M), calibration (C),
/// instrument fault (D) or stoppage (F).
public struct FlagEvent: Sendable, Hashable {
    public var flag: DataFlag
    public var window: TimeWindow
    /// The codes affected; nil means every code of the device.
    public var pollutants: [String]?

    public init(flag: DataFlag, window: TimeWindow, pollutants: [String]? = nil) {
        self.flag = flag
        self.window = window
        self.pollutants = pollutants
    }

    public func applies(to code: String) -> Bool { pollutants?.contains(code) ?? true }
}

/// A period in which a pollutant is driven above its limit: `factor` times the limit (on the
/// converted value when the outlet has a reference O2), or an explicit `value`.
public struct ExceedanceEpisode: Sendable, Hashable {
    public var code: String
    public var factor: Double?
    public var value: Double?
    public var window: TimeWindow

    public init(code: String, factor: Double? = nil, value: Double? = nil, window: TimeWindow) {
        self.code = code
        self.factor = factor
        self.value = value
        self.window = window
    }
}

/// What a faulty device gets wrong. Rates are probabilities per frame (0...1).
public struct FaultSpec: Sendable, Hashable {
    /// Frames whose CRC digits are wrong.
    public var badCRC: Double = 0
    /// Frames carrying CRC-16/MODBUS instead of the HJ 212 CRC.
    public var modbusCRC: Double = 0
    /// Frames whose 4-digit length field is off.
    public var wrongLength: Double = 0
    /// Frames written in two to four pieces (separate writes).
    public var splitWrites: Double = 0
    /// Frames held back and written together with the following frames, in one write.
    public var severalPerWrite: Double = 0
    /// Frames preceded by junk bytes (line noise, AT responses).
    public var junk: Double = 0
    /// The device's clock is off by this many seconds (DataTime and QN shifted).
    public var clockSkewSeconds: Int64 = 0
    /// Frames sent twice (a duplicate resend: same data, a new QN).
    public var duplicates: Double = 0
    /// Frames sent with a wrong password.
    public var wrongPassword: Double = 0
    /// Drop the TCP connection every this many simulated minutes.
    public var disconnectEveryMinutes: Int?
    /// Simulated periods with no connection (the device buffers, then back-fills).
    public var offline: [TimeWindow] = []

    public init() {}

    /// Whether the device sends every frame as the standard says.
    public var isClean: Bool { self == FaultSpec() }
}

/// One simulated data logger, with the outlet it sits on.
public struct DeviceSpec: Sendable, Hashable {
    public var mn: String
    public var password: String
    public var edition: Edition
    /// 32 hex digits; 2025 devices with it encrypt their data area.
    public var sm4KeyHex: String?
    public var plant: PlantModel
    public var pollutants: [PollutantSpec]
    /// Real-time interval, seconds (HJ 212 RtdInterval, 30...3600).
    public var realtimeSeconds: Int = 30
    /// Minute-data interval, minutes (HJ 212 MinInterval).
    public var minuteMinutes: Int = 10
    /// Kinds uploaded on schedule.
    public var upload: Set<DataKind> = [.realtime, .minute, .hour, .day]
    /// Kinds sent with the A bit (waiting for 9014). Ignored for 2005 devices, which never ask.
    public var ack: Set<DataKind> = [.minute, .hour, .day]
    /// OverTime (seconds of wall-clock time) and ReCount of the standard's table 1.
    public var overTimeSeconds: Double = 10
    public var reCount: Int = 3
    /// 9015 heartbeat period (wall-clock seconds) for 2025 devices; nil for none.
    public var heartbeatSeconds: Double? = 60
    /// Reconnect back-off (wall-clock seconds): first wait and cap.
    public var reconnectInitialSeconds: Double = 1
    public var reconnectMaxSeconds: Double = 60
    public var events: [FlagEvent] = []
    public var episodes: [ExceedanceEpisode] = []
    public var faults = FaultSpec()
    /// CRC variants the gateway configuration accepts from this device (written by write-config).
    public var acceptCRC: [CRCAlgorithm] = []

    // The outlet and enterprise, copied in so a device stands alone.
    public var enterpriseID: String = ""
    public var outletID: String = ""
    public var medium: Medium
    public var referenceO2: Double?
    public var limits: [String: LimitValue] = [:]
    /// 1-based position in the scenario; mixed into the seed so devices differ.
    public var ordinal: Int = 1

    public init(mn: String, password: String, edition: Edition, plant: PlantModel, pollutants: [PollutantSpec]? = nil, medium: Medium? = nil) {
        self.mn = mn
        self.password = password
        self.edition = edition
        self.plant = plant
        self.pollutants = pollutants ?? plant.defaultPollutants.map { PollutantSpec(code: $0) }
        self.medium = medium ?? plant.medium
    }

    /// The system type written in uploads: 31 air sources, 32 water sources.
    public var st: String { medium == .gas ? "31" : "32" }

    public var sm4Key: SM4Key? { sm4KeyHex.flatMap { SM4Key(hex: $0) } }

    public var codes: [String] { pollutants.map(\.code) }
}
