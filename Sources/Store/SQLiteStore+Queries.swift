import Foundation
import GRDB
import HJ212

extension SQLiteStore {
    public func readings(_ query: ReadingQuery) async throws -> [StoredReading] {
        let (sql, arguments) = Self.readingsSQL(query)
        do {
            return try await pool.read { [sql, arguments] db in
                var result: [StoredReading] = []
                let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
                while let row = try rows.next() {
                    result.append(try Self.storedReading(row))
                }
                return result
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(wrapping: error, operation: "reading stored readings")
        }
    }

    public func rejects(_ query: RejectQuery) async throws -> [StoredReject] {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let since = query.sinceMillis {
            conditions.append("received_at >= ?")
            arguments += [since]
        }
        if let until = query.untilMillis {
            conditions.append("received_at < ?")
            arguments += [until]
        }
        if let mn = query.mn {
            conditions.append("mn = ?")
            arguments += [mn]
        }
        var sql = "SELECT id, received_at, peer, mn, reason, detail, raw FROM rejects"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY received_at, id"
        if let limit = query.limit {
            sql += " LIMIT ?"
            arguments += [Swift.max(limit, 0)]
        }
        do {
            return try await pool.read { [sql, arguments] db in
                try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                    let raw: Data = row["raw"] ?? Data()
                    return StoredReject(
                        id: row["id"],
                        record: RejectRecord(
                            receivedAtMillis: row["received_at"], peer: row["peer"], mn: row["mn"],
                            reason: row["reason"], detail: row["detail"], raw: [UInt8](raw)))
                }
            }
        } catch {
            throw StoreError(wrapping: error, operation: "reading stored rejects")
        }
    }

    /// Every device that was ever seen, plus every MN that uploaded or was rejected in
    /// `since..<until` (Unix milliseconds of reception), ordered by MN.
    public func deviceActivity(since: Int64, until: Int64) async throws -> [DeviceActivity] {
        do {
            return try await pool.read { db in
                var activity: [String: DeviceActivity] = [:]
                func entry(_ mn: String) -> DeviceActivity {
                    activity[mn] ?? DeviceActivity(
                        mn: mn, lastSeenMillis: nil, lastQN: nil, connection: nil, peer: nil,
                        framesInPeriod: 0, rejectsInPeriod: 0)
                }
                for row in try Row.fetchAll(db, sql: "SELECT mn, last_seen, last_qn, connection, peer FROM devices") {
                    let mn: String = row["mn"]
                    var device = entry(mn)
                    device.lastSeenMillis = row["last_seen"]
                    device.lastQN = row["last_qn"]
                    device.connection = row["connection"]
                    device.peer = row["peer"]
                    activity[mn] = device
                }
                let frames = try Row.fetchAll(
                    db,
                    sql: "SELECT mn, count(*) AS n FROM frames WHERE received_at >= ? AND received_at < ? GROUP BY mn",
                    arguments: [since, until])
                for row in frames {
                    let mn: String = row["mn"]
                    var device = entry(mn)
                    device.framesInPeriod = row["n"]
                    activity[mn] = device
                }
                let rejects = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT mn, count(*) AS n FROM rejects
                        WHERE mn IS NOT NULL AND received_at >= ? AND received_at < ? GROUP BY mn
                        """,
                    arguments: [since, until])
                for row in rejects {
                    let mn: String = row["mn"]
                    var device = entry(mn)
                    device.rejectsInPeriod = row["n"]
                    activity[mn] = device
                }
                return activity.values.sorted { $0.mn < $1.mn }
            }
        } catch {
            throw StoreError(wrapping: error, operation: "reading device activity")
        }
    }

    /// The 9011/9012 answers recorded for a command, oldest first.
    public func commandAnswers(mn: String, qn: String) async throws -> [StoredCommandAnswer] {
        do {
            return try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: "SELECT mn, qn, cn, at, detail FROM command_answers WHERE mn = ? AND qn = ? ORDER BY at, id",
                    arguments: [mn, qn]
                ).map { row in
                    StoredCommandAnswer(mn: row["mn"], qn: row["qn"], cn: row["cn"], atMillis: row["at"], detail: row["detail"])
                }
            }
        } catch {
            throw StoreError(wrapping: error, operation: "reading command answers for \(mn)/\(qn)")
        }
    }

    /// The SELECT for a reading query, with its arguments.
    static func readingsSQL(_ query: ReadingQuery) -> (String, StatementArguments) {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let mn = query.mn {
            conditions.append("mn = ?")
            arguments += [mn]
        }
        if let kind = query.kind {
            conditions.append("kind = ?")
            arguments += [kind.rawValue]
            // Across devices, repeats the partial index's condition word for word, so that SQLite
            // may use readings_by_time for a time range. For one device the primary key
            // (mn, kind, time) is the right path, and the hint would lure the planner away from it.
            if kind != .realtime && query.mn == nil { conditions.append("kind <> 'realtime'") }
        }
        if let pollutant = query.pollutant {
            conditions.append("pollutant = ?")
            arguments += [pollutant]
        }
        if let since = query.since {
            conditions.append("data_time_unix >= ?")
            arguments += [since]
        }
        if let until = query.until {
            conditions.append("data_time_unix < ?")
            arguments += [until]
        }
        var sql = """
            SELECT mn, kind, data_time_unix, pollutant, pol_id, data_time, raw_code,
                rtd, min, avg, max, cou, zs_rtd, zs_min, zs_avg, zs_max, raw_avg,
                flag, eflag, sample_time, other, edition, backfill, received_at, connection, qn
            FROM readings
            """
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        // Oldest first, ties in key order. With mn and kind fixed (left out here) this is the
        // primary key's own order, so SQLite streams the rows without sorting.
        var order = ["data_time_unix"]
        if query.mn == nil { order.append("mn") }
        if query.kind == nil { order.append("kind") }
        order += ["pollutant", "pol_id"]
        sql += " ORDER BY " + order.joined(separator: ", ")
        if let limit = query.limit {
            sql += " LIMIT ?"
            arguments += [Swift.max(limit, 0)]
        }
        return (sql, arguments)
    }

    static func storedReading(_ row: Row) throws -> StoredReading {
        let mn: String = row[0]
        let kindText: String = row[1]
        let dataTimeText: String = row[5]
        let editionText: String = row[21]
        let backfillValue: Int = row[22]
        guard let kind = DataKind(rawValue: kindText), let dataTime = LocalDateTime(hj212: dataTimeText),
              let edition = Edition(rawValue: editionText), let backfill = Backfill(rawValue: backfillValue)
        else {
            throw StoreError(
                operation: "reading stored readings",
                reason: "a stored row for \(mn) has a value this version cannot read (kind \(kindText), data_time \(dataTimeText), edition \(editionText), backfill \(backfillValue))",
                remedy: "The file may come from a newer gateway or have been edited by hand; run the matching gateway version.")
        }
        let code: String = row[3]
        let polId: String = row[4]
        var reading = Reading(code: code, rawCode: row[6] as String?, polId: polId.isEmpty ? nil : polId)
        for (offset, field) in Reading.NumericField.allCases.enumerated() {
            reading[field] = row[7 + offset] as Double?
        }
        if let flag: String = row[17] { reading.flag = DataFlag(rawValue: flag) }
        reading.eFlag = row[18]
        reading.sampleTime = row[19]
        if let other: String = row[20] {
            guard let values = SuffixCoding.decode(other) else {
                throw StoreError(
                    operation: "reading stored readings",
                    reason: "the extra suffixes stored for \(mn) \(code) at \(dataTimeText) are unreadable",
                    remedy: "The file may have been edited by hand; restore it from a backup.")
            }
            reading.other = values
        }
        return StoredReading(
            mn: mn, kind: kind, dataTime: dataTime, dataTimeUnix: row[2], reading: reading, edition: edition,
            backfill: backfill, receivedAtMillis: row[23], connection: row[24], qn: row[25])
    }
}
