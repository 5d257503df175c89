import GatewayConfig
import HJ212

/// What the instruments read at one instant: a value and a flag per code, in the device's code order.
public struct PlantSample: Sendable, Hashable {
    /// Simulated seconds (true time, before any clock skew of the logger).
    public var time: Int64
    public var values: [Double]
    public var flags: [DataFlag]
}

/// The plant behind a device: a coal boiler's stack or a waste-water outlet, with a daily
/// pattern, slow drift and sampling noise. Pure: a reading depends only on the seed, the device
/// and the time, so the same time always reads the same (history can be regenerated).
public struct PlantEngine: Sendable {
    public let device: DeviceSpec
    public let codes: [String]
    let bases: [Double]
    let seed: UInt64
    let codeKeys: [UInt64]
    let o2Index: Int?
    let flowIndex: Int?

    public init(device: DeviceSpec, seed: UInt64) {
        self.device = device
        codes = device.codes
        bases = device.pollutants.map { $0.base ?? PlantEngine.defaultBase($0.code) }
        self.seed = Noise.hash(seed, Noise.key(device.mn), UInt64(device.ordinal))
        codeKeys = codes.map(Noise.key)
        o2Index = codes.firstIndex(of: "a19001")
        flowIndex = codes.firstIndex(of: device.medium == .gas ? "a00000" : "w00000")
    }

    /// Typical levels (unit of HJ 212 App. B) for codes the scenario gives no base for.
    public static func defaultBase(_ code: String) -> Double {
        switch code {
        // gas: ultra-low-emission coal boiler levels, measured (not converted)
        case "a21026": 22      // SO2 mg/m3
        case "a21002": 36      // NOx mg/m3
        case "a34013": 4.5     // particulate mg/m3
        case "a21005": 30      // CO mg/m3
        case "a19001": 7       // O2 %
        case "a00000": 60      // flue-gas flow m3/s
        case "a01011": 12      // velocity m/s
        case "a01012": 52      // temperature °C
        case "a01013": 0.6     // pressure kPa
        case "a01014": 9       // humidity %
        // water: a municipal works' treated effluent
        case "w00000": 80      // flow L/s
        case "w01018": 28      // COD mg/L
        case "w21003": 1.8     // NH3-N mg/L
        case "w21011": 0.28    // TP mg/L
        case "w21001": 11      // TN mg/L
        case "w01001": 7.2     // pH
        case "w01012": 8       // SS mg/L
        case "w01010": 18      // water temperature °C
        default: 10
        }
    }

    /// Digits after the point the logger writes for a code.
    public static func decimals(_ code: String) -> Int {
        switch code {
        case "a01013", "w21011", "w21003": 3
        case "a01012", "w01010": 1
        default: 2
        }
    }

    /// Whether a code is a concentration converted to reference O2 (折算) at a gas outlet.
    public static func isConvertible(_ code: String) -> Bool {
        code.hasPrefix("a2") || code.hasPrefix("a3") || code.hasPrefix("a05") || code.hasPrefix("a99")
    }

    /// The code's amount kind for `-Cou`: a volume (the flow), a mass (a concentration), or none.
    enum Amount { case volume, mass, none }

    func amount(_ code: String) -> Amount {
        if code == "a00000" || code == "w00000" { return .volume }
        if device.medium == .gas { return Self.isConvertible(code) ? .mass : .none }
        switch code {
        case "w01001", "w01010": return .none
        default: return code.hasPrefix("w") ? .mass : .none
        }
    }

    /// The flag of `code` at local time `local`: the scheduled event with the highest priority
    /// (stoppage F, fault D, calibration C, maintenance M), else N.
    func flag(code: String, at local: LocalDateTime) -> DataFlag {
        var best: DataFlag = .normal
        var bestRank = 0
        for event in device.events where event.applies(to: code) && event.window.contains(local) {
            let rank: Int
            switch event.flag {
            case .stopped: rank = 4
            case .fault: rank = 3
            case .calibration: rank = 2
            default: rank = 1
            }
            if rank > bestRank {
                best = event.flag
                bestRank = rank
            }
        }
        return best
    }

    /// Whether the whole plant is stopped (a stoppage event for every code).
    func plantStopped(at local: LocalDateTime) -> Bool {
        device.events.contains { $0.flag == .stopped && $0.pollutants == nil && $0.window.contains(local) }
    }

    /// The instruments' readings at simulated second `time`.
    public func sample(at time: Int64) -> PlantSample {
        let local = LocalDateTime(secondsSinceEpochIgnoringZone: time)
        let hour = Double(time.mod(86_400)) / 3600
        let stopped = plantStopped(at: local)
        let t = UInt64(bitPattern: time)
        // The plant's load (gas: boiler load; water: inflow), 0 when stopped.
        let load: Double
        if stopped {
            load = 0
        } else if device.medium == .gas {
            load = 0.8 + 0.14 * _sin(2 * .pi * (hour - 9) / 24) + 0.05 * _sin(4 * .pi * (hour - 7) / 24)
                + 0.05 * Noise.smooth(seed, 1, time: time, period: 7200)
        } else {
            load = 0.9 + 0.25 * _sin(2 * .pi * (hour - 8) / 24) + 0.08 * _sin(4 * .pi * (hour - 6) / 24)
                + 0.06 * Noise.smooth(seed, 1, time: time, period: 5400)
        }
        var values = [Double](repeating: 0, count: codes.count)
        var flags = [DataFlag](repeating: .normal, count: codes.count)
        // O2 first: converted episodes need it.
        var oxygen: Double?
        if let o2Index {
            let base = bases[o2Index]
            let noise = 0.2 * Noise.gaussian(seed, codeKeys[o2Index], t)
            oxygen = stopped ? 20.6 + 0.05 * noise : max(2, min(19.5, base + (0.85 - load) * 4 + noise))
        }
        for (index, code) in codes.enumerated() {
            let base = bases[index]
            let key = codeKeys[index]
            let white = Noise.gaussian(seed, key, t)
            let drift = Noise.smooth(seed, key, time: time, period: 3 * 3600)
            var value: Double
            switch code {
            case "a19001":
                value = oxygen ?? base
            case "a00000", "w00000", "a01011":
                value = stopped ? 0 : base * load * (1 + 0.015 * white)
            case "a01012":
                value = stopped ? 25 + 0.3 * white : base + 10 * (load - 0.8) + 0.3 * white
            case "a01013":
                value = base * (stopped ? 0.1 : max(0.2, load)) + 0.01 * white
            case "a01014":
                value = base + 1.5 * (load - 0.8) + 0.15 * white
            case "w01001":
                value = base + 0.25 * drift + 0.03 * white
            case "w01010":
                value = base + 2 * _sin(2 * .pi * (hour - 14) / 24) + 0.1 * white
            default:
                if stopped {
                    value = base * 0.05 * abs(white)
                } else if device.medium == .gas {
                    value = base * (0.7 + 0.4 * load) * (1 + 0.15 * drift) * (1 + 0.04 * white)
                } else {
                    value = base * (0.85 + 0.3 * (load - 0.9)) * (1 + 0.2 * drift) * (1 + 0.03 * white)
                }
            }
            let flag = flag(code: code, at: local)
            switch flag {
            case .fault: value = 0
            case .calibration: value = Self.isConvertible(code) || amount(code) == .mass ? base * 3 : value
            default: break
            }
            if flag == .normal, let episode = device.episodes.first(where: { $0.code == code && $0.window.contains(local) }) {
                value = episodeValue(episode, code: code, oxygen: oxygen, noise: white)
            }
            values[index] = max(0, value)
            flags[index] = flag
        }
        return PlantSample(time: time, values: values, flags: flags)
    }

    /// A value during an exceedance episode: `factor` × the limit — on the converted value when
    /// the outlet has a reference O2 (so C = factor × L × (21 − O2) / (21 − O2ref)) — or `value`.
    func episodeValue(_ episode: ExceedanceEpisode, code: String, oxygen: Double?, noise: Double) -> Double {
        let wobble = 1 + 0.03 * noise
        if let value = episode.value { return value * wobble }
        guard let factor = episode.factor, case .maximum(let limit)? = device.limits[code] else { return 0 }
        var target = factor * limit
        if let reference = device.referenceO2, let oxygen, Self.isConvertible(code), oxygen < 20 {
            target *= (21 - oxygen) / (21 - reference)
        }
        return target * wobble
    }
}

extension Int64 {
    /// The non-negative remainder.
    func mod(_ divisor: Int64) -> Int64 {
        let remainder = self % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}
