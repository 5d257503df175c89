import Foundation
import HJ212
import LocalTime

/// Local hour and day boundaries as Unix times, in the configured zone (device times are local).
public struct PeriodClock: Sendable {
    public let zone: LocalTimeZone

    public init(zone: LocalTimeZone) {
        self.zone = zone
    }

    /// The start of the local hour holding `unix`.
    public func hourStart(_ unix: Int64) -> Int64 { align(unix, 3600) }

    /// Local midnight of the day holding `unix`.
    public func dayStart(_ unix: Int64) -> Int64 { align(unix, 86_400) }

    /// Local midnight of the next day.
    public func nextDay(_ dayStart: Int64) -> Int64 { self.dayStart(dayStart + 86_400 + 7200) }

    /// The hour starts of a local day (24, or 23/25 on DST days).
    public func hours(ofDay dayStart: Int64) -> [Int64] {
        Array(stride(from: dayStart, to: nextDay(dayStart), by: 3600))
    }

    /// Local midnight of a local date.
    public func dayStart(year: Int, month: Int, day: Int) -> Int64 {
        zone.unixTime(LocalDateTime(year: year, month: month, day: day))
    }

    /// `YYYY-MM-DD` of the local day holding `unix`.
    public func dateText(_ unix: Int64) -> String {
        let local = zone.localTime(unix: unix)
        return String(format: "%04d-%02d-%02d", local.year, local.month, local.day)
    }

    func align(_ unix: Int64, _ length: Int64) -> Int64 {
        let local = zone.localTime(unix: unix).secondsSinceEpochIgnoringZone
        let aligned = local - ((local % length) + length) % length
        return zone.unixTime(LocalDateTime(secondsSinceEpochIgnoringZone: aligned))
    }
}
