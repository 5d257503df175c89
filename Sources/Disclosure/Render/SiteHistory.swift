import Foundation

/// The publication log arranged for the root pages and the feed: days newest first (one entry
/// per date, the highest revision winning), and every enterprise that ever appeared, named as in
/// the latest day that lists it.
struct SiteHistory {
    struct Enterprise {
        var id: String
        var name: String
        /// The days it appears in, newest first, with its line of that day.
        var days: [(day: PublishedDay, line: PublishedEnterprise)]
    }

    /// Newest first.
    var days: [PublishedDay]
    /// Ordered by name, then id.
    var enterprises: [Enterprise]

    init(_ log: PublicationLog) {
        var byDate: [String: PublishedDay] = [:]
        for day in log.days {
            if let existing = byDate[day.date], Self.isNewer(existing, than: day) { continue }
            byDate[day.date] = day
        }
        days = byDate.values.sorted { $0.date > $1.date }
        var found: [String: Enterprise] = [:]
        for day in days {
            var seenToday = Set<String>()
            for line in day.enterprises where seenToday.insert(line.id).inserted {
                found[line.id, default: Enterprise(id: line.id, name: line.name, days: [])].days.append((day, line))
            }
        }
        enterprises = found.values.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
    }

    /// Whether `a` should be kept over `b` for the same date: higher revision, then later update.
    private static func isNewer(_ a: PublishedDay, than b: PublishedDay) -> Bool {
        if a.revision != b.revision { return a.revision > b.revision }
        return a.updatedAt >= b.updatedAt
    }

    /// Sorts ISO 8601 timestamps by instant when they parse, by text otherwise.
    static func instant(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    /// The latest of some ISO 8601 timestamps, compared as instants.
    static func latest(_ stamps: [String]) -> String? {
        stamps.max { a, b in
            switch (instant(a), instant(b)) {
            case let (x?, y?): x < y
            default: a < b
            }
        }
    }

    /// Exceeding enterprises of a day, with their counts.
    static func exceeding(_ day: PublishedDay) -> [PublishedEnterprise] {
        day.enterprises.filter { $0.exceedances > 0 }
    }
}
