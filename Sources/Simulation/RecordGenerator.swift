import HJ212

/// One upload's content as the logger computed it: the data level, the interval start (the
/// sampling instant for real-time data) in true simulated local time, and the readings.
public struct SimRecord: Sendable, Hashable {
    public var kind: DataKind
    public var dataTime: LocalDateTime
    public var readings: [Reading]

    public init(kind: DataKind, dataTime: LocalDateTime, readings: [Reading]) {
        self.kind = kind
        self.dataTime = dataTime
        self.readings = readings
    }

    public func reading(_ code: String) -> Reading? { readings.first { $0.code == code } }
}

/// Running statistics of one code's samples with one flag.
struct SampleStats: Sendable, Hashable {
    var count = 0
    var sum = 0.0
    var min = Double.infinity
    var max = -Double.infinity
    var zsCount = 0
    var zsMin = Double.infinity
    var zsMax = -Double.infinity

    mutating func add(_ value: Double, zs: Double?) {
        count += 1
        sum += value
        min = Swift.min(min, value)
        max = Swift.max(max, value)
        if let zs {
            zsCount += 1
            zsMin = Swift.min(zsMin, zs)
            zsMax = Swift.max(zsMax, zs)
        }
    }
}

/// One aggregation interval (minute, hour or day) being filled with real-time samples.
struct IntervalWindow: Sendable, Hashable {
    var start: Int64
    var length: Int64
    /// Per code: statistics per flag letter, and the amount (`Cou`) over every sample.
    var stats: [[String: SampleStats]]
    var amounts: [Double]
    var samples = 0

    init(start: Int64, length: Int64, codes: Int) {
        self.start = start
        self.length = length
        stats = Array(repeating: [:], count: codes)
        amounts = Array(repeating: 0, count: codes)
    }

    var end: Int64 { start + length }
}

/// Turns a plant's readings into what a data logger uploads: a real-time record per sampling
/// instant, and minute, hour and day aggregates computed from those same real-time values, as a
/// logger does.
///
/// Aggregation rules (documented in simulators/README.md):
/// - an interval's flag is its most frequent sample flag (a tie goes to the non-N flag);
/// - Min/Avg/Max are over the samples carrying that flag;
/// - Cou sums every sample's amount: flow × interval (volume) or concentration × flow × interval
///   (mass); samples taken during a calibration add nothing;
/// - ZsRtd = Rtd × (21 − O2ref) / (21 − O2) per sample; ZsAvg applies the same formula to the
///   interval's Avg and the O2 Avg; ZsMin/ZsMax are the extremes of the samples' ZsRtd;
///   no Zs when O2 ≥ 20 % (stack air, plant stopped).
public struct RecordGenerator: Sendable {
    public let plant: PlantEngine
    public private(set) var realtimeSeconds: Int
    public private(set) var minuteMinutes: Int
    /// Simulated second of the next real-time sample.
    public private(set) var nextSample: Int64
    var minute: IntervalWindow
    var hour: IntervalWindow
    var day: IntervalWindow

    public init(plant: PlantEngine, start: Int64) {
        self.plant = plant
        realtimeSeconds = plant.device.realtimeSeconds
        minuteMinutes = plant.device.minuteMinutes
        let step = Int64(realtimeSeconds)
        nextSample = Self.alignUp(start, step)
        let count = plant.codes.count
        minute = IntervalWindow(start: Self.alignDown(start, Int64(minuteMinutes * 60)), length: Int64(minuteMinutes * 60), codes: count)
        hour = IntervalWindow(start: Self.alignDown(start, 3600), length: 3600, codes: count)
        day = IntervalWindow(start: Self.alignDown(start, 86_400), length: 86_400, codes: count)
    }

    static func alignDown(_ value: Int64, _ step: Int64) -> Int64 { value - value.mod(step) }
    static func alignUp(_ value: Int64, _ step: Int64) -> Int64 {
        let down = alignDown(value, step)
        return down == value ? value : down + step
    }

    /// Samples every instant before `time` and closes every interval that ends at or before it.
    public mutating func advance(to time: Int64) -> [SimRecord] {
        var records: [SimRecord] = []
        while nextSample < time {
            let instant = nextSample
            closeWindows(upTo: instant, into: &records)
            records.append(take(plant.sample(at: instant)))
            nextSample += Int64(realtimeSeconds)
        }
        closeWindows(upTo: time, into: &records)
        return records
    }

    /// 1062: a new real-time interval, from the next multiple of it on.
    public mutating func setRealtimeInterval(seconds: Int) {
        realtimeSeconds = max(1, seconds)
        nextSample = Self.alignUp(nextSample, Int64(realtimeSeconds))
    }

    /// 1064: a new minute interval, from the next interval on.
    public mutating func setMinuteInterval(minutes: Int) {
        minuteMinutes = max(1, minutes)
    }

    // MARK: Sampling

    mutating func take(_ sample: PlantSample) -> SimRecord {
        let device = plant.device
        let dt = Double(realtimeSeconds)
        let oxygen = plant.o2Index.map { sample.values[$0] }
        let flow = plant.flowIndex.map { sample.values[$0] }
        var readings: [Reading] = []
        readings.reserveCapacity(plant.codes.count)
        for (index, code) in plant.codes.enumerated() {
            let value = sample.values[index]
            var reading = Reading(code: code)
            reading.rtd = value
            reading.flag = sample.flags[index]
            let zs = Self.converted(value, code: code, oxygen: oxygen, reference: device.referenceO2)
            reading.zsRtd = zs
            readings.append(reading)
            var amount = 0.0
            switch plant.amount(code) {
            case .volume: amount = device.medium == .gas ? value * dt : value * dt / 1000
            case .mass: amount = (flow ?? 0) * value * dt / 1_000_000
            case .none: break
            }
            // A calibrating analyser reads its span gas, not the stack: no amount.
            if sample.flags[index] == .calibration { amount = 0 }
            let letter = sample.flags[index].rawValue
            minute.stats[index][letter, default: SampleStats()].add(value, zs: zs)
            hour.stats[index][letter, default: SampleStats()].add(value, zs: zs)
            day.stats[index][letter, default: SampleStats()].add(value, zs: zs)
            minute.amounts[index] += amount
            hour.amounts[index] += amount
            day.amounts[index] += amount
        }
        minute.samples += 1
        hour.samples += 1
        day.samples += 1
        return SimRecord(kind: .realtime, dataTime: LocalDateTime(secondsSinceEpochIgnoringZone: sample.time), readings: readings)
    }

    /// C × (21 − O2ref) / (21 − O2), for convertible gas codes with a reference O2.
    public static func converted(_ value: Double, code: String, oxygen: Double?, reference: Double?) -> Double? {
        guard let reference, let oxygen, oxygen < 20, PlantEngine.isConvertible(code) else { return nil }
        return value * (21 - reference) / (21 - oxygen)
    }

    mutating func closeWindows(upTo time: Int64, into records: inout [SimRecord]) {
        let count = plant.codes.count
        if minute.end <= time {
            if minute.samples > 0 { records.append(aggregate(minute, kind: .minute)) }
            let length = Int64(minuteMinutes * 60)
            minute = IntervalWindow(start: Self.alignDown(time, length), length: length, codes: count)
        }
        if hour.end <= time {
            if hour.samples > 0 { records.append(aggregate(hour, kind: .hour)) }
            hour = IntervalWindow(start: Self.alignDown(time, 3600), length: 3600, codes: count)
        }
        if day.end <= time {
            if day.samples > 0 { records.append(aggregate(day, kind: .day)) }
            day = IntervalWindow(start: Self.alignDown(time, 86_400), length: 86_400, codes: count)
        }
    }

    /// The interval's flag: the most frequent sample flag, a tie going to the non-N flag.
    static func dominantFlag(_ stats: [String: SampleStats]) -> String? {
        stats.max { a, b in
            if a.value.count != b.value.count { return a.value.count < b.value.count }
            if (a.key == "N") != (b.key == "N") { return a.key == "N" }
            return a.key > b.key
        }?.key
    }

    func aggregate(_ window: IntervalWindow, kind: DataKind) -> SimRecord {
        let device = plant.device
        var oxygenAverage: Double?
        if let o2 = plant.o2Index, let letter = Self.dominantFlag(window.stats[o2]), let stats = window.stats[o2][letter] {
            oxygenAverage = stats.sum / Double(stats.count)
        }
        let hasFlow = plant.flowIndex != nil
        var readings: [Reading] = []
        for (index, code) in plant.codes.enumerated() {
            guard let letter = Self.dominantFlag(window.stats[index]), let stats = window.stats[index][letter] else { continue }
            var reading = Reading(code: code)
            let average = stats.sum / Double(stats.count)
            reading.min = stats.min
            reading.avg = average
            reading.max = stats.max
            reading.flag = DataFlag(rawValue: letter)
            let amountKind = plant.amount(code)
            if amountKind == .volume || (amountKind == .mass && hasFlow) {
                reading.cou = window.amounts[index]
            }
            if let zsAverage = Self.converted(average, code: code, oxygen: oxygenAverage, reference: device.referenceO2), stats.zsCount > 0 {
                reading.zsMin = stats.zsMin
                reading.zsAvg = zsAverage
                reading.zsMax = stats.zsMax
            }
            readings.append(reading)
        }
        return SimRecord(kind: kind, dataTime: LocalDateTime(secondsSinceEpochIgnoringZone: window.start), readings: readings)
    }

    /// The records of `kind` whose interval starts in `begin...end`, regenerated from the plant
    /// as the logger computed them, limited to what existed by `now` and not before `origin`
    /// (when the logger started). History answers (2031/2051/2061) are built from it.
    public static func history(
        plant: PlantEngine, kind: DataKind, begin: Int64, end: Int64, origin: Int64, now: Int64, limit: Int = 2000
    ) -> [SimRecord] {
        let length: Int64
        switch kind {
        case .minute: length = Int64(plant.device.minuteMinutes * 60)
        case .hour: length = 3600
        case .day: length = 86_400
        default: length = Int64(plant.device.realtimeSeconds)
        }
        let from = max(alignDown(begin, length), alignDown(origin, length))
        let until = min(end + length, now)
        guard from < until else { return [] }
        var generator = RecordGenerator(plant: plant, start: from)
        var records: [SimRecord] = []
        var cursor = from
        while cursor < until && records.count < limit {
            let step = min(until, cursor + 3600)
            for record in generator.advance(to: step) where record.kind == kind {
                let start = record.dataTime.secondsSinceEpochIgnoringZone
                if start >= begin && start <= end && start >= origin { records.append(record) }
            }
            cursor = step
        }
        return Array(records.prefix(limit))
    }
}
