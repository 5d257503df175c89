import HJ212

/// Sums up one device's real-time, minute and hour readings per hour and pollutant into
/// ``RealtimeSummary`` rows, as SQL's `GROUP BY hour, pollutant` did over the v1 rows.
///
/// Per group: the largest Rtd and ZsRtd of real-time readings flagged N or unflagged, the number
/// of T-flagged readings of any of the three kinds and the largest of their values (Rtd, else
/// Avg), and the number of real-time readings. Rows come out by hour, then pollutant (byte order).
struct RealtimeSummaries {
    /// An hour and a pollutant code, equal by the code's bytes (as SQL grouped them).
    private struct Key: Hashable {
        var hour: Int64
        var pollutant: String

        static func == (a: Key, b: Key) -> Bool {
            a.hour == b.hour && ReadingCodec.compareBytes(a.pollutant, b.pollutant) == 0
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(hour)
            for byte in pollutant.utf8 { hasher.combine(byte) }
        }
    }

    /// Hours are counted from here (an hour start).
    let from: Int64
    private var groups: [Key: RealtimeSummary] = [:]

    init(from: Int64) {
        self.from = from
    }

    mutating func add(_ reading: Reading, at time: Int64, realtime: Bool) {
        let hour = from + (time - from) / 3600 * 3600
        let key = Key(hour: hour, pollutant: reading.code)
        var summary = groups[key] ?? RealtimeSummary(
            hourUnix: hour, pollutant: reading.code, maxRtd: nil, maxZsRtd: nil, overRangeCount: 0, overRangePeak: nil, count: 0)
        let flag = reading.flag?.rawValue
        if realtime {
            summary.count += 1
            if flag == nil || flag == "N" {
                summary.maxRtd = Self.larger(summary.maxRtd, reading.rtd)
                summary.maxZsRtd = Self.larger(summary.maxZsRtd, reading.zsRtd)
            }
        }
        if flag == "T" {
            summary.overRangeCount += 1
            summary.overRangePeak = Self.larger(summary.overRangePeak, reading.rtd ?? reading.avg)
        }
        groups[key] = summary
    }

    func result() -> [RealtimeSummary] {
        groups.values.sorted { a, b in
            if a.hourUnix != b.hourUnix { return a.hourUnix < b.hourUnix }
            return ReadingCodec.compareBytes(a.pollutant, b.pollutant) < 0
        }
    }

    /// SQL's MAX: absent values do not count.
    private static func larger(_ current: Double?, _ value: Double?) -> Double? {
        guard let value, !value.isNaN else { return current }
        guard let current else { return value }
        return Swift.max(current, value)
    }
}
