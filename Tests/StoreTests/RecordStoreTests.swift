import Foundation
import GRDB
import HJ212
import Testing
@testable import Store

@Suite("SQLiteStore: records")
struct RecordStoreTests {
    @Test("a second piece under the same key is merged in; each reading keeps the frame that stored it")
    func secondPiece() async throws {
        try await withStore { store, _ in
            let first = Sample.frame(qn: "Q1", receivedAt: 1_000, readings: [Sample.reading("a21026", rtd: 1), Sample.reading("a21002", rtd: 2)])
            var second = Sample.frame(qn: "Q2", millisecond: 250, receivedAt: 2_000, readings: [
                Sample.reading("a19001", rtd: 20.9), Sample.reading("a01011", rtd: 5.5),
            ])
            second.connection = "node1/8"
            second.edition = .hj2025
            second.backfill = .rf
            let outcome = try await store.commit(WriteBatch(frames: [first, second]))
            #expect(outcome.frames == [FrameOutcome(inserted: 2), FrameOutcome(inserted: 2)])

            let stored = try await store.readings(ReadingQuery(mn: Sample.mnA))
            #expect(stored.map(\.reading.code) == ["a01011", "a19001", "a21002", "a21026"])
            let byCode = Dictionary(uniqueKeysWithValues: stored.map { ($0.reading.code, $0) })
            #expect(byCode["a21026"]?.qn == "Q1")
            #expect(byCode["a21026"]?.receivedAtMillis == 1_000)
            #expect(byCode["a21026"]?.dataTime.hj212 == "20261128080000")
            #expect(byCode["a01011"] == StoredReading(
                mn: Sample.mnA, kind: .realtime, dataTime: Sample.time(Sample.base, millisecond: 250), dataTimeUnix: Sample.base,
                reading: Sample.reading("a01011", rtd: 5.5), edition: .hj2025, backfill: .rf, receivedAtMillis: 2_000,
                connection: "node1/8", qn: "Q2"))

            // One record holds all four.
            let records = try await store.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT reading_count, qn FROM records").map { ($0[0] as Int, $0[1] as String?) }
            }
            #expect(records.count == 1)
            #expect(records.first?.0 == 4)
            #expect(records.first?.1 == "Q1")
            #expect(try await store.counts() == (4, 2, 0))
        }
    }

    @Test("with the record stored: duplicates, conflicts and new pollutants counted reading by reading")
    func readingLevelOutcome() async throws {
        let logs = LogCapture()
        try await withStore(logs: logs) { store, _ in
            _ = try await store.commit(WriteBatch(frames: [Sample.frame(qn: "Q1", readings: [
                Sample.reading("a21026", rtd: 10), Sample.reading("a21002", rtd: 5), Sample.reading("a19001", rtd: 20.9, flag: .normal),
            ])]))
            let later = Sample.frame(qn: "Q2", readings: [
                Sample.reading("a21026", rtd: 10),  // duplicate
                Sample.reading("a21002", rtd: 6),  // conflict: value
                Sample.reading("a34013", rtd: 3),  // new: merged in
                Sample.reading("a19001", rtd: 20.9, flag: .maintenance),  // conflict: flag
                Sample.reading("a34013", rtd: 4),  // conflict with the reading merged just before
                Sample.reading("a34013", rtd: 3),  // duplicate of it
            ])
            let outcome = try await store.commit(WriteBatch(frames: [later]))
            #expect(outcome.frames == [FrameOutcome(inserted: 1, duplicates: 2, conflicts: 3)])
            #expect(outcome.conflicts.map(\.pollutant) == ["a21002", "a19001", "a34013"])
            let stored = try await store.readings(ReadingQuery(mn: Sample.mnA))
            #expect(stored.map(\.reading.code) == ["a19001", "a21002", "a21026", "a34013"])
            #expect(stored.map(\.reading.rtd) == [20.9, 5, 10, 3])
            #expect(stored.map(\.qn) == ["Q1", "Q1", "Q1", "Q2"])
            #expect(try await store.counts().readings == 4)

            // The same frame again: all duplicates, and the blob is not rewritten.
            let again = try await store.commit(WriteBatch(frames: [later]))
            #expect(again.frames == [FrameOutcome(duplicates: 3, conflicts: 3)])
        }
        #expect(logs.entries.filter { $0.level == .warning }.count == 6)
    }

    @Test("a QN-less (2005) frame adds a frames row only when it stored something new")
    func qnLessFrames() async throws {
        try await withStore { (store, _) async throws in
            let first = Sample.frame(mn: Sample.mnB, qn: nil, kind: .minute, edition: .hj2005, readings: [Sample.reading("w01018", avg: 3)])
            var more = first
            more.readings.append(Sample.reading("w21003", avg: 1))
            #expect(try await store.commit(WriteBatch(frames: [first])).frames == [FrameOutcome(inserted: 1)])
            #expect(try await store.commit(WriteBatch(frames: [first])).frames == [FrameOutcome(duplicates: 1)])
            #expect(try await store.counts().frames == 1)
            #expect(try await store.commit(WriteBatch(frames: [more])).frames == [FrameOutcome(inserted: 1, duplicates: 1)])
            #expect(try await store.counts() == (2, 2, 0))
            // A frame without readings is kept (a record without readings is not).
            let empty = Sample.frame(qn: "E1", readings: [])
            #expect(try await store.commit(WriteBatch(frames: [empty])).frames == [FrameOutcome()])
            #expect(try await store.counts() == (2, 3, 0))
            #expect(try await store.frameStored(mn: Sample.mnA, qn: "E1"))
            #expect(try await store.activeHours(mn: Sample.mnA, from: Sample.base, until: Sample.base + 3600).isEmpty)
        }
    }

    @Test("queries over records: oldest first, ties in key order, pollutant filter and limit")
    func queryOrder() async throws {
        try await withStore { store, _ in
            var info1 = Reading(code: "i12001", polId: "w21003")
            info1.other = [.init(suffix: "Info", value: "2")]
            var info0 = Reading(code: "i12001", polId: "w01018")
            info0.other = [.init(suffix: "Info", value: "1")]
            let frames = [
                Sample.frame(mn: Sample.mnB, qn: "B1", kind: .minute, readings: [Sample.reading("a21026", avg: 1), Sample.reading("a01011", avg: 2)]),
                Sample.frame(mn: Sample.mnA, qn: "A2", kind: .minute, readings: [Sample.reading("a21026", avg: 3)]),
                Sample.frame(mn: Sample.mnA, qn: "A1", kind: .hour, readings: [Sample.reading("a21026", avg: 4), Sample.reading("A21026", avg: 5)]),
                Sample.frame(mn: Sample.mnA, qn: "A3", kind: .info, readings: [info1, info0]),
                Sample.frame(mn: Sample.mnA, qn: "A0", kind: .minute, at: Sample.base - 60, readings: [Sample.reading("a21026", avg: 0)]),
            ]
            _ = try await store.commit(WriteBatch(frames: frames))
            func key(_ row: StoredReading) -> String { "\(row.mn.prefix(2))/\(row.kind.rawValue)/\(row.reading.code)\(row.reading.polId.map { "#" + $0 } ?? "")" }

            let all = try await store.readings(ReadingQuery())
            #expect(all.map(key) == [
                "01/minute/a21026",
                "01/hour/A21026", "01/hour/a21026", "01/info/i12001#w01018", "01/info/i12001#w21003", "01/minute/a21026",
                "LD/minute/a01011", "LD/minute/a21026",
            ])
            #expect(try await store.readings(ReadingQuery(limit: 3)).map(key) == Array(all.map(key).prefix(3)))
            #expect(try await store.readings(ReadingQuery(pollutant: "a21026")).map(\.reading.avg) == [0, 4, 3, 1])
            #expect(try await store.readings(ReadingQuery(pollutant: "a21026", limit: 2)).map(\.reading.avg) == [0, 4])
            #expect(try await store.readings(ReadingQuery(mn: Sample.mnA, pollutant: "i12001")).map(\.reading) == [info0, info1])
            #expect(try await store.readings(ReadingQuery(mn: Sample.mnA, kind: .minute, since: Sample.base)).map(\.reading.avg) == [3])
            #expect(try await store.readings(ReadingQuery(pollutant: "nothing", limit: 1)).isEmpty)
            #expect(try await store.readings(ReadingQuery(limit: -1)).isEmpty)
        }
    }

    @Test("records behave as the v1 rows did, over random workloads", arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func equivalentToV1(seed: UInt64) async throws {
        try await withStore { store, _ in
            let reference = try V1Reference()
            var workload = RandomWorkload(seed: seed)
            for _ in 0..<40 {
                let batch = workload.nextBatch()
                let outcome = try await store.commit(WriteBatch(frames: batch))
                let expected = try reference.commit(batch)
                #expect(outcome.frames == expected.frames)
                #expect(outcome.conflicts == expected.conflicts)
            }
            try await Self.expectSameAnswers(store, reference, &workload)
        }
    }

    /// Every reader of the store answers as the v1 reference does.
    static func expectSameAnswers(_ store: SQLiteStore, _ reference: V1Reference, _ workload: inout RandomWorkload) async throws {
        let counts = try await store.counts()
        let expected = try reference.count()
        #expect(counts.readings == expected.readings)
        #expect(counts.frames == expected.frames)
        for query in workload.queries(60) {
            let got = try await store.readings(query)
            let want = try reference.readings(query)
            #expect(got == want, "query \(query)")
        }
        for mn in RandomWorkload.devices {
            for (from, until) in [(Sample.base - 7200, Sample.base + 7200), (Sample.base, Sample.base + 3600), (Sample.base - 3600, Sample.base - 3600)] {
                #expect(try await store.realtimeSummary(mn: mn, from: from, until: until) == reference.realtimeSummary(mn: mn, from: from, until: until))
                #expect(try await store.activeHours(mn: mn, from: from, until: until) == reference.activeHours(mn: mn, from: from, until: until))
            }
        }
        for frame in workload.sent.prefix(30) {
            for qn in [frame.qn ?? "none", "Q999999"] {
                #expect(try await store.frameStored(mn: frame.mn, qn: qn) == reference.frameStored(mn: frame.mn, qn: qn))
            }
        }
    }

    @Test("real-time summary: per hour and pollutant, valid maxima, T flags across kinds")
    func realtimeSummary() async throws {
        try await withStore { store, _ in
            var t1 = Sample.reading("a21026", rtd: 99, flag: .overRange)
            t1.zsRtd = 120
            var valid = Sample.reading("a21026", rtd: 10, flag: nil)
            valid.zsRtd = 12
            let frames = [
                Sample.frame(qn: "1", at: Sample.base, readings: [valid, Sample.reading("a21002", rtd: 3, flag: .maintenance)]),
                Sample.frame(qn: "2", at: Sample.base + 60, readings: [t1]),
                Sample.frame(qn: "3", kind: .minute, at: Sample.base + 600, readings: [Sample.reading("a21026", avg: 50, flag: .overRange)]),
                Sample.frame(qn: "4", at: Sample.base + 3600, readings: [Sample.reading("a21026", rtd: 7)]),
                Sample.frame(qn: "5", kind: .day, at: Sample.base, readings: [Sample.reading("a21026", avg: 1000, flag: .overRange)]),
            ]
            _ = try await store.commit(WriteBatch(frames: frames))
            let summary = try await store.realtimeSummary(mn: Sample.mnA, from: Sample.base, until: Sample.base + 7200)
            #expect(summary == [
                RealtimeSummary(hourUnix: Sample.base, pollutant: "a21002", maxRtd: nil, maxZsRtd: nil, overRangeCount: 0, count: 1),
                RealtimeSummary(hourUnix: Sample.base, pollutant: "a21026", maxRtd: 10, maxZsRtd: 12, overRangeCount: 2, overRangePeak: 99, count: 2),
                RealtimeSummary(hourUnix: Sample.base + 3600, pollutant: "a21026", maxRtd: 7, maxZsRtd: nil, overRangeCount: 0, count: 1),
            ])
            #expect(try await store.activeHours(mn: Sample.mnA, from: Sample.base, until: Sample.base + 7200) == [Sample.base, Sample.base + 3600])
        }
    }

    @Test("an unreadable blob gives a StoreError saying which record, for readers and for a resend")
    func corruptBlob() async throws {
        try await withStore { store, _ in
            let frame = Sample.frame(qn: "Q1", readings: [Sample.reading("a21026", rtd: 1)])
            _ = try await store.commit(WriteBatch(frames: [frame]))
            try await store.pool.write { db in try db.execute(sql: "UPDATE records SET readings = x'0201'") }
            let read = await #expect(throws: StoreError.self) { _ = try await store.readings(ReadingQuery()) }
            #expect(read?.reason.contains("unreadable") == true)
            #expect(read?.reason.contains(Sample.mnA) == true)
            let resend = await #expect(throws: StoreError.self) { _ = try await store.commit(WriteBatch(frames: [frame])) }
            #expect(resend?.description.contains("unreadable") == true)
            await #expect(throws: StoreError.self) { _ = try await store.realtimeSummary(mn: Sample.mnA, from: Sample.base, until: Sample.base + 60) }
        }
    }
}
