import Foundation
import HJ212

/// Reads and writes device times in the configured zone (Asia/Shanghai by default), never the
/// machine's. This is the edge where HJ 212's zone-less local times become instants.
public struct LocalTimeZone: Sendable, Hashable {
    public let timeZone: TimeZone
    /// From this Unix time on the zone's offset never changes again (`stableOffset`), so times
    /// after it need no lookup in the zone's rules: China's offset has been +08:00 since 1991.
    /// Nil for zones that still change their clocks.
    private let stableSince: Int64?
    private let stableOffset: Int

    public static let beijing = LocalTimeZone(identifier: "Asia/Shanghai")!

    public init?(identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        timeZone = zone
        (stableSince, stableOffset) = Self.lastTransition(of: zone)
    }

    /// The zone's last offset change before 2100 and the offset after it; (nil, 0) when it
    /// changes after 2100 too (daylight saving time every year).
    private static func lastTransition(of zone: TimeZone) -> (Int64?, Int) {
        let horizon = Date(timeIntervalSince1970: 4_102_444_800)  // 2100-01-01
        var last = Date(timeIntervalSince1970: -2_208_988_800)  // 1900-01-01
        while let next = zone.nextDaylightSavingTimeTransition(after: last) {
            if next > horizon { return (nil, 0) }
            last = next
        }
        return (Int64(last.timeIntervalSince1970.rounded(.up)), zone.secondsFromGMT(for: last.addingTimeInterval(1)))
    }

    /// The offset from UTC, in seconds, in force at a local time.
    public func offsetSeconds(at local: LocalDateTime) -> Int {
        // A local time more than a day after the last change is past it whatever the offset.
        if let stableSince, local.secondsSinceEpochIgnoringZone - 86_400 > stableSince { return stableOffset }
        // Guess with the offset at the local time read as UTC, then correct once.
        let naive = Date(timeIntervalSince1970: TimeInterval(local.secondsSinceEpochIgnoringZone))
        let guess = timeZone.secondsFromGMT(for: naive)
        return timeZone.secondsFromGMT(for: naive.addingTimeInterval(TimeInterval(-guess)))
    }

    /// Seconds since 1970-01-01T00:00:00Z for a local time.
    public func unixTime(_ local: LocalDateTime) -> Int64 {
        local.secondsSinceEpochIgnoringZone - Int64(offsetSeconds(at: local))
    }

    /// The local time for a Unix time.
    public func localTime(unix: Int64) -> LocalDateTime {
        if let stableSince, unix > stableSince {
            return LocalDateTime(secondsSinceEpochIgnoringZone: unix + Int64(stableOffset))
        }
        let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(unix)))
        return LocalDateTime(secondsSinceEpochIgnoringZone: unix + Int64(offset))
    }

    /// The start of the local day holding a Unix time in milliseconds, in milliseconds: the
    /// day a device's uploads are counted in.
    public func dayStartMillis(unixMillis: Int64) -> Int64 {
        let seconds = unixMillis >= 0 ? unixMillis / 1000 : -((-unixMillis + 999) / 1000)
        if let stableSince, seconds > stableSince + 86_400 {
            let offset = Int64(stableOffset)
            let local = seconds + offset
            let midnight = local - ((local % 86_400) + 86_400) % 86_400
            return (midnight - offset) * 1000
        }
        let local = localTime(unix: seconds)
        return unixTime(LocalDateTime(year: local.year, month: local.month, day: local.day)) * 1000
    }

    /// ISO 8601 with the offset, e.g. `2026-11-28T08:00:00+08:00`.
    public func iso8601(_ local: LocalDateTime) -> String {
        local.isoLocal + Self.offsetText(offsetSeconds(at: local))
    }

    /// ISO 8601 with the offset for a Unix time.
    public func iso8601(unix: Int64) -> String {
        iso8601(localTime(unix: unix))
    }

    static func offsetText(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let magnitude = abs(seconds)
        let hours = magnitude / 3600, minutes = magnitude % 3600 / 60
        return sign + (hours < 10 ? "0" : "") + String(hours) + ":" + (minutes < 10 ? "0" : "") + String(minutes)
    }
}
