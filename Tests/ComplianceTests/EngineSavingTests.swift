import HJ212
import Store
import Testing
@testable import Compliance

/// The engine saves what it judged together, in slices, and a re-evaluation saves device group by
/// device group: neither may change what is judged.
@Suite struct EngineSavingTests {
    /// Two devices: a coal boiler exceeding SO2 from 11:00 to 13:00, and a water outlet whose COD
    /// exceeds over the day.
    static func ingestTwoDevices(_ harness: EngineHarness) async throws {
        try await harness.ingest((0..<24).map { hour in
            Fixture.frame(kind: .hour, at: Fixture.time(hour: hour), readings: [
                Fixture.reading("a21026", avg: (11..<13).contains(hour) ? 500 : 300, cou: 3), Fixture.reading("a19001", avg: 9),
            ])
        } + (0..<24).map { hour in
            Fixture.frame(mn: Fixture.waterMN, kind: .hour, at: Fixture.time(hour: hour), readings: [
                Fixture.reading("w01018", avg: 80, cou: 1), Fixture.reading("w00000", avg: nil, cou: 100),
            ])
        })
    }

    static func everything(_ harness: EngineHarness) async throws -> (periods: [PeriodRecord], events: [EventRecord]) {
        (try await harness.store.periods(PeriodQuery()), try await harness.events())
    }

    @Test func reevaluatingDeviceByDeviceJudgesWhatOneGroupAndTheLiveLoopJudged() async throws {
        let harness = try await EngineHarness(outlets: [Fixture.gasOutlet(), Fixture.waterOutlet()])
        try await Self.ingestTwoDevices(harness)
        let live = try await Self.everything(harness)
        #expect(Set(live.periods.filter { $0.basis == "day" }.map(\.mn)) == [Fixture.gasMN, Fixture.waterMN])
        // COD 80 over the day (limit 60), and SO2 500 from 11:00 to 13:00 (limit 400).
        #expect(live.events.map(\.series.mn) == [Fixture.waterMN, Fixture.gasMN])
        #expect(live.events.map(\.startUnix) == [Fixture.midnight(), Fixture.time(hour: 11)])

        // A group per device: each device's results are saved before the next one is judged.
        let byDevice = try await harness.engine.reevaluate(
            from: Fixture.midnight(), until: Fixture.midnight(day: 11), mns: nil, periodsPerGroup: 1)
        #expect(byDevice.hours == 48)
        #expect(byDevice.days == 2)
        let grouped = try await Self.everything(harness)
        #expect(grouped.periods == live.periods)
        #expect(grouped.events == live.events)

        try await harness.engine.reevaluate(from: Fixture.midnight(), until: Fixture.midnight(day: 11))
        let together = try await Self.everything(harness)
        #expect(together.periods == live.periods)
        #expect(together.events == live.events)
        await harness.close()
    }

    /// The live loop saves in slices of ``ComplianceEngine/periodsPerLiveTransaction`` (uploads
    /// commit on the same writer meanwhile): a flush of several slices stores what a bulk
    /// re-evaluation, in one slice, stores.
    @Test func aLiveFlushOfSeveralSlicesStoresWhatABulkReevaluationStores() async throws {
        let harness = try await EngineHarness(outlets: [Fixture.gasOutlet()])
        let codes = ["a21026", "a21002", "a34013", "a21005", "a21024", "a21001", "a05002", "a21022", "a24088", "a20057"]
        let frames = (0..<3).flatMap { day in
            (0..<24).map { hour in
                Fixture.frame(kind: .hour, at: Fixture.time(day: 10 + day, hour: hour), readings: codes.map {
                    Fixture.reading($0, avg: 10 + Double(hour), cou: 1)
                } + [Fixture.reading("a19001", avg: 9)])
            }
        }
        try await harness.ingest(frames)
        let live = try await harness.store.periods(PeriodQuery())
        #expect(live.count > 2 * ComplianceEngine.periodsPerLiveTransaction)
        try await harness.engine.reevaluate(from: Fixture.midnight(), until: Fixture.midnight(day: 13))
        #expect(try await harness.store.periods(PeriodQuery()) == live)
        await harness.close()
    }

    @Test func periodsSavedInSlicesAreAllStored() async throws {
        let harness = try await EngineHarness(outlets: [Fixture.gasOutlet()])
        let rules = try Fixture.coalBoiler()
        var pending = PendingPeriods()
        pending.add((0..<7).map { hour in
            EvaluatedPeriod(
                pollutant: "a21026", basis: .hour, start: Fixture.time(hour: hour), source: .device, status: .valid,
                value: Double(hour), judged: Double(hour), oxygen: nil, cou: nil, coverage: nil, flags: "N")
        }, mn: Fixture.gasMN, rules: rules, at: 1)
        try await harness.engine.save(pending, slice: 3)
        let stored = try await harness.store.periods(PeriodQuery(mn: Fixture.gasMN))
        #expect(stored.map(\.value) == (0..<7).map(Double.init))
        await harness.close()
    }
}
