import Foundation
import GRDB
import HJ212
@testable import Store

/// The store as it was before records: the v1 schema (one `readings` row per reading), its write
/// path and its queries, ported unchanged in meaning. The records store must answer everything
/// exactly as this does, and a file it writes is what the v3 migration converts.
final class V1Reference {
    let queue: DatabaseQueue

    /// An in-memory reference, or one in a file (to be migrated later).
    init(path: String? = nil) throws {
        if let path {
            try FileManager.default.createDirectory(
                at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            queue = try DatabaseQueue(path: path)
        } else {
            queue = try DatabaseQueue()
        }
        try SQLiteStore.migrator.migrate(queue, upTo: "v2-compliance")
    }

    func close() throws { try queue.close() }

    // MARK: Writing (v1's BatchWriter)

    func commit(_ frames: [IngestFrame]) throws -> BatchOutcome {
        try queue.write { db in
            var outcomes: [FrameOutcome] = []
            var conflicts: [ReadingConflict] = []
            for frame in frames {
                var outcome = FrameOutcome()
                var start = 0
                while start < frame.readings.count {
                    let end = min(start + 32, frame.readings.count)
                    try Self.insert(frame.readings[start..<end], of: frame, db: db, outcome: &outcome, conflicts: &conflicts)
                    start = end
                }
                if frame.qn != nil || outcome.inserted > 0 || frame.readings.isEmpty {
                    try db.execute(sql: """
                        INSERT OR IGNORE INTO frames (mn, qn, cn, kind, data_time_unix, received_at, connection, peer, reading_count)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [
                            frame.mn, frame.qn, frame.cn, frame.kind.rawValue, frame.dataTimeUnix, frame.receivedAtMillis,
                            frame.connection, frame.peer, frame.readings.count,
                        ])
                }
                outcomes.append(outcome)
            }
            return BatchOutcome(frames: outcomes, conflicts: conflicts)
        }
    }

    private static func insert(
        _ readings: ArraySlice<Reading>, of frame: IngestFrame, db: Database, outcome: inout FrameOutcome,
        conflicts: inout [ReadingConflict]
    ) throws {
        var sql = """
            INSERT INTO readings (mn, kind, data_time_unix, data_time, edition, backfill, received_at, connection, qn,
                pollutant, pol_id, raw_code, rtd, min, avg, max, cou, zs_rtd, zs_min, zs_avg, zs_max, raw_avg,
                flag, eflag, sample_time, other)
            VALUES
            """
        var arguments = StatementArguments()
        for (row, reading) in readings.enumerated() {
            sql += (row == 0 ? " " : ", ") + "(" + Array(repeating: "?", count: 26).joined(separator: ", ") + ")"
            arguments += [
                frame.mn, frame.kind.rawValue, frame.dataTimeUnix, frame.dataTime.hj212, frame.edition.rawValue,
                frame.backfill.rawValue, frame.receivedAtMillis, frame.connection, frame.qn,
                reading.code, reading.polId ?? "", reading.rawCode == reading.code ? nil : reading.rawCode,
            ]
            for field in Reading.NumericField.allCases { arguments += [reading[field]] }
            arguments += [
                reading.flag?.rawValue, reading.eFlag, reading.sampleTime,
                reading.other.isEmpty ? nil : SuffixCoding.encode(reading.other),
            ]
        }
        try db.execute(sql: sql + " ON CONFLICT DO NOTHING", arguments: arguments)
        let inserted = db.changesCount
        outcome.inserted += inserted
        if inserted == readings.count { return }
        var conflicting = 0
        for reading in readings {
            let row = try Row.fetchOne(db, sql: """
                SELECT rtd, min, avg, max, cou, zs_rtd, zs_min, zs_avg, zs_max, raw_avg, flag FROM readings
                WHERE mn = ? AND kind = ? AND data_time_unix = ? AND pollutant = ? AND pol_id = ?
                """, arguments: [frame.mn, frame.kind.rawValue, frame.dataTimeUnix, reading.code, reading.polId ?? ""])
            var same = row != nil
            if let row {
                for (column, field) in Reading.NumericField.allCases.enumerated() {
                    let sent = reading[field].flatMap { $0.isNaN ? nil : $0 }
                    if (row[column] as Double?) != sent { same = false }
                }
                if (row[10] as String?) != reading.flag?.rawValue { same = false }
            }
            if !same {
                conflicting += 1
                conflicts.append(ReadingConflict(mn: frame.mn, kind: frame.kind, dataTime: frame.dataTime, pollutant: reading.code))
            }
        }
        outcome.conflicts += conflicting
        outcome.duplicates += readings.count - inserted - conflicting
    }

    // MARK: Reading (v1's queries)

    func readings(_ query: ReadingQuery) throws -> [StoredReading] {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let mn = query.mn { conditions.append("mn = ?"); arguments += [mn] }
        if let kind = query.kind { conditions.append("kind = ?"); arguments += [kind.rawValue] }
        if let pollutant = query.pollutant { conditions.append("pollutant = ?"); arguments += [pollutant] }
        if let since = query.since { conditions.append("data_time_unix >= ?"); arguments += [since] }
        if let until = query.until { conditions.append("data_time_unix < ?"); arguments += [until] }
        var sql = """
            SELECT mn, kind, data_time_unix, pollutant, pol_id, data_time, raw_code,
                rtd, min, avg, max, cou, zs_rtd, zs_min, zs_avg, zs_max, raw_avg,
                flag, eflag, sample_time, other, edition, backfill, received_at, connection, qn
            FROM readings
            """
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        var order = ["data_time_unix"]
        if query.mn == nil { order.append("mn") }
        if query.kind == nil { order.append("kind") }
        order += ["pollutant", "pol_id"]
        sql += " ORDER BY " + order.joined(separator: ", ")
        if let limit = query.limit { sql += " LIMIT ?"; arguments += [max(limit, 0)] }
        return try queue.read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.storedReading)
        }
    }

    static func storedReading(_ row: Row) throws -> StoredReading {
        let dataTimeText: String = row[5]
        var reading = Reading(code: row[3], rawCode: row[6] as String?, polId: (row[4] as String).isEmpty ? nil : row[4])
        for (offset, field) in Reading.NumericField.allCases.enumerated() {
            reading[field] = row[7 + offset] as Double?
        }
        if let flag: String = row[17] { reading.flag = DataFlag(rawValue: flag) }
        reading.eFlag = row[18]
        reading.sampleTime = row[19]
        if let other: String = row[20] { reading.other = SuffixCoding.decode(other) ?? [] }
        return StoredReading(
            mn: row[0], kind: DataKind(rawValue: row[1])!, dataTime: LocalDateTime(hj212: dataTimeText)!, dataTimeUnix: row[2],
            reading: reading, edition: Edition(rawValue: row[21])!, backfill: Backfill(rawValue: row[22])!,
            receivedAtMillis: row[23], connection: row[24], qn: row[25])
    }

    func count() throws -> (readings: Int, frames: Int) {
        try queue.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM readings") ?? 0, try Int.fetchOne(db, sql: "SELECT count(*) FROM frames") ?? 0)
        }
    }

    func frameStored(mn: String, qn: String) throws -> Bool {
        try queue.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM frames WHERE mn = ? AND qn = ?)", arguments: [mn, qn]) ?? false
        }
    }

    func realtimeSummary(mn: String, from: Int64, until: Int64) throws -> [RealtimeSummary] {
        try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT ? + (data_time_unix - ?) / 3600 * 3600 AS hour, pollutant,
                    MAX(CASE WHEN kind = 'realtime' AND (flag IS NULL OR flag = 'N') THEN rtd END),
                    MAX(CASE WHEN kind = 'realtime' AND (flag IS NULL OR flag = 'N') THEN zs_rtd END),
                    SUM(flag = 'T'), MAX(CASE WHEN flag = 'T' THEN COALESCE(rtd, avg) END), SUM(kind = 'realtime')
                FROM readings
                WHERE mn = ? AND kind IN ('realtime', 'minute', 'hour') AND data_time_unix >= ? AND data_time_unix < ?
                GROUP BY hour, pollutant
                """, arguments: [from, from, mn, from, until]).map { row in
                RealtimeSummary(
                    hourUnix: row[0], pollutant: row[1], maxRtd: row[2], maxZsRtd: row[3], overRangeCount: row[4] ?? 0,
                    overRangePeak: row[5], count: row[6] ?? 0)
            }
        }
    }

    func activeHours(mn: String, from: Int64, until: Int64) throws -> [Int64] {
        try queue.read { db in
            try Int64.fetchAll(db, sql: """
                SELECT DISTINCT ? + (data_time_unix - ?) / 3600 * 3600 AS hour
                FROM readings
                WHERE mn = ? AND kind IN ('realtime', 'minute', 'hour') AND data_time_unix >= ? AND data_time_unix < ?
                ORDER BY hour
                """, arguments: [from, from, mn, from, until])
        }
    }
}
