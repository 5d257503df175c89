import Foundation
import HJ212
import Store

/// What committed frames left to evaluate, collected from the gateway's commit path under a
/// lock (cheap there) and drained by the engine on its own schedule.
final class EngineInbox: @unchecked Sendable {
    struct WarningKey: Hashable {
        var mn: String
        var pollutant: String
        var hour: Int64
        var kind: String
    }

    struct WarningTally {
        var count = 0
        var peak: Double?
        var limit: Double?
        var rules: OutletRules
    }

    struct Work {
        var hours: [String: Set<Int64>] = [:]
        var days: [String: Set<Int64>] = [:]
        private(set) var online: Set<OnlineHour> = []
        var warnings: [WarningKey: WarningTally] = [:]
        /// Online hours first noted since the inbox last looked (for `seen`).
        fileprivate var fresh: [OnlineHour] = []

        /// Notes that a device sent data in an hour.
        mutating func markOnline(_ hour: OnlineHour) {
            if online.insert(hour).inserted { fresh.append(hour) }
        }

        mutating func markOnline(_ hours: Set<OnlineHour>) {
            for hour in hours { markOnline(hour) }
        }

        var isEmpty: Bool { hours.isEmpty && days.isEmpty && online.isEmpty && warnings.isEmpty }
    }

    private let lock = NSLock()
    private var work = Work()
    /// MNs seen per hour, for re-evaluation when the hour closes.
    private var seen: [Int64: Set<String>] = [:]

    func add(_ body: (inout Work) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        body(&work)
        // Only what this call added: the pending set can hold thousands of device-hours.
        for hour in work.fresh { seen[hour.hourUnix, default: []].insert(hour.mn) }
        work.fresh.removeAll(keepingCapacity: true)
    }

    func drain() -> Work {
        lock.lock()
        defer { lock.unlock() }
        let taken = work
        work = Work()
        return taken
    }

    /// Puts back work whose evaluation failed, so the next flush retries it.
    func restore(_ failed: Work) {
        lock.lock()
        defer { lock.unlock() }
        for (mn, hours) in failed.hours { work.hours[mn, default: []].formUnion(hours) }
        for (mn, days) in failed.days { work.days[mn, default: []].formUnion(days) }
        work.markOnline(failed.online)
        for hour in work.fresh { seen[hour.hourUnix, default: []].insert(hour.mn) }
        work.fresh.removeAll(keepingCapacity: true)
        for (key, tally) in failed.warnings {
            if var existing = work.warnings[key] {
                existing.count += tally.count
                existing.peak = [existing.peak, tally.peak].compactMap { $0 }.max()
                work.warnings[key] = existing
            } else {
                work.warnings[key] = tally
            }
        }
    }

    /// Marks every MN seen in a closed hour for re-evaluation of that hour, and forgets older hours.
    func closeHour(_ hour: Int64) {
        lock.lock()
        defer { lock.unlock() }
        for mn in seen[hour] ?? [] { work.hours[mn, default: []].insert(hour) }
        seen = seen.filter { $0.key > hour }
    }
}
