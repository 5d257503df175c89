import Store

/// Periods judged in one evaluation and not saved yet.
///
/// An evaluation judges many devices' hours and days and saves them together, a few thousand
/// to a transaction (``ComplianceEngine/save(_:)``), instead of once per device and period
/// kind. A day is judged from its hours before they are saved, so it reads the stored hours
/// with the freshly judged ones in their place (``overlay(_:with:from:until:)``).
struct PendingPeriods {
    private(set) var records: [PeriodRecord] = []
    /// Each device's judged hours among `records`.
    private var hoursByMN: [String: [PeriodRecord]] = [:]

    mutating func add(_ periods: [EvaluatedPeriod], mn: String, rules: OutletRules, at evaluatedAtMillis: Int64) {
        for period in periods {
            let record = period.record(mn: mn, rules: rules, evaluatedAtMillis: evaluatedAtMillis)
            records.append(record)
            if period.basis == .hour { hoursByMN[mn, default: []].append(record) }
        }
    }

    /// The device's hours judged so far in this evaluation.
    func hours(of mn: String) -> [PeriodRecord] { hoursByMN[mn] ?? [] }

    /// The stored hour periods of `from..<until` with the judged ones in place of those they
    /// replace (same pollutant and hour), in the store's order: by pollutant, then by hour.
    /// This is what the store holds once the judged ones are saved.
    static func overlay(_ stored: [PeriodRecord], with judged: [PeriodRecord], from: Int64, until: Int64) -> [PeriodRecord] {
        let fresh = judged.filter { $0.startUnix >= from && $0.startUnix < until }
        guard !fresh.isEmpty else { return stored }
        struct Key: Hashable {
            var pollutant: String
            var start: Int64
        }
        var byKey: [Key: PeriodRecord] = [:]
        byKey.reserveCapacity(stored.count + fresh.count)
        for period in stored { byKey[Key(pollutant: period.pollutant, start: period.startUnix)] = period }
        // Judged in the order they were judged: a later judgement of the same hour wins.
        for period in fresh { byKey[Key(pollutant: period.pollutant, start: period.startUnix)] = period }
        return byKey.values.sorted { a, b in
            if a.pollutant != b.pollutant { return a.pollutant.utf8.lexicographicallyPrecedes(b.pollutant.utf8) }
            return a.startUnix < b.startUnix
        }
    }
}
