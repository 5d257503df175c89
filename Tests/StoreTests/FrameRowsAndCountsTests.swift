import GRDB
import HJ212
import Testing
@testable import Store

/// Since `v4-frame-counts`: a frame that creates its record adds no `frames` row, and each
/// device keeps its count of today's uploads.
@Suite("Frames told by records, and uploads counted per device and day")
struct FrameRowsAndCountsTests {
    static func frameRows(_ store: SQLiteStore) async throws -> [String] {
        try await store.pool.read { db in try String.fetchAll(db, sql: "SELECT coalesce(qn, '-') FROM frames ORDER BY id") }
    }

    static let dayStart = Sample.base * 1000 - 8 * 3_600_000
    static let day: Int64 = 86_400_000

    @Test("a frame that creates its record adds no row; a piece, a resend under a new QN and an empty upload do")
    func frameRows() async throws {
        try await withStore { store, _ in
            let first = Sample.frame(qn: "Q1", readings: [Sample.reading("a21026", rtd: 1)])
            _ = try await store.commit(WriteBatch(frames: [first]))
            #expect(try await Self.frameRows(store).isEmpty)
            #expect(try await store.frameStored(mn: Sample.mnA, qn: "Q1"))

            // Another piece under the same QN (a split upload) is told by the record already.
            let piece = Sample.frame(qn: "Q1", readings: [Sample.reading("a01011", rtd: 2)])
            #expect(try await store.commit(WriteBatch(frames: [piece])).frames == [FrameOutcome(inserted: 1)])
            #expect(try await Self.frameRows(store).isEmpty)

            // A piece and a resend under new QNs, and an upload without readings, get rows.
            let later = Sample.frame(qn: "Q2", readings: [Sample.reading("a34013", rtd: 3)])
            let resent = Sample.frame(qn: "Q3", readings: [Sample.reading("a21026", rtd: 1)])
            let empty = Sample.frame(qn: "Q4", readings: [])
            _ = try await store.commit(WriteBatch(frames: [later, resent, empty]))
            #expect(try await Self.frameRows(store) == ["Q2", "Q3", "Q4"])
            // Resending any of them again adds nothing.
            _ = try await store.commit(WriteBatch(frames: [first, later, resent, empty]))
            #expect(try await Self.frameRows(store) == ["Q2", "Q3", "Q4"])

            for qn in ["Q1", "Q2", "Q3", "Q4"] {
                #expect(try await store.frameStored(mn: Sample.mnA, qn: qn), "\(qn)")
            }
            #expect(try await !store.frameStored(mn: Sample.mnA, qn: "Q5"))
            #expect(try await !store.frameStored(mn: Sample.mnB, qn: "Q1"))
            // One record and three other frames: four uploads.
            #expect(try await store.counts().frames == 4)
        }
    }

    @Test("today's uploads add up per device and day, and start again on the next day")
    func countsPerDay() async throws {
        try await withStore { store, _ in
            func upload(_ qn: String, at offset: Int64, mn: String = Sample.mnA) -> IngestFrame {
                Sample.frame(
                    mn: mn, qn: qn, at: Sample.base + offset / 1000, receivedAt: Self.dayStart + offset,
                    readings: [Sample.reading("a21026", rtd: 1)])
            }
            func seen(_ qn: String, at offset: Int64) -> DeviceEvent {
                DeviceEvent(kind: .seen, mn: Sample.mnA, atMillis: Self.dayStart + offset, qn: qn, cn: "2011", connection: "node1/7", peer: "p")
            }
            func today(_ dayStart: Int64 = Self.dayStart) async throws -> [String: Int] {
                let activity = try await store.deviceActivity(dayStart: dayStart, until: dayStart + Self.day)
                return Dictionary(uniqueKeysWithValues: activity.map { ($0.mn, $0.framesToday) })
            }

            _ = try await store.commit(WriteBatch(frames: [upload("A1", at: 1_000), upload("A2", at: 2_000)], events: [seen("A2", at: 2_000)]))
            #expect(try await today() == [Sample.mnA: 2])
            // An upload with no "seen" event in its batch (the gateway records none for uploads) counts.
            _ = try await store.commit(WriteBatch(frames: [upload("A3", at: 3_000)]))
            #expect(try await today() == [Sample.mnA: 3])
            // A device first heard of through an upload alone gets its row, with that upload's state.
            _ = try await store.commit(WriteBatch(frames: [upload("B1", at: 4_000, mn: Sample.mnB)]))
            let b = try #require(try await store.deviceActivity(dayStart: Self.dayStart, until: Self.dayStart + Self.day).first { $0.mn == Sample.mnB })
            #expect(b.lastSeenMillis == Self.dayStart + 4_000)
            #expect(b.lastQN == "B1")
            #expect(b.framesToday == 1)
            // A resend is an upload received today too.
            _ = try await store.commit(WriteBatch(frames: [upload("A3", at: 3_000)]))
            #expect(try await today()[Sample.mnA] == 4)

            // The next day starts again; a late upload of the day before does not count into it.
            let next = upload("N1", at: Self.day + 60_000)
            var late = upload("A9", at: 5_000)
            late.receivedAtMillis = Self.dayStart + Self.day + 70_000
            late.receivedDayStartMillis = Self.dayStart
            _ = try await store.commit(WriteBatch(frames: [next]))
            _ = try await store.commit(WriteBatch(frames: [late]))
            #expect(try await today(Self.dayStart + Self.day)[Sample.mnA] == 1)
            #expect(try await today()[Sample.mnA] == 0)

            // A batch across midnight counts the new day's uploads only.
            let beforeMidnight = upload("M1", at: 2 * Self.day - 1)
            let afterMidnight = upload("M2", at: 2 * Self.day + 1)
            _ = try await store.commit(WriteBatch(frames: [beforeMidnight, afterMidnight]))
            #expect(try await today(Self.dayStart + 2 * Self.day)[Sample.mnA] == 1)
            // The state is the latest upload's.
            let a = try #require(try await store.deviceActivity(dayStart: 0, until: 0).first { $0.mn == Sample.mnA })
            #expect(a.lastQN == "M2")
            #expect(a.lastSeenMillis == Self.dayStart + 2 * Self.day + 1)
        }
    }

    @Test("an upload later than a seen event of the same batch gives the device its state, and its count once")
    func uploadAfterEvent() async throws {
        try await withStore { store, _ in
            let heartbeat = DeviceEvent(
                kind: .seen, mn: Sample.mnA, atMillis: Self.dayStart + 2_000, qn: "H1", cn: "9015", connection: "node1/7", peer: "p")
            let early = Sample.frame(qn: "U1", receivedAt: Self.dayStart + 1_000, readings: [Sample.reading("a21026", rtd: 1)])
            let late = Sample.frame(qn: "U2", at: Sample.base + 60, receivedAt: Self.dayStart + 3_000, readings: [Sample.reading("a21026", rtd: 2)])
            _ = try await store.commit(WriteBatch(frames: [early, late], events: [heartbeat]))
            let a = try #require(try await store.deviceActivity(dayStart: Self.dayStart, until: Self.dayStart + Self.day).first)
            #expect(a.lastQN == "U2")
            #expect(a.lastSeenMillis == Self.dayStart + 3_000)
            #expect(a.framesToday == 2)
            // A later heartbeat takes over the state and leaves the count alone.
            let later = DeviceEvent(
                kind: .seen, mn: Sample.mnA, atMillis: Self.dayStart + 4_000, qn: "H2", cn: "9015", connection: "node1/8", peer: "p")
            _ = try await store.commit(WriteBatch(events: [later]))
            let b = try #require(try await store.deviceActivity(dayStart: Self.dayStart, until: Self.dayStart + Self.day).first)
            #expect(b.lastQN == "H2")
            #expect(b.connection == "node1/8")
            #expect(b.framesToday == 2)
        }
    }

    @Test("a file not migrated to v4 yet (the CLI opens it as it is) counts today's uploads by frames rows")
    func unmigratedFile() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let file = try V1Reference(path: database.path)
        _ = try file.commit([
            Sample.frame(qn: "T1", receivedAt: Self.dayStart + 1_000, readings: [Sample.reading("a21026", rtd: 1)]),
            Sample.frame(qn: "T2", at: Sample.base + 60, receivedAt: Self.dayStart + 2_000, readings: [Sample.reading("a21026", rtd: 2)]),
            Sample.frame(qn: "Y1", at: Sample.base - 60, receivedAt: Self.dayStart - 1_000, readings: [Sample.reading("a21026", rtd: 3)]),
        ])
        try file.close()
        let queue = try DatabaseQueue(path: database.path)
        try await queue.write { db in
            try db.execute(
                sql: "INSERT INTO devices (mn, last_seen, last_qn, connection, peer) VALUES (?, ?, 'T2', 'node1/7', 'p')",
                arguments: [Sample.mnA, Self.dayStart + 2_000])
        }
        try queue.close()

        let store = try SQLiteStore(path: database.path)
        let activity = try await store.deviceActivity(dayStart: Self.dayStart, until: Self.dayStart + Self.day)
        try await store.close()
        #expect(activity.map(\.mn) == [Sample.mnA])
        #expect(activity.first?.framesToday == 2)
        #expect(activity.first?.lastQN == "T2")
    }

    @Test("the default day of an upload is the Beijing day it was received in")
    func beijingDay() {
        // 2026-11-28 23:59:59.999 and 2026-11-29 00:00:00.000 in Beijing.
        let midnight: Int64 = 1_795_881_600_000
        #expect(IngestFrame.beijingDayStart(midnight - 1) == midnight - 86_400_000)
        #expect(IngestFrame.beijingDayStart(midnight) == midnight)
        #expect(IngestFrame.beijingDayStart(midnight + 86_399_999) == midnight)
        #expect(IngestFrame.beijingDayStart(-1) == -8 * 3_600_000)
    }
}
