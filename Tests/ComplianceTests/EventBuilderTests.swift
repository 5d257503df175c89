import Foundation
import Store
import Testing
@testable import Compliance

/// Runs of exceeding periods merged into events (rules.md §3.2), on hand-made period records.
@Suite struct EventBuilderTests {
    let series = EventSeries(mn: Fixture.gasMN, pollutant: "a21026", basis: "hour")

    func build(_ periods: [PeriodRecord], series: EventSeries? = nil) -> [EventRecord] {
        EventBuilder.events(series: series ?? self.series, periods: periods, nowMillis: 42, iso: Fixture.iso)
    }

    @Test func consecutiveExceedingHoursMakeOneClosedEvent() throws {
        let events = build([
            Fixture.hourRecord(hour: 13, value: 80, judgement: .comply),
            Fixture.hourRecord(hour: 14, value: 120, judgement: .exceed, cou: 1.5),
            Fixture.hourRecord(hour: 15, value: 150, judgement: .exceed, cou: 2.0),
            Fixture.hourRecord(hour: 16, value: 130, judgement: .exceed, cou: 1.7),
            Fixture.hourRecord(hour: 17, value: 90, judgement: .comply),
        ])
        #expect(events.count == 1)
        let event = try #require(events.first)
        #expect(event.startUnix == Fixture.time(hour: 14))
        #expect(event.endUnix == Fixture.time(hour: 17))
        #expect(event.hours == 3)
        #expect(event.periods == 3)
        // Peak = max(120, 150, 130) = 150; mean = (120 + 150 + 130) / 3 = 400 / 3 = 133.33.
        #expect(event.peak == 150)
        #expect(abs(event.mean - 133.3333) < 0.0001)
        #expect(event.limit == 100)
        // (150 − 100) / 100 = 0.5.
        #expect(event.multiple == 0.5)
        // 1.5 + 2.0 + 1.7 = 5.2 kg.
        #expect(abs(try #require(event.massKg) - 5.2) < 1e-12)
        #expect(event.status == "closed")
        #expect(event.lowerBound == false)
        #expect(event.updatedAtMillis == 42)
        #expect(event.series == series)
        // Evidence lists the three exceeding hours.
        let evidence = try #require(JSONSerialization.jsonObject(with: Data(event.evidence.utf8)) as? [[String: Any]])
        #expect(evidence.count == 3)
        #expect(evidence.first?["start"] as? String == "2026-03-10T14:00:00+08:00")
        #expect(evidence.last?["judged"] as? Double == 130)
    }

    @Test func noCompliantHourAfterwardsLeavesItOpen() throws {
        let events = build([
            Fixture.hourRecord(hour: 14, value: 120, judgement: .exceed),
            Fixture.hourRecord(hour: 15, value: 150, judgement: .exceed),
        ])
        let event = try #require(events.first)
        #expect(events.count == 1)
        #expect(event.status == "open")
        #expect(event.endUnix == Fixture.time(hour: 16))
        #expect(event.hours == 2)
        // No Cou sent: no mass.
        #expect(event.massKg == nil)
    }

    @Test func aMaintenanceHourInsideIsSpannedButNotCounted() throws {
        let events = build([
            Fixture.hourRecord(hour: 14, value: 120, judgement: .exceed),
            Fixture.hourRecord(hour: 15, value: 5000, judgement: .none, status: .invalid),
            Fixture.hourRecord(hour: 16, value: 110, judgement: .exceed),
            Fixture.hourRecord(hour: 17, value: 50, judgement: .comply),
        ])
        #expect(events.count == 1)
        let event = try #require(events.first)
        #expect(event.startUnix == Fixture.time(hour: 14))
        #expect(event.endUnix == Fixture.time(hour: 17))
        // Only 14:00 and 16:00 exceed; the M hour's 5000 is neither peak nor counted.
        #expect(event.hours == 2)
        #expect(event.peak == 120)
        // (120 + 110) / 2 = 115.
        #expect(event.mean == 115)
        #expect(event.status == "closed")
        // The M hour is in the evidence.
        let evidence = try #require(JSONSerialization.jsonObject(with: Data(event.evidence.utf8)) as? [[String: Any]])
        #expect(evidence.map { $0["status"] as? String } == ["valid", "invalid", "valid"])
    }

    @Test func aCompliantHourSplitsEvents() {
        let events = build([
            Fixture.hourRecord(hour: 10, value: 120, judgement: .exceed),
            Fixture.hourRecord(hour: 11, value: 100, judgement: .comply),
            Fixture.hourRecord(hour: 12, value: 140, judgement: .exceed),
        ])
        #expect(events.map(\.startUnix) == [Fixture.time(hour: 10), Fixture.time(hour: 12)])
        #expect(events.map(\.status) == ["closed", "open"])
        #expect(events.map(\.hours) == [1, 1])
    }

    @Test func trailingUnjudgedHoursDoNotExtendTheEvent() throws {
        let events = build([
            Fixture.hourRecord(hour: 14, value: 120, judgement: .exceed),
            Fixture.hourRecord(hour: 15, value: nil, judgement: .none, status: .insufficient),
            // A T hour below the limit proves nothing: it does not close the event.
            Fixture.hourRecord(hour: 16, value: 80, judgement: .none, status: .lowerBound),
        ])
        let event = try #require(events.first)
        #expect(event.endUnix == Fixture.time(hour: 15))
        #expect(event.hours == 1)
        #expect(event.status == "open")
    }

    @Test func aLowerBoundHourMarksTheEvent() throws {
        let events = build([
            Fixture.hourRecord(hour: 14, value: 120, judgement: .exceed),
            Fixture.hourRecord(hour: 15, value: 300, judgement: .exceed, status: .lowerBound),
            Fixture.hourRecord(hour: 16, value: 90, judgement: .comply),
        ])
        let event = try #require(events.first)
        #expect(event.lowerBound)
        #expect(event.peak == 300)
        // (300 − 100) / 100 = 2.0.
        #expect(event.multiple == 2.0)
    }

    @Test func pHEventsPeakFurthestOutsideTheRangeWithoutAMultiple() throws {
        func pH(_ hour: Int, _ value: Double, _ judgement: Verdict) -> PeriodRecord {
            var record = Fixture.hourRecord(hour: hour, value: value, judgement: judgement, limit: nil, pollutant: "w01001", limitBasis: "range", mn: Fixture.waterMN)
            record.lower = 6
            record.upper = 9
            record.multiple = nil
            if judgement == .exceed { record.limit = value > 9 ? 9 : 6 }
            return record
        }
        let series = EventSeries(mn: Fixture.waterMN, pollutant: "w01001", basis: "range")
        // 9.4 is 0.4 above 9; 5.5 is 0.5 below 6: the latter is the peak.
        let events = build([pH(8, 9.4, .exceed), pH(9, 5.5, .exceed), pH(10, 7.0, .comply)], series: series)
        let event = try #require(events.first)
        #expect(event.peak == 5.5)
        #expect(event.limit == 6)
        #expect(event.lower == 6)
        #expect(event.upper == 9)
        #expect(event.multiple == nil)
        #expect(event.hours == 2)
    }

    @Test func dayEventsCountTwentyFourHoursPerDay() throws {
        func day(_ index: Int, _ value: Double, _ judgement: Verdict) -> PeriodRecord {
            var record = Fixture.hourRecord(hour: 0, value: value, judgement: judgement, limit: 60, pollutant: "w01018", limitBasis: "day", mn: Fixture.waterMN)
            record.basis = "day"
            record.startUnix = Fixture.midnight(day: 10 + index)
            return record
        }
        let series = EventSeries(mn: Fixture.waterMN, pollutant: "w01018", basis: "day")
        let events = build([day(0, 70, .exceed), day(1, 66, .exceed), day(2, 50, .comply)], series: series)
        let event = try #require(events.first)
        #expect(event.startUnix == Fixture.midnight(day: 10))
        #expect(event.endUnix == Fixture.midnight(day: 12))
        // 2 days × 24 = 48 hours.
        #expect(event.hours == 48)
        #expect(event.periods == 2)
        // (70 − 60) / 60 = 0.1667.
        #expect(abs(try #require(event.multiple) - 1.0 / 6.0) < 1e-12)
    }
}
