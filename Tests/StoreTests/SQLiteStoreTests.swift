import Foundation
import GRDB
import HJ212
import Testing
@testable import Store

@Suite("SQLiteStore: commit and read back")
struct SQLiteStoreCommitTests {
    /// A reading with every field the store keeps.
    static func fullReading() -> Reading {
        var reading = Reading(code: "a21026", rawCode: "02", polId: nil)
        reading.rtd = 12.5
        reading.min = 10.25
        reading.avg = 11.0
        reading.max = 14.75
        reading.cou = 1234.5678
        reading.zsRtd = 20.5
        reading.zsMin = -1.5
        reading.zsAvg = 0
        reading.zsMax = 1e-9
        reading.rawAvg = 99.125
        reading.flag = .unknown("X9")
        reading.eFlag = "E1"
        reading.sampleTime = "20261128075500"
        reading.other = [
            .init(suffix: "Ala", value: "1"),
            .init(suffix: "Info", value: "quote \" back\\slash 中文 \n tab\t"),
            .init(suffix: "Ala", value: "2"),
        ]
        return reading
    }

    @Test("a batch of several frames round-trips every field")
    func roundTrip() async throws {
        try await withStore { store, _ in
            let full = Self.fullReading()
            var info1 = Reading(code: "i12001", polId: "w01018")
            info1.other = [.init(suffix: "Info", value: "1")]
            var info2 = Reading(code: "i12001", polId: "w21003")
            info2.other = [.init(suffix: "Info", value: "2")]
            let frames = [
                Sample.frame(
                    qn: "20261128080000001", kind: .realtime, at: Sample.base, millisecond: 123, edition: .hj2025,
                    backfill: .rf, readings: [full, Sample.reading("a01011", rtd: 5.5, flag: nil)]),
                Sample.frame(
                    mn: Sample.mnB, qn: nil, kind: .hour, at: Sample.base - 3600, edition: .hj2005,
                    readings: [Sample.reading("w01018", avg: 33.3, flag: .normal)]),
                Sample.frame(qn: "20261128080000002", kind: .info, at: Sample.base + 5, readings: [info1, info2]),
            ]
            let outcome = try await store.commit(WriteBatch(frames: frames))
            #expect(outcome.frames == [FrameOutcome(inserted: 2), FrameOutcome(inserted: 1), FrameOutcome(inserted: 2)])
            #expect(outcome.conflicts.isEmpty)

            let stored = try await store.readings(ReadingQuery())
            #expect(stored.count == 5)
            // Oldest first: the hour reading, then the two realtime readings, then the info.
            #expect(stored.map(\.reading.code) == ["w01018", "a01011", "a21026", "i12001", "i12001"])

            let hour = stored[0]
            #expect(hour.mn == Sample.mnB)
            #expect(hour.kind == .hour)
            #expect(hour.qn == nil)
            #expect(hour.edition == .hj2005)
            #expect(hour.dataTimeUnix == Sample.base - 3600)
            #expect(hour.dataTime.hj212 == "20261128070000")

            let back = try #require(stored.first { $0.reading.code == "a21026" })
            #expect(back.reading == full)
            #expect(back.reading.rawCode == "02")
            #expect(back.reading.flag == .unknown("X9"))
            #expect(back.dataTime.hj212 == "20261128080000123")
            #expect(back.dataTime.millisecond == 123)
            #expect(back == StoredReading(
                mn: Sample.mnA, kind: .realtime, dataTime: Sample.time(Sample.base, millisecond: 123),
                dataTimeUnix: Sample.base, reading: full, edition: .hj2025, backfill: .rf,
                receivedAtMillis: Sample.base * 1000 + 250, connection: "node1/7", qn: "20261128080000001"))

            let plain = try #require(stored.first { $0.reading.code == "a01011" })
            #expect(plain.reading.flag == nil)
            #expect(plain.reading.rawCode == "a01011")
            #expect(plain.reading.other.isEmpty)
            #expect(plain.reading.avg == nil)

            let infos = stored.filter { $0.kind == .info }.map(\.reading)
            #expect(Set(infos) == [info1, info2])

            let counts = try await store.counts()
            #expect(counts.readings == 5)
            #expect(counts.frames == 3)
            #expect(counts.rejects == 0)
        }
    }

    @Test("the same batch twice stores once and reports duplicates")
    func idempotent() async throws {
        try await withStore { store, _ in
            let batch = WriteBatch(frames: [
                Sample.frame(qn: "20261128080000001", readings: [
                    Sample.reading("a21026", rtd: 1), Sample.reading("a21002", rtd: 2), Sample.reading("a19001", rtd: 20.9),
                ]),
                Sample.frame(mn: Sample.mnB, qn: nil, kind: .minute, edition: .hj2005, readings: [
                    Sample.reading("w01018", avg: 3),
                ]),
            ])
            let first = try await store.commit(batch)
            #expect(first.frames == [FrameOutcome(inserted: 3), FrameOutcome(inserted: 1)])
            let before = try await store.counts()

            let second = try await store.commit(batch)
            #expect(second.frames == [FrameOutcome(duplicates: 3), FrameOutcome(duplicates: 1)])
            #expect(second.conflicts.isEmpty)
            let after = try await store.counts()
            #expect(after.readings == before.readings)
            #expect(after.readings == 4)
            // The QN frame keeps its first row; the QN-less resend adds none.
            #expect(after.frames == 2)

            // A resend under a new QN is a new frame, its readings duplicates.
            var resent = batch.frames[0]
            resent.qn = "20261128080005000"
            resent.receivedAtMillis += 5000
            let third = try await store.commit(WriteBatch(frames: [resent]))
            #expect(third.frames == [FrameOutcome(duplicates: 3)])
            #expect(try await store.counts().frames == 3)
            // The readings keep the provenance of the first frame.
            let stored = try await store.readings(ReadingQuery(mn: Sample.mnA))
            #expect(stored.allSatisfy { $0.qn == "20261128080000001" })
        }
    }

    @Test("a different value for a stored key is a conflict and the first value is kept")
    func conflict() async throws {
        let logs = LogCapture()
        try await withStore(logs: logs) { store, _ in
            let original = Sample.frame(qn: "Q1", readings: [Sample.reading("a21026", rtd: 10), Sample.reading("a21002", rtd: 5)])
            _ = try await store.commit(WriteBatch(frames: [original]))

            let changedValue = Sample.frame(qn: "Q2", readings: [Sample.reading("a21026", rtd: 11), Sample.reading("a21002", rtd: 5)])
            let changedFlag = Sample.frame(qn: "Q3", readings: [Sample.reading("a21002", rtd: 5, flag: .maintenance)])
            let outcome = try await store.commit(WriteBatch(frames: [changedValue, changedFlag]))
            #expect(outcome.frames == [FrameOutcome(duplicates: 1, conflicts: 1), FrameOutcome(conflicts: 1)])
            #expect(outcome.conflicts == [
                ReadingConflict(mn: Sample.mnA, kind: .realtime, dataTime: Sample.time(Sample.base), pollutant: "a21026"),
                ReadingConflict(mn: Sample.mnA, kind: .realtime, dataTime: Sample.time(Sample.base), pollutant: "a21002"),
            ])
            let stored = try await store.readings(ReadingQuery(mn: Sample.mnA))
            #expect(stored.count == 2)
            #expect(stored.first { $0.reading.code == "a21026" }?.reading.rtd == 10)
            #expect(stored.first { $0.reading.code == "a21002" }?.reading.flag == .normal)
            #expect(stored.allSatisfy { $0.qn == "Q1" })
        }
        let warnings = logs.entries.filter { $0.level == .warning }
        #expect(warnings.count == 2)
        #expect(warnings.first?.metadata == [
            "mn": Sample.mnA, "kind": "realtime", "data_time": "20261128080000", "pollutant": "a21026",
        ])
    }

    @Test("a flood of conflicts is logged with a cap and a summary line")
    func conflictLogCap() async throws {
        let logs = LogCapture()
        try await withStore(logs: logs) { store, _ in
            let codes = (0..<25).map { "x\($0)" }
            let first = Sample.frame(qn: "Q1", readings: codes.map { Sample.reading($0, rtd: 1) })
            let second = Sample.frame(qn: "Q2", readings: codes.map { Sample.reading($0, rtd: 2) })
            _ = try await store.commit(WriteBatch(frames: [first]))
            let outcome = try await store.commit(WriteBatch(frames: [second]))
            #expect(outcome.frames == [FrameOutcome(conflicts: 25)])
            #expect(outcome.conflicts.count == 25)
        }
        let warnings = logs.entries.filter { $0.level == .warning }
        #expect(warnings.count == SQLiteStore.conflictsLoggedPerCommit + 1)
        #expect(warnings.last?.metadata["count"] == "\(25 - SQLiteStore.conflictsLoggedPerCommit)")
        #expect(warnings.last?.metadata["mns"] == Sample.mnA)
    }

    @Test("a wide frame: one record of many readings, and one changed value in it")
    func wideFrame() async throws {
        try await withStore { store, _ in
            let count = 69
            let readings = (0..<count).map { Sample.reading("c\($0)", rtd: Double($0)) }
            let frame = Sample.frame(qn: "Q1", readings: readings)
            #expect(try await store.commit(WriteBatch(frames: [frame])).frames == [FrameOutcome(inserted: count)])
            // Resent with one changed value in the middle.
            var changed = frame
            changed.readings[35].rtd = -1
            let outcome = try await store.commit(WriteBatch(frames: [changed]))
            #expect(outcome.frames == [FrameOutcome(duplicates: count - 1, conflicts: 1)])
            #expect(outcome.conflicts.map(\.pollutant) == ["c35"])
            #expect(try await store.counts().readings == count)
            #expect(try await store.readings(ReadingQuery()).map(\.reading) == readings.sorted { $0.code < $1.code })
        }
    }

    @Test("a key repeated inside one batch is detected too")
    func conflictWithinBatch() async throws {
        try await withStore { store, _ in
            let frames = [
                Sample.frame(qn: "Q1", readings: [Sample.reading("a21026", rtd: 10)]),
                Sample.frame(qn: "Q2", readings: [Sample.reading("a21026", rtd: 10)]),
                Sample.frame(qn: "Q3", readings: [Sample.reading("a21026", rtd: 12)]),
            ]
            let outcome = try await store.commit(WriteBatch(frames: frames))
            #expect(outcome.frames == [FrameOutcome(inserted: 1), FrameOutcome(duplicates: 1), FrameOutcome(conflicts: 1)])
            #expect(outcome.conflicts.count == 1)
        }
    }

    @Test("a key repeated inside one frame: the first is kept")
    func repeatInsideFrame() async throws {
        try await withStore { store, _ in
            // A 2005 frame can map two old codes to one current code.
            let frame = Sample.frame(qn: "Q1", readings: [
                Sample.reading("a21026", rtd: 1), Sample.reading("a21002", rtd: 2),
                Sample.reading("a21026", rtd: 1), Sample.reading("a21026", rtd: 3),
            ])
            let outcome = try await store.commit(WriteBatch(frames: [frame]))
            #expect(outcome.frames == [FrameOutcome(inserted: 2, duplicates: 1, conflicts: 1)])
            let stored = try await store.readings(ReadingQuery(pollutant: "a21026"))
            #expect(stored.map(\.reading.rtd) == [1])
        }
    }

    @Test("an empty batch writes nothing")
    func emptyBatch() async throws {
        try await withStore { store, _ in
            let outcome = try await store.commit(WriteBatch())
            #expect(outcome.frames.isEmpty)
            #expect(outcome.conflicts.isEmpty)
            let counts = try await store.counts()
            #expect(counts == (0, 0, 0))
        }
    }

    @Test("20,000 readings in one batch")
    func largeBatch() async throws {
        try await withStore { store, _ in
            let codes = ["a21026", "a21002", "a19001", "a34013", "a01011", "a01012", "a01013", "a01014", "a00000", "a21005"]
            var frames: [IngestFrame] = []
            for device in 0..<200 {
                for minute in 0..<10 {
                    let at = Sample.base + Int64(minute) * 60
                    let readings = codes.enumerated().map { index, code in
                        Sample.reading(code, rtd: Double(device * 100 + minute * 10 + index))
                    }
                    frames.append(Sample.frame(mn: "MN\(device)", qn: "QN\(minute)", at: at, readings: readings))
                }
            }
            let batch = WriteBatch(frames: frames)
            #expect(batch.readingCount == 20_000)
            let outcome = try await store.commit(batch)
            #expect(outcome.frames.count == 2_000)
            #expect(outcome.frames.reduce(0) { $0 + $1.inserted } == 20_000)
            let counts = try await store.counts()
            #expect(counts.readings == 20_000)
            #expect(counts.frames == 2_000)
            let one = try await store.readings(ReadingQuery(mn: "MN42", pollutant: "a01011", kind: .realtime))
            let expected: [Double?] = (0..<10).map { minute in Double(4200 + minute * 10 + 4) }
            #expect(one.map(\.reading.rtd) == expected)
        }
    }
}

@Suite("SQLiteStore: queries")
struct SQLiteStoreQueryTests {
    /// Device A: realtime every minute for 5 minutes (2 codes), one hour value; device B: 3 minutes.
    static func seed(_ store: SQLiteStore) async throws {
        var frames: [IngestFrame] = []
        for minute in 0..<5 {
            let at = Sample.base + Int64(minute) * 60
            frames.append(Sample.frame(qn: "A\(minute)", at: at, readings: [
                Sample.reading("a21026", rtd: Double(minute)), Sample.reading("a21002", rtd: Double(100 + minute)),
            ]))
        }
        frames.append(Sample.frame(qn: "AH", kind: .hour, at: Sample.base, readings: [Sample.reading("a21026", avg: 2)]))
        for minute in 0..<3 {
            let at = Sample.base + Int64(minute) * 60 + 30
            frames.append(Sample.frame(mn: Sample.mnB, qn: "B\(minute)", at: at, readings: [Sample.reading("w01018", rtd: Double(minute))]))
        }
        // Committed newest first, so ordering comes from the query, not insertion.
        _ = try await store.commit(WriteBatch(frames: frames.reversed()))
    }

    @Test("filters, ordering and limit")
    func filters() async throws {
        try await withStore { store, _ in
            try await Self.seed(store)
            let all = try await store.readings(ReadingQuery())
            #expect(all.count == 14)
            #expect(all.map(\.dataTimeUnix) == all.map(\.dataTimeUnix).sorted())

            let a = try await store.readings(ReadingQuery(mn: Sample.mnA))
            #expect(a.count == 11)
            #expect(a.allSatisfy { $0.mn == Sample.mnA })

            let so2 = try await store.readings(ReadingQuery(mn: Sample.mnA, pollutant: "a21026", kind: .realtime))
            #expect(so2.map(\.reading.rtd) == [0, 1, 2, 3, 4])

            let hour = try await store.readings(ReadingQuery(kind: .hour))
            #expect(hour.count == 1)
            #expect(hour[0].reading.avg == 2)

            // since inclusive, until exclusive.
            let window = try await store.readings(ReadingQuery(
                mn: Sample.mnA, pollutant: "a21026", kind: .realtime, since: Sample.base + 60, until: Sample.base + 180))
            #expect(window.map(\.reading.rtd) == [1, 2])

            let limited = try await store.readings(ReadingQuery(mn: Sample.mnA, pollutant: "a21026", kind: .realtime, limit: 2))
            #expect(limited.map(\.reading.rtd) == [0, 1])

            let sinceOnly = try await store.readings(ReadingQuery(since: Sample.base + 150))
            #expect(sinceOnly.map(\.dataTimeUnix) == [Sample.base + 150, Sample.base + 180, Sample.base + 180, Sample.base + 240, Sample.base + 240])

            let none = try await store.readings(ReadingQuery(mn: "NOSUCHMN"))
            #expect(none.isEmpty)
            #expect(try await store.readings(ReadingQuery(limit: 0)).isEmpty)
        }
    }

    @Test("queries use the keys: by device through records_by_key, in its order; frames by (QN, MN); a day's periods from an index alone")
    func queryPlans() async throws {
        try await withStore { store, _ in
            func plan(_ query: ReadingQuery) async throws -> String {
                let (sql, arguments) = SQLiteStore.readingsSQL(query)
                return try await store.pool.read { db in
                    try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments)
                        .map { $0["detail"] as String }.joined(separator: "; ")
                }
            }
            let byDevice = try await plan(ReadingQuery(mn: Sample.mnA, pollutant: "a21026", kind: .realtime, since: 0, until: 10))
            #expect(byDevice.contains("records_by_key"))
            // Records come in key order: nothing is sorted.
            #expect(!byDevice.contains("TEMP B-TREE"))
            let oneDeviceOneKind = try await plan(ReadingQuery(mn: Sample.mnA, kind: .hour, since: 0, until: 10, limit: 5))
            #expect(oneDeviceOneKind.contains("records_by_key"))
            #expect(!oneDeviceOneKind.contains("TEMP B-TREE"))
            let oneDeviceAllKinds = try await plan(ReadingQuery(mn: Sample.mnA, since: 0, until: 10))
            #expect(oneDeviceAllKinds.contains("records_by_key"))
            // frameStored: a device's records by the key's MN prefix, the other frames by QN.
            let frame = try await store.pool.read { db in
                try Row.fetchAll(db, sql: """
                    EXPLAIN QUERY PLAN SELECT EXISTS (SELECT 1 FROM records WHERE mn = ?1 AND qn = ?2)
                        OR EXISTS (SELECT 1 FROM frames WHERE mn = ?1 AND qn = ?2)
                    """, arguments: ["a", "b"])
                    .map { $0["detail"] as String }.joined()
            }
            #expect(frame.contains("records_by_key"))
            #expect(frame.contains("frames_by_qn"))
            let summary = try await store.pool.read { db in
                try Row.fetchAll(db, sql: """
                    EXPLAIN QUERY PLAN SELECT kind, data_time_unix, readings FROM records
                    WHERE mn = ?1 AND kind IN ('realtime', 'minute', 'hour') AND data_time_unix >= ?2 AND data_time_unix < ?3
                    """, arguments: ["a", 0, 10])
                    .map { $0["detail"] as String }.joined()
            }
            #expect(summary.contains("records_by_key"))
            // A day's judged periods for publication: from the index alone, never the table.
            let digests = try await store.pool.read { db in
                try Row.fetchAll(db, sql: """
                    EXPLAIN QUERY PLAN SELECT mn, pollutant, start_unix, status, judged, cou, flags, judgement, multiple
                    FROM periods WHERE basis = ? AND start_unix >= ? AND start_unix < ?
                    """, arguments: ["hour", 0, 10])
                    .map { $0["detail"] as String }.joined()
            }
            #expect(digests.contains("COVERING INDEX periods_by_time"))
        }
    }

    @Test("frameStored answers by (MN, QN)")
    func frameStored() async throws {
        try await withStore { store, _ in
            try await Self.seed(store)
            #expect(try await store.frameStored(mn: Sample.mnA, qn: "A3"))
            #expect(try await store.frameStored(mn: Sample.mnB, qn: "B0"))
            #expect(try await !store.frameStored(mn: Sample.mnB, qn: "A3"))
            #expect(try await !store.frameStored(mn: Sample.mnA, qn: "A9"))
        }
    }
}

@Suite("SQLiteStore: rejects and devices")
struct SQLiteStoreRejectDeviceTests {
    @Test("rejects keep their raw bytes, including non-UTF-8 and empty ones")
    func rejects() async throws {
        try await withStore { store, _ in
            let binary: [UInt8] = [0x23, 0x23, 0x00, 0xFF, 0xFE, 0xC3, 0x28, 0x80, 0x0D, 0x0A]
            let text = Array("##0101QN=1;ST=32;CN=2011;PW=123456;MN=X;CP=&&&&ABCD\r\n".utf8)
            let records = [
                RejectRecord(receivedAtMillis: 3_000, peer: "1.2.3.4:5", mn: nil, reason: "junk", detail: "not a frame", raw: binary),
                RejectRecord(receivedAtMillis: 1_000, peer: "1.2.3.4:5", mn: Sample.mnA, reason: "crc_mismatch", detail: "CRC is ABCD, expected 1234", raw: text),
                RejectRecord(receivedAtMillis: 2_000, peer: "5.6.7.8:9", mn: Sample.mnB, reason: "wrong_password", detail: "the password does not match", raw: []),
            ]
            _ = try await store.commit(WriteBatch(rejects: records))

            let all = try await store.rejects(RejectQuery())
            #expect(all.map(\.record) == [records[1], records[2], records[0]])
            #expect(all[2].record.raw == binary)
            #expect(all[1].record.raw.isEmpty)
            #expect(Set(all.map(\.id)).count == 3)

            #expect(try await store.rejects(RejectQuery(mn: Sample.mnB)).map(\.record.reason) == ["wrong_password"])
            #expect(try await store.rejects(RejectQuery(sinceMillis: 2_000)).map(\.record.receivedAtMillis) == [2_000, 3_000])
            #expect(try await store.rejects(RejectQuery(untilMillis: 2_000)).map(\.record.receivedAtMillis) == [1_000])
            #expect(try await store.rejects(RejectQuery(limit: 1)).map(\.record.receivedAtMillis) == [1_000])
            #expect(try await store.counts().rejects == 3)
        }
    }

    @Test("device activity: last seen, uploads today and rejects today")
    func deviceActivity() async throws {
        try await withStore { store, _ in
            // Beijing midnight of the sample day (Sample.base is 08:00 there): the day the
            // frames' default receivedDayStartMillis names.
            let dayStart = Sample.base * 1000 - 8 * 3_600_000
            let frames = [
                Sample.frame(qn: "Y1", receivedAt: dayStart - 10, readings: [Sample.reading("a21026", rtd: 1)]),  // the day before
                Sample.frame(qn: "T1", at: Sample.base + 60, receivedAt: dayStart + 60_000, readings: [Sample.reading("a21026", rtd: 2)]),
                Sample.frame(qn: "T2", at: Sample.base + 120, receivedAt: dayStart + 120_000, readings: [Sample.reading("a21026", rtd: 3)]),
                Sample.frame(mn: Sample.mnB, qn: "B1", receivedAt: dayStart + 5, readings: [Sample.reading("w01018", rtd: 4)]),
            ]
            let events = [
                DeviceEvent(kind: .seen, mn: Sample.mnA, atMillis: dayStart + 120_000, qn: "T2", cn: "2011", connection: "node1/7", peer: "10.0.0.7:40001"),
                // Older, arriving later in the batch: must not win.
                DeviceEvent(kind: .seen, mn: Sample.mnA, atMillis: dayStart + 60_000, qn: "T1", cn: "2011", connection: "node1/3", peer: "10.0.0.7:39999"),
                DeviceEvent(kind: .seen, mn: Sample.mnB, atMillis: dayStart + 5, qn: "B1", cn: "2011", connection: "node1/8", peer: "10.0.0.8:1"),
            ]
            let rejects = [
                RejectRecord(receivedAtMillis: dayStart + 1, peer: "9.9.9.9:1", mn: "UNKNOWNMN", reason: "unknown_mn", detail: "", raw: [1]),
                RejectRecord(receivedAtMillis: dayStart + 2, peer: "10.0.0.8:1", mn: Sample.mnB, reason: "wrong_password", detail: "", raw: [2]),
                RejectRecord(receivedAtMillis: dayStart + 3, peer: "10.0.0.8:1", mn: Sample.mnB, reason: "wrong_password", detail: "", raw: [3]),
                RejectRecord(receivedAtMillis: dayStart - 3, peer: "10.0.0.8:1", mn: Sample.mnB, reason: "wrong_password", detail: "", raw: [4]),
                RejectRecord(receivedAtMillis: dayStart + 4, peer: "6.6.6.6:1", mn: nil, reason: "junk", detail: "", raw: [5]),
            ]
            _ = try await store.commit(WriteBatch(frames: frames, rejects: rejects, events: events))
            // A command answer, later, updates the device too.
            let answer = DeviceEvent(
                kind: .commandAnswer, mn: Sample.mnB, atMillis: dayStart + 200_000, qn: "20261128080320000", cn: "9012",
                connection: "node1/9", peer: "10.0.0.8:2", detail: "ExeRtn=1")
            _ = try await store.commit(WriteBatch(events: [answer]))

            let activity = try await store.deviceActivity(dayStart: dayStart, until: dayStart + 86_400_000)
            #expect(activity.map(\.mn) == [Sample.mnA, Sample.mnB, "UNKNOWNMN"].sorted())
            let a = try #require(activity.first { $0.mn == Sample.mnA })
            #expect(a == DeviceActivity(
                mn: Sample.mnA, lastSeenMillis: dayStart + 120_000, lastQN: "T2", connection: "node1/7",
                peer: "10.0.0.7:40001", framesToday: 2, rejectsToday: 0))
            let b = try #require(activity.first { $0.mn == Sample.mnB })
            #expect(b == DeviceActivity(
                mn: Sample.mnB, lastSeenMillis: dayStart + 200_000, lastQN: "20261128080320000", connection: "node1/9",
                peer: "10.0.0.8:2", framesToday: 1, rejectsToday: 2))
            let unknown = try #require(activity.first { $0.mn == "UNKNOWNMN" })
            #expect(unknown == DeviceActivity(
                mn: "UNKNOWNMN", lastSeenMillis: nil, lastQN: nil, connection: nil, peer: nil, framesToday: 0, rejectsToday: 1))

            // The day before: B's early reject. A device keeps the count of its latest day only,
            // so A's upload of the day before is not counted there; seen devices are still listed.
            let before = try await store.deviceActivity(dayStart: dayStart - 86_400_000, until: dayStart)
            #expect(before.map(\.mn) == [Sample.mnA, Sample.mnB])
            #expect(before.map(\.framesToday) == [0, 0])
            #expect(before.map(\.rejectsToday) == [0, 1])

            let answers = try await store.commandAnswers(mn: Sample.mnB, qn: "20261128080320000")
            #expect(answers == [StoredCommandAnswer(mn: Sample.mnB, qn: "20261128080320000", cn: "9012", atMillis: dayStart + 200_000, detail: "ExeRtn=1")])
        }
    }
}

@Suite("SQLiteStore: files, durability, migrations, errors")
struct SQLiteStoreFileTests {
    @Test("data survives close and reopen; migrating again changes nothing")
    func reopen() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let first = try await database.open()
        try await first.migrate()  // twice on the same handle
        _ = try await first.commit(WriteBatch(
            frames: [Sample.frame(qn: "Q1", readings: [SQLiteStoreCommitTests.fullReading()])],
            rejects: [RejectRecord(receivedAtMillis: 1, peer: "p", mn: nil, reason: "junk", detail: "d", raw: [0xFF])],
            events: [DeviceEvent(kind: .seen, mn: Sample.mnA, atMillis: 5, qn: "Q1", cn: "2011", connection: "c", peer: "p")]))
        let before = try await first.readings(ReadingQuery())
        try await first.close()

        let second = try await database.open()
        let counts = try await second.counts()
        #expect(counts == (1, 1, 1))
        #expect(try await second.readings(ReadingQuery()) == before)
        #expect(try await second.frameStored(mn: Sample.mnA, qn: "Q1"))
        #expect(try await second.rejects(RejectQuery()).first?.record.raw == [0xFF])
        #expect(try await second.deviceActivity(dayStart: 0, until: 10).first?.lastQN == "Q1")
        let applied = try await second.pool.read { db in try SQLiteStore.migrator.appliedMigrations(db) }
        #expect(applied == ["v1", "v2-compliance", "v3-records", "v4-frame-counts", "v5-period-digests"])
        // A resend after the restart is still a duplicate.
        let again = try await second.commit(WriteBatch(frames: [Sample.frame(qn: "Q1", readings: [SQLiteStoreCommitTests.fullReading()])]))
        #expect(again.frames == [FrameOutcome(duplicates: 1)])
        try await second.close()
    }

    @Test("durability maps to PRAGMA synchronous, in WAL mode", arguments: [(Durability.full, 2), (Durability.normal, 1)])
    func durability(_ setting: Durability, expected: Int) async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try await database.open(durability: setting)
        let (synchronous, journal) = try await store.pool.writeWithoutTransaction { db in
            (try Int.fetchOne(db, sql: "PRAGMA synchronous"), try String.fetchOne(db, sql: "PRAGMA journal_mode"))
        }
        #expect(synchronous == expected)
        #expect(journal == "wal")
        #expect(FileManager.default.fileExists(atPath: database.path))
        try await store.close()
    }

    @Test("a file that is not a database gives a StoreError in plain words")
    func notADatabase() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let url = URL(fileURLWithPath: database.path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(repeating: 0x41, count: 8192).write(to: url)
        let error = try await #require(throws: StoreError.self) {
            let store = try SQLiteStore(path: database.path, logger: LogCapture().logger)
            try await store.migrate()
        }
        #expect(error.reason.contains("not a readable gateway database"))
    }

    @Test("a folder that cannot be created gives a StoreError")
    func badFolder() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        try FileManager.default.createDirectory(at: database.folder, withIntermediateDirectories: true)
        let blocker = database.folder.appendingPathComponent("file")
        try Data("x".utf8).write(to: blocker)
        let error = #expect(throws: StoreError.self) {
            _ = try SQLiteStore(path: blocker.appendingPathComponent("db.sqlite").path, logger: LogCapture().logger)
        }
        #expect(error?.operation.contains("opening") == true)
    }

    @Test("a second store on the same file (the CLI) reads while the gateway writes")
    func concurrentReader() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let gateway = try await database.open()
        let cli = try await database.open()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for batch in 0..<20 {
                    let frames = (0..<50).map { index in
                        Sample.frame(mn: "MN\(index)", qn: "Q\(batch)", at: Sample.base + Int64(batch) * 30, readings: [
                            Sample.reading("a21026", rtd: Double(batch)), Sample.reading("a21002", rtd: 1),
                        ])
                    }
                    _ = try await gateway.commit(WriteBatch(frames: frames))
                }
            }
            group.addTask {
                var last = 0
                for _ in 0..<40 {
                    let seen = try await cli.counts().readings
                    #expect(seen >= last)  // whole commits only, never going back
                    #expect(seen % 100 == 0)
                    last = seen
                }
            }
            try await group.waitForAll()
        }
        #expect(try await cli.counts().readings == 2_000)
        try await cli.close()
        try await gateway.close()
    }

    @Test("a closed store throws instead of crashing")
    func closed() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try await database.open()
        try await store.close()
        await #expect(throws: StoreError.self) {
            _ = try await store.commit(WriteBatch(frames: [Sample.frame(readings: [Sample.reading("a21026", rtd: 1)])]))
        }
        await #expect(throws: StoreError.self) {
            _ = try await store.readings(ReadingQuery())
        }
    }

    @Test("a database without the schema says how to fix it")
    func unmigrated() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try SQLiteStore(path: database.path, logger: LogCapture().logger)
        let error = await #expect(throws: StoreError.self) {
            _ = try await store.readings(ReadingQuery())
        }
        #expect(error?.reason.contains("no gateway schema") == true)
        try await store.close()
    }
}

@Suite("Suffix coding")
struct SuffixCodingTests {
    @Test("other suffixes round-trip, order and repeats kept")
    func roundTrip() {
        let values: [Reading.SuffixValue] = [
            .init(suffix: "Ala", value: "1"),
            .init(suffix: "Ala", value: ""),
            .init(suffix: "X", value: "\"\\/\u{01}\u{1F}\n\r\t 中文 🌫"),
        ]
        let text = SuffixCoding.encode(values)
        #expect(SuffixCoding.decode(text) == values)
        #expect(SuffixCoding.encode([.init(suffix: "Ala", value: "1")]) == #"[["Ala","1"]]"#)
        #expect(SuffixCoding.decode("{") == nil)
        #expect(SuffixCoding.decode(#"[["a"]]"#) == nil)
    }
}
