import Compliance
import Foundation
import GatewayConfig
import HJ212
import LocalTime
import Store

/// Builds one local day's `DailySummary` from the stored compliance results (judged hours and
/// days, online hours): the numbers the public channel shows, per enterprise, outlet and pollutant.
///
/// - Valid hours, min and max: over the hours judged valid (lower-bound T hours count for the
///   extremes, shown with ≥, not as valid hours).
/// - Mean: the valid daily mean — the logger's day value or the mean derived from the hours (gas
///   arithmetic over converted hourly means, water flow-weighted); nil when the day has too few
///   valid hours.
/// - Exceedances: exceeding periods on the limit's basis; a daily exceedance counts 24 hours.
/// - Emission: the sum of Cou over the valid hours (kg); volume for the flow codes (m³).
/// - Rates (rules.md §6): transmission = hourly records received ÷ expected; valid transmission
///   = valid hourly records ÷ expected; expected = hours of the day minus stopped (F) hours.
/// - Complete: the day has ended and every expected hour of every pollutant has a record.
public struct DailySummaryBuilder: Sendable {
    let store: any ComplianceRecordStore
    let registry: ComplianceRegistry
    let clock: PeriodClock
    let tables: CodeTables

    public init(store: any ComplianceRecordStore, registry: ComplianceRegistry, clock: PeriodClock, tables: CodeTables = .shipped) {
        self.store = store
        self.registry = registry
        self.clock = clock
        self.tables = tables
    }

    /// The summary of the local day starting at `dayStart` (local midnight, Unix seconds).
    public func build(dayStart: Int64, now: Date = Date()) async throws -> DailySummary {
        let next = clock.nextDay(dayStart)
        let hourStarts = clock.hours(ofDay: dayStart)
        let perDay = hourStarts.count
        // A province day is 1.7 million judged hours: its two halves are read and grouped at once,
        // on two of the pool's readers, then joined in time order.
        let middle = hourStarts.count > 1 ? hourStarts[hourStarts.count / 2] : next
        async let early = groupedHours(from: dayStart, until: middle, capacity: perDay)
        async let late = groupedHours(from: middle, until: next, capacity: perDay)
        let dayPeriods = try await store.periodDigests(basis: PeriodBasis.day.rawValue, from: dayStart, until: dayStart + 1)
        let online = try await store.onlineHours(from: dayStart, until: next)
        var series = try await early
        for (key, periods) in try await late {
            series[key, default: Self.day(capacity: perDay)].append(contentsOf: periods)
        }
        var hoursByMN: [String: [String: [PeriodDigest]]] = Dictionary(minimumCapacity: registry.byMN.count)
        for (key, periods) in series { hoursByMN[key.mn, default: [:]][key.pollutant] = periods }
        var daysByMN: [String: [String: PeriodDigest]] = [:]
        for period in dayPeriods { daysByMN[period.mn, default: [:]][period.pollutant] = period }

        let nowUnix = Int64(now.timeIntervalSince1970)
        let ended = nowUnix >= next
        var reasons: [String] = []
        if !ended { reasons.append("当日尚未结束，数据仍在接收中") }
        var enterprises: [EnterpriseDay] = []
        var enterpriseOrder: [String] = []
        var outletsByEnterprise: [String: (name: String, outlets: [OutletDay])] = [:]
        let outlets = await outletDays(hourStarts: hourStarts, hours: hoursByMN, days: daysByMN, online: online, ended: ended)
        for (rules, outlet) in zip(registry.outlets, outlets) {
            if !outlet.complete {
                reasons.append("\(rules.enterpriseName) \(rules.outletName)：" + (outlet.pollutants.isEmpty ? "当日无数据" : "部分小时数据缺失"))
            }
            if outletsByEnterprise[rules.enterpriseID] == nil {
                enterpriseOrder.append(rules.enterpriseID)
                outletsByEnterprise[rules.enterpriseID] = (rules.enterpriseName, [])
            }
            outletsByEnterprise[rules.enterpriseID]!.outlets.append(outlet)
        }
        for id in enterpriseOrder {
            let entry = outletsByEnterprise[id]!
            enterprises.append(EnterpriseDay(id: id, name: entry.name, outlets: entry.outlets))
        }
        let complete = ended && enterprises.allSatisfy { $0.outlets.allSatisfy(\.complete) }
        return DailySummary(
            date: clock.dateText(dayStart), generatedAt: clock.zone.iso8601(unix: nowUnix), complete: complete,
            incompleteReasons: complete ? [] : reasons, enterprises: enterprises)
    }

    /// The hourly periods of `from..<until`, grouped by device and pollutant in time order, with
    /// room for `capacity` hours per series.
    func groupedHours(from: Int64, until: Int64, capacity: Int) async throws -> [SeriesKey: [PeriodDigest]] {
        let periods = try await store.periodDigests(basis: PeriodBasis.hour.rawValue, from: from, until: until)
        // A flat dictionary: appending through two nested ones copied the inner one each time.
        var series: [SeriesKey: [PeriodDigest]] = Dictionary(minimumCapacity: registry.byMN.count * 8)
        for period in periods {
            series[SeriesKey(mn: period.mn, pollutant: period.pollutant), default: Self.day(capacity: capacity)].append(period)
        }
        return series
    }

    /// Every registered outlet's day, in the registry's order, computed in a few parallel slices.
    func outletDays(
        hourStarts: [Int64], hours: [String: [String: [PeriodDigest]]], days: [String: [String: PeriodDigest]],
        online: [String: Int], ended: Bool
    ) async -> [OutletDay] {
        let outlets = registry.outlets
        let slices = max(1, min(4, outlets.count / 256))
        let size = (outlets.count + slices - 1) / max(slices, 1)
        return await withTaskGroup(of: (Int, [OutletDay]).self) { group in
            for slice in 0..<slices {
                let range = (slice * size)..<min(outlets.count, (slice + 1) * size)
                group.addTask {
                    (slice, outlets[range].map { outletDay($0, hourStarts: hourStarts, hours: hours, days: days, online: online, ended: ended) })
                }
            }
            var parts = [[OutletDay]](repeating: [], count: slices)
            for await (slice, part) in group { parts[slice] = part }
            return parts.flatMap { $0 }
        }
    }

    func outletDay(
        _ rules: OutletRules, hourStarts: [Int64], hours: [String: [String: [PeriodDigest]]],
        days: [String: [String: PeriodDigest]], online: [String: Int], ended: Bool
    ) -> OutletDay {
        // One device per pollutant: the outlet's first device that reported it (most outlets have one logger).
        var byCode: [String: (hours: [PeriodDigest], day: PeriodDigest?)] = [:]
        for mn in rules.mns {
            for (code, periods) in hours[mn] ?? [:] where byCode[code] == nil {
                byCode[code] = (periods, days[mn]?[code])
            }
            for (code, period) in days[mn] ?? [:] where byCode[code] == nil {
                byCode[code] = ([], period)
            }
        }
        let limited = Set(rules.limits.map(\.pollutant))
        let codes = byCode.keys.sorted { a, b in
            let (la, lb) = (limited.contains(a), limited.contains(b))
            return la != lb ? la : a < b
        }
        let pollutants = codes.map { code in
            pollutantDay(code, rules: rules, hours: byCode[code]!.hours, day: byCode[code]!.day, hourStarts: hourStarts)
        }
        let onlineHours = rules.mns.map { online[$0] ?? 0 }.max() ?? 0
        let judgedCodes = pollutants.filter { limited.contains($0.code) }
        let checked = judgedCodes.isEmpty ? pollutants : judgedCodes
        let complete = ended && !checked.isEmpty && checked.allSatisfy { $0.receivedHours >= $0.expectedHours }
        return OutletDay(
            id: rules.outletID, name: rules.outletName, medium: rules.medium == .gas ? .gas : .water,
            standard: rules.profile?.displayName, referenceO2: rules.medium == .gas ? rules.referenceO2 : nil,
            onlineHours: min(onlineHours, hourStarts.count), complete: complete, pollutants: pollutants)
    }

    func pollutantDay(_ code: String, rules: OutletRules, hours: [PeriodDigest], day: PeriodDigest?, hourStarts: [Int64]) -> PollutantDay {
        // Both in time order (the store reads a day's periods by start): matched in one walk.
        let inOrder = zip(hours, hours.dropFirst()).allSatisfy { $0.startUnix < $1.startUnix }
        let sorted = inOrder ? hours : hours.sorted { $0.startUnix < $1.startUnix }
        var next = 0
        var points: [HourPoint] = []
        var flagCounts: [String: Int] = [:]
        var valid: [PeriodDigest] = []
        var usable: [PeriodDigest] = []
        var stopped = 0
        var exceedHours = 0
        var exceedPeriods = 0
        var multiples: [Double] = []
        var lowerBound = false
        for (index, start) in hourStarts.enumerated() {
            while next < sorted.count && sorted[next].startUnix < start { next += 1 }
            guard next < sorted.count, sorted[next].startUnix == start else {
                flagCounts["缺失", default: 0] += 1
                points.append(HourPoint(hour: index, value: nil, exceeds: false, status: "缺失"))
                continue
            }
            let period = sorted[next]
            let status = PeriodStatus(rawValue: period.status) ?? .invalid
            let letter = Self.letter(period, status: status)
            flagCounts[letter, default: 0] += 1
            if status == .stopped { stopped += 1 }
            if status == .valid { valid.append(period) }
            if status == .valid || status == .lowerBound, period.judged != nil {
                usable.append(period)
                if status == .lowerBound { lowerBound = true }
            }
            let exceeds = period.judgement == Verdict.exceed.rawValue
            if exceeds {
                exceedHours += 1
                exceedPeriods += 1
                if let multiple = period.multiple { multiples.append(multiple) }
            }
            let shown = status == .valid || status == .lowerBound ? period.judged : nil
            points.append(HourPoint(hour: index, value: shown, exceeds: exceeds, status: letter))
        }
        if let day, day.judgement == Verdict.exceed.rawValue {
            exceedHours += 24
            exceedPeriods += 1
            if let multiple = day.multiple { multiples.append(multiple) }
        }
        let expected = hourStarts.count - stopped
        let received = hours.count - stopped
        let values = usable.compactMap(\.judged)
        let dayUsable = day.map { ["valid", "lower_bound"].contains($0.status) } ?? false
        let limit = limitInfo(code, rules: rules)
        let isFlow = code == "a00000" || code == "w00000"
        let amounts = usable.compactMap(\.cou)
        let total: Double? = amounts.isEmpty ? (dayUsable ? day?.cou : nil) : amounts.reduce(0, +)
        let pollutant = tables.pollutants[code]
        let hasMass = !isFlow && (pollutant?.couUnit.isEmpty == false)
        return PollutantDay(
            code: code, name: pollutant?.nameZh ?? code, unit: ExceedanceReport.unit(pollutant?.unit, code: code),
            validHours: valid.count, expectedHours: max(expected, 0), receivedHours: max(received, 0),
            mean: dayUsable ? day?.judged : nil, converted: rules.converts(code),
            min: values.min(), max: values.max(), lowerBound: lowerBound || day?.status == "lower_bound",
            limit: limit, exceedPeriods: exceedPeriods, exceedHours: exceedHours, maxMultiple: multiples.max(),
            emissionKg: hasMass ? total : nil, volumeM3: isFlow ? total : nil, flagCounts: flagCounts,
            transmissionRate: expected > 0 ? min(1, Double(max(received, 0)) / Double(expected)) : nil,
            validTransmissionRate: expected > 0 ? min(1, Double(valid.count) / Double(expected)) : nil,
            hours: points)
    }

    /// The limit shown beside a pollutant: the hourly (or range) one for gas and pH, the daily
    /// one for water; the first that exists.
    func limitInfo(_ code: String, rules: OutletRules) -> LimitInfo? {
        let candidates = rules.limits.filter { $0.pollutant == code }
        let preferred: [JudgementBasis] = rules.medium == .gas ? [.hour, .range, .day] : [.day, .range, .hour]
        guard let limit = preferred.lazy.compactMap({ basis in candidates.first { $0.basis == basis } }).first else { return nil }
        var source = limit.source.displayName
        if rules.converts(code), let o2 = rules.referenceO2 {
            source += "，基准氧含量 \(Self.number(o2))%"
        }
        let basis: LimitBasis = switch limit.basis {
        case .hour: .hour
        case .day: .day
        case .range: .range
        }
        return LimitInfo(value: limit.maximum, lower: limit.lower, upper: limit.upper, basis: basis, source: source)
    }

    /// The letter an hour is counted under: its flag (device value) or the dominant flag of its
    /// minutes, `H` when it had too few valid minutes, `O2` when it could not be converted.
    static func letter(_ period: PeriodDigest, status: PeriodStatus) -> String {
        switch status {
        case .insufficient: return "H"
        case .notConvertible: return "O2"
        case .valid: return "N"
        case .lowerBound: return "T"
        case .stopped: return "F"
        case .invalid: return FlagSummary.invalidLetter(period.flags)
        }
    }

    /// One device's pollutant.
    struct SeriesKey: Hashable {
        var mn: String
        var pollutant: String
    }

    static func day(capacity: Int) -> [PeriodDigest] {
        var periods: [PeriodDigest] = []
        periods.reserveCapacity(capacity)
        return periods
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
