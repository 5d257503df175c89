import Foundation
import HJ212
import MetricsTestKit
import Testing
@testable import Store

/// Checkpoints off the commit path: the log is copied by a connection of its own, the remainder
/// on the writer, and the log starts over instead of growing.
@Suite struct WALCheckpointerTests {
    /// `count` minute records of one device, one commit each.
    static func commit(_ count: Int, from start: Int, to store: SQLiteStore) async throws {
        for index in start..<(start + count) {
            let frame = Sample.frame(
                qn: "Q\(index)", kind: .minute, at: Sample.base + Int64(index) * 60,
                readings: [Sample.reading("a21026", avg: Double(index)), Sample.reading("a21002", avg: 1)])
            _ = try await store.commit(WriteBatch(frames: [frame]))
        }
    }

    @Test func aRoundCopiesTheLogAndTheNextCommitStartsItOver() async throws {
        try await withStore { store, database in
            let metrics = TestMetrics()
            let checkpointer = try WALCheckpointer(
                path: database.path, pool: store.pool, interval: .seconds(3600), logger: store.logger, metrics: metrics)
            defer { checkpointer.stop() }
            try await Self.commit(40, from: 0, to: store)

            let first = try #require(try checkpointer.round())
            #expect(first.logFrames >= 40)
            #expect(first.copiedFrames == first.logFrames)
            #expect(first.finishedOnWriter)
            // Nothing committed since: nothing to do.
            #expect(try checkpointer.round() == nil)

            // The next commit writes at the log's start again: the log now holds that commit only.
            try await Self.commit(1, from: 40, to: store)
            let second = try #require(try checkpointer.round())
            #expect(second.logFrames < first.logFrames)
            #expect(second.copiedFrames == second.logFrames)
            #expect(try await store.counts().frames == 41)

            // /metrics: the log's length at the last round, and the duration of the two that copied.
            #expect(try metrics.expectGauge("hj212_wal_frames").lastValue == Double(second.logFrames))
            #expect(try metrics.expectTimer("hj212_checkpoint_seconds").values.count == 2)
        }
    }

    @Test func backgroundCheckpointsKeepEveryCommitAndStopWithTheStore() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try await database.open()
        try store.startBackgroundCheckpoints(every: .milliseconds(2))
        try store.startBackgroundCheckpoints(every: .milliseconds(2))  // a second call does nothing
        try await Self.commit(200, from: 0, to: store)
        try await store.close()

        let reopened = try await database.open()
        let counts = try await reopened.counts()
        #expect(counts.frames == 200)
        #expect(counts.readings == 400)
        try await reopened.close()
    }

    @Test func aStoreWithoutBackgroundCheckpointsKeepsSQLitesOwn() async throws {
        try await withStore { store, _ in
            // The pragma is per connection: the writer's is the one that counts.
            let writer = try await store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
            #expect(writer == 10_000)
            try store.startBackgroundCheckpoints(every: .seconds(3600))
            let backstop = try await store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
            #expect(backstop == WALCheckpointer.backstopPages)
        }
    }
}
