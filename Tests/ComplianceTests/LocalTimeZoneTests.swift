import Foundation
import HJ212
import LocalTime
import Testing

/// The zone's shortcut for times after its last clock change must agree with its rules.
@Suite("Local time zone")
struct LocalTimeZoneTests {
    /// The offset straight from Foundation's rules, the way the zone computes it without a shortcut.
    private func ruleOffset(_ zone: TimeZone, _ local: LocalDateTime) -> Int {
        let naive = Date(timeIntervalSince1970: TimeInterval(local.secondsSinceEpochIgnoringZone))
        let guess = zone.secondsFromGMT(for: naive)
        return zone.secondsFromGMT(for: naive.addingTimeInterval(TimeInterval(-guess)))
    }

    @Test("offsets and conversions match the zone's rules, across and after clock changes", arguments: [
        "Asia/Shanghai", "Asia/Urumqi", "Europe/Berlin", "America/New_York", "UTC", "Asia/Kolkata",
    ])
    func matchesRules(identifier: String) throws {
        let zone = try #require(LocalTimeZone(identifier: identifier))
        // Every 7 hours 13 minutes from 1985 to 2040: hits both sides of China's 1986–1991 summer
        // time and of every European and American change.
        var unix: Int64 = 473_385_600
        while unix < 2_208_988_800 {
            let local = LocalDateTime(secondsSinceEpochIgnoringZone: unix)
            #expect(zone.offsetSeconds(at: local) == ruleOffset(zone.timeZone, local), "\(identifier) at \(local.hj212)")
            let offset = zone.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(unix)))
            #expect(zone.localTime(unix: unix).secondsSinceEpochIgnoringZone == unix + Int64(offset))
            unix += 7 * 3600 + 13 * 60
        }
    }

    @Test("Beijing time today is UTC+8 both ways")
    func beijing() throws {
        let local = try #require(LocalDateTime(hj212: "20261129120000"))
        #expect(LocalTimeZone.beijing.unixTime(local) == 1_795_924_800)
        #expect(LocalTimeZone.beijing.localTime(unix: 1_795_924_800) == local)
        #expect(LocalTimeZone.beijing.iso8601(local) == "2026-11-29T12:00:00+08:00")
    }
}

@Suite("LocalTimeZone: the local day of an instant")
struct LocalDayStartTests {
    @Test("Beijing: midnight at 16:00 UTC the day before, any instant of the day maps to it")
    func beijing() {
        let zone = LocalTimeZone.beijing
        let midnight: Int64 = 1_795_881_600_000  // 2026-11-29 00:00 in Beijing
        #expect(zone.dayStartMillis(unixMillis: midnight) == midnight)
        #expect(zone.dayStartMillis(unixMillis: midnight + 86_399_999) == midnight)
        #expect(zone.dayStartMillis(unixMillis: midnight - 1) == midnight - 86_400_000)
        // Before China's offset became stable (1991) the zone's rules are asked instead.
        let old: Int64 = 631_152_000_000 - 8 * 3_600_000  // 1990-01-01 00:00 in Beijing
        #expect(zone.dayStartMillis(unixMillis: old + 3_600_000) == old)
    }

    @Test("a zone with daylight saving time: the day of the change is 23 hours long")
    func daylightSaving() throws {
        let zone = try #require(LocalTimeZone(identifier: "Europe/Berlin"))
        // 2026-03-29: clocks go from 02:00 CET to 03:00 CEST.
        let dayStart: Int64 = 1_774_738_800_000  // 2026-03-29 00:00 CET = 2026-03-28 23:00 UTC
        #expect(zone.dayStartMillis(unixMillis: dayStart + 5 * 3_600_000) == dayStart)
        #expect(zone.dayStartMillis(unixMillis: dayStart + 23 * 3_600_000) == dayStart + 23 * 3_600_000)
    }
}
