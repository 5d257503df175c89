import HJ212
import LocalTime
import Testing
@testable import Compliance

/// Local hour and day boundaries in the configured zone.
@Suite struct PeriodClockTests {
    @Test func beijingHoursAndDays() {
        let clock = PeriodClock(zone: .beijing)
        let at = Fixture.time(hour: 14, minute: 37) + 12
        #expect(clock.hourStart(at) == Fixture.time(hour: 14))
        #expect(clock.dayStart(at) == Fixture.midnight())
        // Beijing midnight is 16:00 UTC the day before.
        #expect(Fixture.midnight() % 86_400 == 16 * 3600)
        #expect(clock.nextDay(Fixture.midnight()) == Fixture.midnight(day: 11))
        #expect(clock.hours(ofDay: Fixture.midnight()).count == 24)
        #expect(clock.hours(ofDay: Fixture.midnight()).last == Fixture.time(hour: 23))
        #expect(clock.dayStart(year: 2026, month: 3, day: 10) == Fixture.midnight())
        #expect(clock.dateText(at) == "2026-03-10")
    }

    @Test func aDaylightSavingDayHasTwentyThreeHours() throws {
        // Europe/Berlin springs forward on 2026-03-29 (02:00 -> 03:00).
        let zone = try #require(LocalTimeZone(identifier: "Europe/Berlin"))
        let clock = PeriodClock(zone: zone)
        let day = clock.dayStart(year: 2026, month: 3, day: 29)
        #expect(clock.hours(ofDay: day).count == 23)
        #expect(clock.nextDay(day) - day == 23 * 3600)
        #expect(clock.dateText(clock.nextDay(day)) == "2026-03-30")
    }
}
