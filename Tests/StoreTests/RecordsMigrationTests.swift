import Foundation
import GRDB
import HJ212
import Testing
@testable import Store

@Suite("Migration v3-records: v1 readings become records")
struct RecordsMigrationTests {
    @Test("a v1 database migrates and reads back identical StoredReadings; writes go on as before", arguments: [11, 12, 13] as [UInt64])
    func convertsV1(seed: UInt64) async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        // The same workload into a v1 file (to migrate) and an in-memory v1 reference (to compare).
        let file = try V1Reference(path: database.path)
        let reference = try V1Reference()
        var workload = RandomWorkload(seed: seed)
        for _ in 0..<40 {
            let batch = workload.nextBatch()
            #expect(try file.commit(batch).frames == reference.commit(batch).frames)
        }
        let before = try reference.readings(ReadingQuery())
        try file.close()

        let logs = LogCapture()
        let store = try await database.open(logs: logs)
        do {
            #expect(logs.entries.contains { $0.message == "store migrated" && $0.metadata["applied"] == "v3-records,v4-frame-counts,v5-period-digests" })
            #expect(try await store.readings(ReadingQuery()) == before)
            let tables = try await store.pool.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('readings', 'records')")
            }
            #expect(tables == ["records"])
            try await RecordStoreTests.expectSameAnswers(store, reference, &workload)

            // Resends of converted data are duplicates or conflicts exactly as before.
            for _ in 0..<20 {
                let batch = workload.nextBatch()
                let outcome = try await store.commit(WriteBatch(frames: batch))
                let expected = try reference.commit(batch)
                #expect(outcome.frames == expected.frames)
                #expect(outcome.conflicts == expected.conflicts)
            }
            try await RecordStoreTests.expectSameAnswers(store, reference, &workload)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }

    @Test("rows of one record from different frames keep their own provenance")
    func provenancePerRow() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let file = try V1Reference(path: database.path)
        var full = SQLiteStoreCommitTests.fullReading()
        full.polId = "w01018"
        let first = Sample.frame(qn: "Q1", receivedAt: 1_000, readings: [Sample.reading("a21026", rtd: 1), full])
        var piece = Sample.frame(qn: nil, millisecond: 5, edition: .hj2005, backfill: .historyAnswer, receivedAt: 9_000, readings: [
            Sample.reading("a01011", rtd: 2), Sample.reading("a21026", rtd: 3),
        ])
        piece.connection = "node2/1"
        _ = try file.commit([first, piece])
        let expected = try file.readings(ReadingQuery())
        try file.close()
        #expect(expected.map(\.qn) == [nil, "Q1", "Q1"])

        let store = try await database.open()
        #expect(try await store.readings(ReadingQuery()) == expected)
        #expect(try await store.counts() == (3, 2, 0))
        // The converted record still takes new pieces.
        let more = Sample.frame(qn: "Q3", readings: [Sample.reading("a34013", rtd: 4), Sample.reading("a01011", rtd: 2)])
        #expect(try await store.commit(WriteBatch(frames: [more])).frames == [FrameOutcome(inserted: 1, duplicates: 1)])
        try await store.close()
    }

    @Test("an empty v1 database migrates")
    func emptyV1() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        try V1Reference(path: database.path).close()
        let store = try await database.open()
        #expect(try await store.counts() == (0, 0, 0))
        try await store.close()
    }

    @Test("an unreadable v1 row stops the migration with a StoreError and leaves the file as it was")
    func unreadableRow() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let file = try V1Reference(path: database.path)
        var reading = Sample.reading("a21026", rtd: 1)
        reading.other = [.init(suffix: "Ala", value: "1")]
        _ = try file.commit([Sample.frame(qn: "Q1", readings: [reading])])
        try await file.queue.write { db in try db.execute(sql: "UPDATE readings SET other = '{broken'") }
        try file.close()

        let store = try SQLiteStore(path: database.path, logger: LogCapture().logger)
        let error = await #expect(throws: StoreError.self) { try await store.migrate() }
        #expect(error?.reason.contains("a21026") == true)
        #expect(error?.remedy.contains("readings") == true)
        let applied = try await store.pool.read { db in try SQLiteStore.migrator.appliedMigrations(db) }
        #expect(applied == ["v1", "v2-compliance"])
        try await store.close()
    }
}
