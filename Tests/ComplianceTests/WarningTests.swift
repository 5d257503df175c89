import HJ212
import Store
import Testing
@testable import Compliance

/// Warnings (T flags, real-time spikes): live evaluation and batch re-evaluation from the same
/// readings must agree.
@Suite struct WarningTests {
    static func realtime(minute: Int, hour: Int = 16, rtd: Double, flag: DataFlag) -> IngestFrame {
        var so2 = Reading(code: "a21026")
        so2.rtd = rtd
        so2.zsRtd = rtd
        so2.flag = flag
        return Fixture.frame(kind: .realtime, at: Fixture.time(hour: hour, minute: minute), readings: [so2])
    }

    @Test func liveWarningsCountTFlagsAndSpikes() async throws {
        let harness = try await EngineHarness(outlets: [Fixture.gasOutlet()])
        // 16:05 real-time T at 500, 16:10 and 16:20 real-time N at 450 and 480 (limit 400).
        try await harness.ingest([
            Self.realtime(minute: 5, rtd: 500, flag: .overRange), Self.realtime(minute: 10, rtd: 450, flag: .normal),
            Self.realtime(minute: 20, rtd: 480, flag: .normal),
        ])
        let warnings = try await harness.store.warnings(since: nil, until: nil, mn: Fixture.gasMN)
        let overRange = try #require(warnings.first { $0.kind == "over_range" })
        #expect(overRange.count == 1)
        #expect(overRange.peak == 500)
        #expect(overRange.hourUnix == Fixture.time(hour: 16))
        let spike = try #require(warnings.first { $0.kind == "realtime_spike" })
        // Two N values above 400 (the T value is not a spike): peak max(450, 480) = 480.
        #expect(spike.count == 2)
        #expect(spike.peak == 480)
        #expect(spike.limit == 400)
        // The hour counts as online.
        let online = try await harness.store.onlineHours(from: Fixture.time(hour: 0), until: Fixture.time(hour: 23))
        #expect(online == [Fixture.gasMN: 1])
        await harness.close()
    }

    @Test func reevaluationKeepsTheLiveOverRangeCount() async throws {
        let harness = try await EngineHarness(outlets: [Fixture.gasOutlet()])
        // One T in real time (16:05) and the 16:00 hour value flagged T too.
        try await harness.ingest([
            Self.realtime(minute: 5, rtd: 500, flag: .overRange),
            Fixture.frame(kind: .hour, at: Fixture.time(hour: 16), readings: [
                Fixture.reading("a21026", avg: 450, flag: .overRange), Fixture.reading("a19001", avg: 9),
            ]),
        ])
        let live = try await harness.store.warnings(since: nil, until: nil, mn: Fixture.gasMN).filter { $0.kind == "over_range" }
        try await harness.engine.reevaluate(from: Fixture.midnight(), until: Fixture.midnight(day: 11))
        let batch = try await harness.store.warnings(since: nil, until: nil, mn: Fixture.gasMN).filter { $0.kind == "over_range" }
        // Both paths count every T value (real-time, minute, hour): 2.
        #expect(live.map(\.count) == [2])
        #expect(batch.map(\.count) == live.map(\.count))
        await harness.close()
    }

    @Test func aMaintenanceRealtimeValueIsNotASpikeInEitherPath() async throws {
        let harness = try await EngineHarness(outlets: [Fixture.gasOutlet()])
        // 17:05: real-time 5000 during maintenance (M): not a measurement, so no spike warning.
        try await harness.ingest([Self.realtime(minute: 5, hour: 17, rtd: 5000, flag: .maintenance)])
        let live = try await harness.store.warnings(since: nil, until: nil, mn: Fixture.gasMN)
        #expect(live.isEmpty)
        try await harness.engine.reevaluate(from: Fixture.midnight(), until: Fixture.midnight(day: 11))
        let batch = try await harness.store.warnings(since: nil, until: nil, mn: Fixture.gasMN)
        #expect(batch.isEmpty)
        await harness.close()
    }
}
