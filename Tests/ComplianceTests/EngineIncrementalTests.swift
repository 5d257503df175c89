import HJ212
import Store
import Testing
@testable import Compliance

/// The engine on a real SQLite store: live hours, late and back-filled data re-judged, events
/// rebuilt around them (rules.md §3.2).
@Suite struct EngineIncrementalTests {
    /// A device hour (2061) of SO2 with O2 at 9 % (the coal-boiler reference, so judged = measured).
    static func hourFrame(_ hour: Int, so2: Double, cou: Double? = nil, flag: DataFlag = .normal, backfill: Backfill = .live) -> IngestFrame {
        Fixture.frame(kind: .hour, at: Fixture.time(hour: hour), backfill: backfill, readings: [
            Fixture.reading("a21026", avg: so2, cou: cou, flag: flag), Fixture.reading("a19001", avg: 9),
        ])
    }

    /// Minute frames (2051), one per minute, of SO2 at `so2` with O2 at 9 %.
    static func minuteFrames(_ hour: Int, minutes: Range<Int>, so2: Double, backfill: Backfill = .live) -> [IngestFrame] {
        minutes.map { minute in
            Fixture.frame(kind: .minute, at: Fixture.time(hour: hour, minute: minute), backfill: backfill, readings: [
                Fixture.reading("a21026", avg: so2), Fixture.reading("a19001", avg: 9),
            ])
        }
    }

    @Test func aBackFilledHourTurnsCompliantIntoExceedingAndMergesTwoEvents() async throws {
        let harness = try await EngineHarness(outlets: [Fixture.gasOutlet()])
        // 10:00 300 comply · 11:00 500 · 12:00 450 · 13:00 from 45 minutes at 350 (comply) · 14:00 600 · 15:00 420.
        try await harness.ingest([
            Self.hourFrame(10, so2: 300, cou: 3), Self.hourFrame(11, so2: 500, cou: 5), Self.hourFrame(12, so2: 450, cou: 4.5),
        ] + Self.minuteFrames(13, minutes: 0..<45, so2: 350) + [
            Self.hourFrame(14, so2: 600, cou: 6), Self.hourFrame(15, so2: 420, cou: 4.2),
        ])
        let before = try await harness.events()
        #expect(before.count == 2)
        if before.count == 2 {
            let (a, b) = (before[0], before[1])
            #expect(a.startUnix == Fixture.time(hour: 11))
            #expect(a.endUnix == Fixture.time(hour: 13))
            #expect(a.hours == 2)
            // Peak 500; mean (500 + 450) / 2 = 475; multiple (500 − 400) / 400 = 0.25; mass 5 + 4.5 = 9.5 kg.
            #expect(a.peak == 500)
            #expect(a.mean == 475)
            #expect(a.multiple == 0.25)
            #expect(a.massKg == 9.5)
            #expect(a.status == "closed")
            #expect(a.limit == 400)
            #expect(a.enterpriseID == "91330100TEST00001X")
            #expect(a.outletID == "DA001")
            #expect(b.startUnix == Fixture.time(hour: 14))
            #expect(b.endUnix == Fixture.time(hour: 16))
            // Peak 600; mean (600 + 420) / 2 = 510; multiple (600 − 400) / 400 = 0.5.
            #expect(b.peak == 600)
            #expect(b.mean == 510)
            #expect(b.multiple == 0.5)
            #expect(b.status == "open")
        }
        let thirteen = try await harness.store.periods(PeriodQuery(mn: Fixture.gasMN, pollutant: "a21026", basis: "hour", from: Fixture.time(hour: 13), until: Fixture.time(hour: 14)))
        #expect(thirteen.first?.judgement == "comply")
        #expect(thirteen.first?.coverage == 45)
        #expect(thirteen.first?.judged == 350)

        // The logger back-fills 13:45–13:59 (RF=1) at 600:
        // mean (45 × 350 + 15 × 600) / 60 = (15 750 + 9000) / 60 = 24 750 / 60 = 412.5 > 400.
        try await harness.ingest(Self.minuteFrames(13, minutes: 45..<60, so2: 600, backfill: .rf))
        let rejudged = try await harness.store.periods(PeriodQuery(mn: Fixture.gasMN, pollutant: "a21026", basis: "hour", from: Fixture.time(hour: 13), until: Fixture.time(hour: 14)))
        #expect(rejudged.first?.judged == 412.5)
        #expect(rejudged.first?.coverage == 60)
        #expect(rejudged.first?.judgement == "exceed")
        // (412.5 − 400) / 400 = 0.03125.
        #expect(rejudged.first?.multiple == 0.03125)

        let after = try await harness.events()
        #expect(after.count == 1)
        let merged = try #require(after.first)
        #expect(merged.startUnix == Fixture.time(hour: 11))
        #expect(merged.endUnix == Fixture.time(hour: 16))
        #expect(merged.hours == 5)
        #expect(merged.periods == 5)
        // Peak max(500, 450, 412.5, 600, 420) = 600; mean 2382.5 / 5 = 476.5; multiple (600 − 400) / 400 = 0.5.
        #expect(merged.peak == 600)
        #expect(merged.mean == 476.5)
        #expect(merged.multiple == 0.5)
        // Mass from the hours that sent Cou: 5 + 4.5 + 6 + 4.2 = 19.7 kg (13:00's minutes sent none).
        #expect(abs(try #require(merged.massKg) - 19.7) < 1e-9)
        #expect(merged.status == "open")

        // A compliant 16:00 closes it without changing its span.
        try await harness.ingest([Self.hourFrame(16, so2: 100)])
        let closed = try await harness.events()
        #expect(closed.count == 1)
        #expect(closed.first?.status == "closed")
        #expect(closed.first?.startUnix == Fixture.time(hour: 11))
        #expect(closed.first?.endUnix == Fixture.time(hour: 16))
        #expect(closed.first?.hours == 5)
        await harness.close()
    }

    @Test func aBackFilledHourFillsAGapInsideAnEvent() async throws {
        let harness = try await EngineHarness(outlets: [Fixture.gasOutlet()])
        // 10:00 300 · 11:00 500 · 12:00 missing · 13:00 550 · 14:00 200.
        try await harness.ingest([
            Self.hourFrame(10, so2: 300), Self.hourFrame(11, so2: 500), Self.hourFrame(13, so2: 550), Self.hourFrame(14, so2: 200),
        ])
        let beforeEvents = try await harness.events()
        let before = try #require(beforeEvents.first)
        // A missing hour neither ends nor extends the run: 11:00–14:00 with 2 exceeding hours.
        #expect(before.startUnix == Fixture.time(hour: 11))
        #expect(before.endUnix == Fixture.time(hour: 14))
        #expect(before.hours == 2)
        #expect(before.peak == 550)
        #expect(before.status == "closed")

        // History answer for 12:00 at 800.
        try await harness.ingest([Self.hourFrame(12, so2: 800, backfill: .historyAnswer)])
        let events = try await harness.events()
        #expect(events.count == 1)
        let after = try #require(events.first)
        #expect(after.startUnix == Fixture.time(hour: 11))
        #expect(after.endUnix == Fixture.time(hour: 14))
        #expect(after.hours == 3)
        // Peak 800: multiple (800 − 400) / 400 = 1.0; mean (500 + 800 + 550) / 3 = 616.67.
        #expect(after.peak == 800)
        #expect(after.multiple == 1.0)
        #expect(abs(after.mean - 616.6667) < 0.0001)
        #expect(after.status == "closed")
        await harness.close()
    }

    @Test func aBackFillThatMakesAnHourCompliantSplitsTheEvent() async throws {
        let harness = try await EngineHarness(outlets: [Fixture.gasOutlet()])
        // 10:00 500 · 11:00 from 45 minutes at 500 · 12:00 600: one open event of 3 hours.
        try await harness.ingest([Self.hourFrame(10, so2: 500)] + Self.minuteFrames(11, minutes: 0..<45, so2: 500) + [Self.hourFrame(12, so2: 600)])
        let before = try await harness.events()
        #expect(before.count == 1)
        #expect(before.first?.hours == 3)
        #expect(before.first?.status == "open")

        // 11:45–11:59 back-filled at 100: (45 × 500 + 15 × 100) / 60 = 24 000 / 60 = 400 = the limit: complies.
        try await harness.ingest(Self.minuteFrames(11, minutes: 45..<60, so2: 100, backfill: .rf))
        let after = try await harness.events()
        #expect(after.count == 2)
        #expect(after.map(\.startUnix) == [Fixture.time(hour: 10), Fixture.time(hour: 12)])
        #expect(after.map(\.endUnix) == [Fixture.time(hour: 11), Fixture.time(hour: 13)])
        #expect(after.map(\.hours) == [1, 1])
        #expect(after.map(\.peak) == [500, 600])
        #expect(after.map(\.status) == ["closed", "open"])
        await harness.close()
    }

    @Test func maintenanceAndOverRangeHoursThroughTheEngine() async throws {
        let harness = try await EngineHarness(outlets: [Fixture.gasOutlet()])
        // 14:00 600 · 15:00 M at 5000 · 16:00 T at 450 (a lower bound above 400) · 17:00 T at 300 · 18:00 F.
        try await harness.ingest([
            Self.hourFrame(14, so2: 600), Self.hourFrame(15, so2: 5000, flag: .maintenance),
            Self.hourFrame(16, so2: 450, flag: .overRange), Self.hourFrame(17, so2: 300, flag: .overRange),
            Self.hourFrame(18, so2: 0, flag: .stopped),
        ])
        let periods = try await harness.store.periods(PeriodQuery(mn: Fixture.gasMN, pollutant: "a21026", basis: "hour"))
        #expect(periods.map(\.status) == ["valid", "invalid", "lower_bound", "lower_bound", "stopped"])
        #expect(periods.map(\.judgement) == ["exceed", "none", "exceed", "none", "none"])
        let events = try await harness.events()
        let event = try #require(events.first)
        // 14:00 and 16:00 exceed; the M hour is spanned, not counted; nothing compliant follows.
        #expect(event.startUnix == Fixture.time(hour: 14))
        #expect(event.endUnix == Fixture.time(hour: 17))
        #expect(event.hours == 2)
        #expect(event.peak == 600)
        #expect(event.lowerBound)
        #expect(event.status == "open")
        // The T flags are warnings too: one over_range warning for each T hour.
        let warnings = try await harness.store.warnings(since: nil, until: nil, mn: Fixture.gasMN)
        #expect(warnings.filter { $0.kind == "over_range" }.map(\.hourUnix) == [Fixture.time(hour: 16), Fixture.time(hour: 17)])
        await harness.close()
    }

    @Test func waterDaysAndPHHoursThroughTheEngine() async throws {
        let harness = try await EngineHarness(outlets: [Fixture.waterOutlet()])
        // Day 10: 24 hours of COD 70 and pH 7.5; day 11: 24 hours of COD 40, pH 9.5 at 03:00.
        var frames: [IngestFrame] = []
        for day in [10, 11] {
            for hour in 0..<24 {
                let pH = day == 11 && hour == 3 ? 9.5 : 7.5
                frames.append(Fixture.frame(mn: Fixture.waterMN, kind: .hour, at: Fixture.time(day: day, hour: hour), readings: [
                    Fixture.reading("w01018", avg: day == 10 ? 70 : 40), Fixture.reading("w01001", avg: pH),
                ]))
            }
        }
        try await harness.ingest(frames)
        let days = try await harness.store.periods(PeriodQuery(mn: Fixture.waterMN, pollutant: "w01018", basis: "day"))
        #expect(days.map(\.judged) == [70, 40])
        #expect(days.map(\.judgement) == ["exceed", "comply"])
        let cod = try await harness.events(pollutant: "w01018")
        #expect(cod.count == 1)
        let dayEvent = try #require(cod.first)
        #expect(dayEvent.series.basis == "day")
        #expect(dayEvent.startUnix == Fixture.midnight(day: 10))
        #expect(dayEvent.endUnix == Fixture.midnight(day: 11))
        #expect(dayEvent.hours == 24)
        // (70 − 60) / 60 = 0.1667; closed by the compliant day 11.
        #expect(abs(try #require(dayEvent.multiple) - 1.0 / 6.0) < 1e-12)
        #expect(dayEvent.status == "closed")
        let pH = try await harness.events(pollutant: "w01001")
        #expect(pH.count == 1)
        #expect(pH.first?.series.basis == "range")
        #expect(pH.first?.startUnix == Fixture.time(day: 11, hour: 3))
        #expect(pH.first?.peak == 9.5)
        #expect(pH.first?.limit == 9)
        #expect(pH.first?.multiple == nil)
        #expect(pH.first?.status == "closed")
        await harness.close()
    }

    @Test func reevaluationRebuildsTheSameEvents() async throws {
        let harness = try await EngineHarness(outlets: [Fixture.gasOutlet()])
        try await harness.ingest([Self.hourFrame(10, so2: 300), Self.hourFrame(11, so2: 500, cou: 5), Self.hourFrame(12, so2: 100)])
        let live = try await harness.events()
        let summary = try await harness.engine.reevaluate(from: Fixture.midnight(), until: Fixture.midnight(day: 11))
        #expect(summary.hours == 24)
        #expect(summary.days == 1)
        let batch = try await harness.events()
        #expect(batch == live)
        #expect(batch.count == 1)
        #expect(batch.first?.massKg == 5)
        await harness.close()
    }

    @Test func reevaluationAfterALimitChangeDropsEventsOfASeriesThatNoLongerApplies() async throws {
        // GB 18485: SO2 100 (1 h) and 80 (24 h), O2 11 %. 24 hours at 90 with O2 11 (judged = 90):
        // every hour complies (90 ≤ 100), the day exceeds (90 > 80).
        let incinerator = Fixture.gasOutlet(standard: "GB18485-2014/incinerator")
        let harness = try await EngineHarness(outlets: [incinerator])
        try await harness.ingest((0..<24).map { hour in
            Fixture.frame(kind: .hour, at: Fixture.time(hour: hour), readings: [
                Fixture.reading("a21026", avg: 90), Fixture.reading("a19001", avg: 11),
            ])
        })
        let before = try await harness.events(pollutant: "a21026")
        #expect(before.map(\.series.basis) == ["day"])
        // (90 − 80) / 80 = 0.125.
        #expect(before.first?.multiple == 0.125)

        // The permit now says SO2 50, which replaces both of the profile's SO2 limits with one
        // hourly limit; the day is re-evaluated with the new configuration.
        var permit = incinerator
        permit.limits = ["a21026": .maximum(50)]
        let changed = try EngineHarness.engine(store: harness.store, outlets: [permit])
        try await changed.reevaluate(from: Fixture.midnight(), until: Fixture.midnight(day: 11))
        let days = try await harness.store.periods(PeriodQuery(mn: Fixture.gasMN, pollutant: "a21026", basis: "day"))
        #expect(days.map(\.judgement) == ["none"])
        let after = try await harness.events(pollutant: "a21026")
        // Every hour now exceeds: one hourly event 00:00–24:00, 24 hours, multiple (90 − 50) / 50 = 0.8.
        let hourly = after.filter { $0.series.basis == "hour" }
        #expect(hourly.count == 1)
        #expect(hourly.first?.hours == 24)
        #expect(hourly.first?.endUnix == Fixture.midnight(day: 11))
        #expect(abs((hourly.first?.multiple ?? 0) - 0.8) < 1e-12)
        // The day limit no longer exists, so its event must go.
        #expect(after.filter { $0.series.basis == "day" }.isEmpty)
        await harness.close()
    }
}
