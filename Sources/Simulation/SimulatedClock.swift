import Foundation
import HJ212

/// Simulated time: a local start time and a speed. Wall-clock seconds since the run began map to
/// simulated local time, so a day of device data can be produced in minutes (`speed` 3600 makes
/// a wall second a simulated hour).
///
/// Simulated instants are counted as seconds on the zone-less local calendar
/// (`LocalDateTime.secondsSinceEpochIgnoringZone`), so days and hours are plain multiples of
/// 86 400 and 3 600. There is no hidden clock: the caller passes the start and the wall time.
public struct SimulatedClock: Sendable, Hashable {
    /// Simulated local time at wall second 0.
    public var start: LocalDateTime
    /// Simulated seconds per wall second.
    public var speed: Double

    public init(start: LocalDateTime, speed: Double = 1) {
        self.start = start
        self.speed = max(speed, 1e-6)
    }

    /// `start` as simulated seconds.
    public var startSeconds: Int64 { start.secondsSinceEpochIgnoringZone }

    /// Simulated seconds (fractional) at `wall` seconds after the run began.
    public func simulatedSeconds(atWall wall: Double) -> Double {
        Double(startSeconds) + wall * speed
    }

    /// The wall second at which simulated second `seconds` arrives.
    public func wall(atSimulated seconds: Int64) -> Double {
        Double(seconds - startSeconds) / speed
    }

    /// Midnight at the start of the day before the day holding `now` in `timeZone` —
    /// the default start: the simulated fleet reports "yesterday".
    public static func yesterdayMidnight(now: Date, timeZone: TimeZone) -> LocalDateTime {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        let today = LocalDateTime(year: parts.year ?? 2026, month: parts.month ?? 1, day: parts.day ?? 1)
        return today.adding(seconds: -86_400)
    }
}

extension LocalDateTime {
    /// Seconds on the zone-less local calendar (simulation time).
    var simSeconds: Int64 { secondsSinceEpochIgnoringZone }

    /// Midnight of the same day.
    var startOfDay: LocalDateTime { LocalDateTime(year: year, month: month, day: day) }
}
