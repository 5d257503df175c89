import HJ212
import Store

/// Builds and judges one device's day per pollutant.
///
/// - The logger's own day value (2031) is used when it sent one.
/// - Otherwise the day is derived from the day's judged hours: gas needs at least 20 valid hours
///   (HJ 76 App. B), water at least 75 % of the expected hours (HJ 356; hours with the source
///   stopped are not expected). Gas means are arithmetic over the hours' judged (converted)
///   values; water concentrations are flow-weighted with the hourly volumes of w00000 when every
///   counted hour has one (HJ 212 App. D formulas 12–14), arithmetic otherwise; pH and water
///   temperature are never flow-weighted.
/// - The day is judged against the pollutant's daily limit (water, GB 18485 24-h limits).
public struct DayEvaluator: Sendable {
    public let rules: OutletRules
    public let tables: CodeTables
    public static let requiredGasHours = 20
    public static let requiredWaterShare = 0.75
    static let flowCodes: Set<String> = ["w00000", "a00000"]
    static let notFlowWeighted: Set<String> = ["w01001", "w01010", "w00000"]

    public init(rules: OutletRules, tables: CodeTables = .shipped) {
        self.rules = rules
        self.tables = tables
    }

    /// - Parameters:
    ///   - start: Local midnight (Unix seconds); `hoursInDay` is 24 except on DST change days.
    ///   - deviceDay: The logger's day values, by pollutant.
    ///   - hours: The day's stored hour periods of this device (any pollutant).
    public func evaluate(start: Int64, hoursInDay: Int = 24, deviceDay: [String: Reading], hours: [PeriodRecord]) -> [EvaluatedPeriod] {
        var byCode: [String: [PeriodRecord]] = [:]
        for hour in hours { byCode[hour.pollutant, default: []].append(hour) }
        var volumes: [Int64: Double] = [:]
        for code in Self.flowCodes {
            for hour in byCode[code] ?? [] where hour.status == PeriodStatus.valid.rawValue {
                if let cou = hour.cou, cou > 0 { volumes[hour.startUnix] = cou }
            }
        }
        var results: [EvaluatedPeriod] = []
        for code in Set(deviceDay.keys).union(byCode.keys).sorted() {
            var period: EvaluatedPeriod
            if let reading = deviceDay[code] {
                period = fromDevice(code: code, start: start, reading: reading, deviceDay: deviceDay)
            } else {
                period = derived(code: code, start: start, hoursInDay: hoursInDay, hours: byCode[code] ?? [], volumes: volumes)
            }
            Judge.apply(rules.limits(for: code, on: .day).first, to: &period)
            results.append(period)
        }
        return results
    }

    func fromDevice(code: String, start: Int64, reading: Reading, deviceDay: [String: Reading]) -> EvaluatedPeriod {
        let evaluator = HourEvaluator(rules: rules, tables: tables)
        var period = evaluator.fromDevice(code: code, start: start, reading: reading)
        period.basis = .day
        let oxygen = deviceDay[HourEvaluator.oxygenCode].flatMap { FlagPolicy.classify($0.flag) == .valid ? HourEvaluator.mean(of: $0) : nil }
        evaluator.convert(&period, oxygen: oxygen, deviceZs: reading.zsAvg ?? reading.zsRtd)
        return period
    }

    func derived(code: String, start: Int64, hoursInDay: Int, hours: [PeriodRecord], volumes: [Int64: Double]) -> EvaluatedPeriod {
        var letters: [String: Int] = [:]
        var counted: [PeriodRecord] = []
        var stopped = 0
        var lowerBound = false
        for hour in hours {
            let status = PeriodStatus(rawValue: hour.status) ?? .invalid
            switch status {
            case .valid, .lowerBound:
                guard hour.judged != nil else { continue }
                counted.append(hour)
                lowerBound = lowerBound || status == .lowerBound
                letters[status == .valid ? "N" : "T", default: 0] += 1
            case .stopped:
                stopped += 1
                letters["F", default: 0] += 1
            case .insufficient:
                letters["H", default: 0] += 1
            case .notConvertible:
                letters["O2", default: 0] += 1
            case .invalid:
                letters[FlagSummary.invalidLetter(hour.flags), default: 0] += 1
            }
        }
        let missing = hoursInDay - hours.count
        if missing > 0 { letters["缺失"] = missing }
        let expected = hoursInDay - stopped
        let required: Int
        if rules.medium == .gas {
            required = Self.requiredGasHours
        } else {
            required = Int((Double(expected) * Self.requiredWaterShare).rounded(.up))
        }
        let flags = FlagSummary.text(letters)
        guard expected > 0 else {
            return EvaluatedPeriod(
                pollutant: code, basis: .day, start: start, source: .derived, status: .stopped, value: nil, judged: nil,
                oxygen: nil, cou: nil, coverage: 0, flags: flags, note: "source stopped (F) all day")
        }
        guard counted.count >= max(1, required) else {
            return EvaluatedPeriod(
                pollutant: code, basis: .day, start: start, source: .derived, status: .insufficient, value: nil,
                judged: nil, oxygen: nil, cou: nil, coverage: counted.count, flags: flags,
                note: "only \(counted.count) valid hours (\(required) needed)")
        }
        let measured = counted.compactMap(\.value)
        let value = measured.isEmpty ? nil : measured.reduce(0, +) / Double(measured.count)
        var judged = counted.map { $0.judged! }.reduce(0, +) / Double(counted.count)
        var note: String?
        if rules.medium == .water, !Self.notFlowWeighted.contains(code), !counted.isEmpty,
           counted.allSatisfy({ volumes[$0.startUnix] != nil }) {
            let totalVolume = counted.reduce(0) { $0 + volumes[$1.startUnix]! }
            judged = counted.reduce(0) { $0 + $1.judged! * volumes[$1.startUnix]! } / totalVolume
            note = "flow-weighted over \(counted.count) hours"
        }
        let amounts = counted.compactMap(\.cou)
        let oxygens = counted.compactMap(\.oxygen)
        return EvaluatedPeriod(
            pollutant: code, basis: .day, start: start, source: .derived, status: lowerBound ? .lowerBound : .valid,
            value: rules.medium == .water && note != nil ? judged : value, judged: judged,
            oxygen: oxygens.isEmpty ? nil : oxygens.reduce(0, +) / Double(oxygens.count),
            cou: amounts.isEmpty ? nil : amounts.reduce(0, +), coverage: counted.count, flags: flags, note: note)
    }
}
