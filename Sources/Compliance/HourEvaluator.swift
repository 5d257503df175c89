import HJ212

/// Builds and judges one device's hour per pollutant (docs/domain/rules.md §1.2–§3).
///
/// - The logger's own hour value (2061) is used when it sent one; its flag decides validity.
/// - Otherwise the hour is derived from the minute values: valid (N) and lower-bound (T) minutes
///   must cover at least 45 minutes of the hour (gas; the same 75 % for water), each minute
///   record counting its interval. The mean is arithmetic (HJ 212 App. D formula 24).
/// - Gas concentrations are converted to the outlet's reference O2: the device's Zs value when it
///   is present and sane, else computed from the hour's O2 (a19001). Conversion is per hour: the
///   hour's mean concentration with the hour's mean O2.
/// - The hour is judged against the pollutant's hourly or range limit.
public struct HourEvaluator: Sendable {
    public let rules: OutletRules
    public let tables: CodeTables
    /// Minutes of valid data an hour needs.
    public static let requiredMinutes = 45
    static let oxygenCode = "a19001"

    public init(rules: OutletRules, tables: CodeTables = .shipped) {
        self.rules = rules
        self.tables = tables
    }

    /// - Parameters:
    ///   - start: The hour's start (Unix seconds).
    ///   - deviceHour: The logger's hour values, by pollutant.
    ///   - minutes: The logger's minute values in the hour, by pollutant.
    ///   - minuteInterval: The logger's minute interval when known (else inferred from `minutes`).
    public func evaluate(
        start: Int64, deviceHour: [String: Reading], minutes: [String: [TimedReading]], minuteInterval: Int? = nil
    ) -> [EvaluatedPeriod] {
        let interval = minuteInterval ?? Self.minuteInterval(minutes)
        let oxygen: Double? = {
            if let reading = deviceHour[Self.oxygenCode], FlagPolicy.classify(reading.flag) == .valid {
                return Self.mean(of: reading)
            }
            if let records = minutes[Self.oxygenCode] {
                let aggregate = MinuteAggregate(records, interval: interval)
                if aggregate.coveredMinutes >= Self.requiredMinutes { return aggregate.mean }
            }
            return nil
        }()
        var results: [EvaluatedPeriod] = []
        for code in Set(deviceHour.keys).union(minutes.keys).sorted() {
            var period: EvaluatedPeriod
            if let reading = deviceHour[code] {
                period = fromDevice(code: code, start: start, reading: reading)
            } else {
                period = derived(code: code, start: start, records: minutes[code] ?? [], interval: interval)
            }
            convert(&period, oxygen: oxygen, deviceZs: deviceZs(code: code, deviceHour: deviceHour, minutes: minutes))
            Judge.apply(rules.limits(for: code, on: .hour).first, to: &period)
            results.append(period)
        }
        return results
    }

    func fromDevice(code: String, start: Int64, reading: Reading) -> EvaluatedPeriod {
        let value = Self.mean(of: reading)
        var status = Self.status(for: FlagPolicy.classify(reading.flag))
        var note: String?
        if value == nil || value.map({ OxygenConversion.isNotComputableSentinel($0, dataType: tables.pollutants[code]?.type2025) }) == true {
            status = status == .valid || status == .lowerBound ? .insufficient : status
            note = "the logger sent no usable hourly mean"
        }
        return EvaluatedPeriod(
            pollutant: code, basis: .hour, start: start, source: .device, status: status, value: value, judged: nil,
            oxygen: nil, cou: reading.cou, coverage: nil, flags: FlagPolicy.letter(reading.flag), note: note)
    }

    func derived(code: String, start: Int64, records: [TimedReading], interval: Int) -> EvaluatedPeriod {
        let aggregate = MinuteAggregate(records, interval: interval)
        let status: PeriodStatus
        var note: String?
        if aggregate.coveredMinutes >= Self.requiredMinutes {
            status = aggregate.lowerBoundMinutes > 0 ? .lowerBound : .valid
        } else if aggregate.stoppedMinutes > 0 && aggregate.stoppedMinutes >= aggregate.invalidMinutes {
            status = .stopped
            note = "source stopped (F) for \(aggregate.stoppedMinutes) minutes"
        } else if aggregate.invalidMinutes > 0 {
            status = .invalid
            note = "only \(aggregate.coveredMinutes) valid minutes (\(Self.requiredMinutes) needed); the rest flagged \(aggregate.flagSummary)"
        } else {
            status = .insufficient
            note = "only \(aggregate.coveredMinutes) valid minutes (\(Self.requiredMinutes) needed)"
        }
        let usable = status == .valid || status == .lowerBound
        return EvaluatedPeriod(
            pollutant: code, basis: .hour, start: start, source: .derived, status: status,
            value: usable ? aggregate.mean : nil, judged: nil, oxygen: nil, cou: usable ? aggregate.cou : nil,
            coverage: aggregate.coveredMinutes, flags: aggregate.flagSummary, note: note)
    }

    /// The device's converted hourly value for a code, if it sent one (hour, or all used minutes).
    func deviceZs(code: String, deviceHour: [String: Reading], minutes: [String: [TimedReading]]) -> Double? {
        if let reading = deviceHour[code] { return reading.zsAvg ?? reading.zsRtd }
        let used = (minutes[code] ?? []).filter { [.valid, .lowerBound].contains(FlagPolicy.classify($0.reading.flag)) }
        let values = used.compactMap { $0.reading.zsAvg ?? $0.reading.zsRtd }
        guard !values.isEmpty, values.count == used.count else { return nil }
        return values.reduce(0, +) / Double(values.count)
    }

    func convert(_ period: inout EvaluatedPeriod, oxygen: Double?, deviceZs: Double?) {
        period.oxygen = rules.medium == .gas ? oxygen : nil
        guard let value = period.value, period.status == .valid || period.status == .lowerBound else { return }
        guard rules.converts(period.pollutant), let reference = rules.referenceO2 else {
            period.judged = value
            return
        }
        let dataType = tables.pollutants[period.pollutant]?.type2025
        if let zs = deviceZs, OxygenConversion.isSane(zs, measured: value, oxygen: oxygen, reference: reference, dataType: dataType) {
            period.judged = zs
            return
        }
        switch OxygenConversion.convert(value, oxygen: oxygen, reference: reference) {
        case .success(let converted):
            period.judged = converted
            if let zs = deviceZs, !OxygenConversion.isNotComputableSentinel(zs, dataType: dataType) {
                period.note = "the logger's converted value \(zs) disagreed with its O2; recomputed from O2"
            }
        case .failure(let failure):
            period.status = .notConvertible
            period.note = failure.text
        }
    }

    /// Avg, else Rtd.
    static func mean(of reading: Reading) -> Double? { reading.avg ?? reading.rtd }

    static func status(for flagClass: FlagPolicy.Class) -> PeriodStatus {
        switch flagClass {
        case .valid: .valid
        case .lowerBound: .lowerBound
        case .stopped: .stopped
        case .invalid: .invalid
        }
    }

    /// The logger's minute interval, from the spacing of its minute records (HJ 212 allows 1, 2,
    /// 3, 4, 5, 6, 10, 12, 15, 20 or 30); 1 when it cannot be told (a conservative count).
    static func minuteInterval(_ minutes: [String: [TimedReading]]) -> Int {
        let times = Set(minutes.values.flatMap { $0.map(\.time) }).sorted()
        var smallest: Int64 = .max
        for (a, b) in zip(times, times.dropFirst()) where b > a { smallest = min(smallest, b - a) }
        guard smallest != .max else { return 1 }
        let minutes = Int((Double(smallest) / 60).rounded())
        return [30, 20, 15, 12, 10, 6, 5, 4, 3, 2, 1].first { $0 <= minutes } ?? 1
    }
}

/// Minute records of one pollutant in one hour, counted by flag class in minutes.
struct MinuteAggregate {
    var validMinutes = 0
    var lowerBoundMinutes = 0
    var stoppedMinutes = 0
    var invalidMinutes = 0
    var sum = 0.0
    var count = 0
    var cou: Double?
    var letters: [String: Int] = [:]

    init(_ records: [TimedReading], interval: Int) {
        for record in records {
            let letter = FlagPolicy.letter(record.reading.flag)
            letters[letter, default: 0] += interval
            switch FlagPolicy.classify(record.reading.flag) {
            case .valid, .lowerBound:
                guard let value = HourEvaluator.mean(of: record.reading) else {
                    invalidMinutes += interval
                    continue
                }
                if FlagPolicy.classify(record.reading.flag) == .valid { validMinutes += interval } else { lowerBoundMinutes += interval }
                sum += value
                count += 1
                if let amount = record.reading.cou { cou = (cou ?? 0) + amount }
            case .stopped:
                stoppedMinutes += interval
            case .invalid:
                invalidMinutes += interval
            }
        }
    }

    var coveredMinutes: Int { min(60, validMinutes + lowerBoundMinutes) }
    var mean: Double? { count > 0 ? sum / Double(count) : nil }
    /// `N:45 M:15`, N first, then by letter.
    var flagSummary: String { FlagSummary.text(letters) }
}

/// `N:45 M:15`-style summaries of flag counts, written and read in one place.
public enum FlagSummary {
    static func text(_ counts: [String: Int]) -> String {
        counts.keys.sorted { a, b in (a == "N" ? "" : a) < (b == "N" ? "" : b) }
            .map { "\($0):\(counts[$0]!)" }.joined(separator: " ")
    }

    /// The letter an invalid period is counted under: the most frequent letter other than N in
    /// its summary (`N:40 M:20` -> `M`), or the summary itself when it is one letter (`D`).
    public static func invalidLetter(_ text: String) -> String {
        var best = ("", -1)
        for token in text.split(separator: " ") {
            let parts = token.split(separator: ":")
            guard let first = parts.first else { continue }
            let count = parts.count > 1 ? Int(parts[1]) ?? 0 : 1
            if first != "N" && count > best.1 { best = (String(first), count) }
        }
        return best.0.isEmpty ? (text.isEmpty ? "N" : text) : best.0
    }
}
