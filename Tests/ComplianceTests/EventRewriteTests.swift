import GRDB
import HJ212
import Testing
@testable import Compliance
@testable import Store

/// Rebuilding a series whose events did not change writes nothing: the live loop rebuilds every
/// series its judged hours touch, and most have no exceedance or the same one as before.
@Suite struct EventRewriteTests {
    /// Each stored event's row id by device. A rewrite deletes the series' rows and inserts them
    /// again, which gives them ids after the other series' rows.
    static func ids(_ store: SQLiteStore) async throws -> [String: Int64] {
        try await store.pool.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT mn, id FROM exceedance_events")
                .map { ($0[0] as String, $0[1] as Int64) })
        }
    }

    @Test func judgingTheSameHoursAgainLeavesTheEventRowsAlone() async throws {
        let harness = try await EngineHarness(outlets: [Fixture.gasOutlet(), Fixture.waterOutlet()])
        // SO2 over the limit from 11:00 (the gas device's event), then a day of COD over it
        // (the water device's, stored after it).
        let gas = [
            EngineIncrementalTests.hourFrame(10, so2: 300, cou: 3), EngineIncrementalTests.hourFrame(11, so2: 500, cou: 5),
            EngineIncrementalTests.hourFrame(12, so2: 450, cou: 4.5),
        ]
        try await harness.ingest(gas)
        try await harness.ingest((0..<24).map { hour in
            Fixture.frame(mn: Fixture.waterMN, kind: .hour, at: Fixture.time(hour: hour), readings: [
                Fixture.reading("w01018", avg: 80, cou: 1), Fixture.reading("w00000", avg: nil, cou: 100),
            ])
        })
        let first = try await Self.ids(harness.store)
        #expect(Set(first.keys) == [Fixture.gasMN, Fixture.waterMN])
        #expect(first[Fixture.gasMN]! < first[Fixture.waterMN]!)

        // The gas device's hours judged again (a resend): the same event, so the same row.
        harness.engine.note(gas)
        let summary = try await harness.engine.flush()
        #expect(summary.hours == 3 && summary.series >= 1)
        #expect(try await Self.ids(harness.store) == first)

        // An hour that extends the event rewrites it.
        try await harness.ingest([EngineIncrementalTests.hourFrame(13, so2: 700, cou: 7)])
        let rewritten = try await Self.ids(harness.store)
        #expect(rewritten[Fixture.waterMN] == first[Fixture.waterMN])
        #expect(rewritten[Fixture.gasMN]! > first[Fixture.waterMN]!)
        #expect(try await harness.events().first { $0.series.mn == Fixture.gasMN }?.endUnix == Fixture.time(hour: 14))
        await harness.close()
    }
}
