import Foundation
import GRDB
import HJ212

extension SQLiteStore {
    /// Readings matching `query`: oldest first, ties in key order (MN, kind, pollutant, pol_id).
    ///
    /// Records are read in (time, MN, kind) order and unpacked in Swift; a record's blob holds its
    /// readings in (pollutant, pol_id) order, so the result is in the v1 key order without a sort.
    /// A pollutant filter skips the other readings without building them, and reading stops as
    /// soon as `limit` readings were found.
    public func readings(_ query: ReadingQuery) async throws -> [StoredReading] {
        if let limit = query.limit, limit <= 0 { return [] }
        let (sql, arguments) = Self.readingsSQL(query)
        let pollutant = query.pollutant.map { Array($0.utf8) }
        let limit = query.limit ?? Int.max
        do {
            return try await backgroundRead { [sql, arguments] db in
                var result: [StoredReading] = []
                let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
                while let row = try rows.next() {
                    try Self.unpack(row, pollutant: pollutant, limit: limit, into: &result)
                    if result.count >= limit { break }
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
            return try await backgroundRead { [sql, arguments] db in
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

    /// Every device that was ever seen, with its uploads counted on the day starting at
    /// `dayStart`, plus every MN rejected in `dayStart..<until` (Unix milliseconds of
    /// reception), ordered by MN. Reads `devices` and the rejects of the day: it does not grow
    /// with the uploads stored.
    public func deviceActivity(dayStart: Int64, until: Int64) async throws -> [DeviceActivity] {
        do {
            return try await backgroundRead { db in
                var activity: [String: DeviceActivity] = [:]
                func entry(_ mn: String) -> DeviceActivity {
                    activity[mn] ?? DeviceActivity(
                        mn: mn, lastSeenMillis: nil, lastQN: nil, connection: nil, peer: nil,
                        framesToday: 0, rejectsToday: 0)
                }
                // A file the gateway has not migrated to v4 yet (the CLI opens it as it is)
                // still counts its uploads by `frames` rows.
                let counted = try db.columns(in: "devices").contains { $0.name == "frames_day" }
                let devices = try Row.fetchAll(
                    db,
                    sql: counted
                        ? """
                            SELECT mn, last_seen, last_qn, connection, peer,
                                CASE WHEN frames_day = ? THEN frames_today ELSE 0 END AS frames
                            FROM devices
                            """
                        : """
                            SELECT mn, last_seen, last_qn, connection, peer,
                                (SELECT count(*) FROM frames f WHERE f.mn = devices.mn AND f.received_at >= ?1
                                    AND f.received_at < ?2) AS frames
                            FROM devices
                            """,
                    arguments: counted ? [dayStart] : [dayStart, until])
                for row in devices {
                    let mn: String = row["mn"]
                    var device = entry(mn)
                    device.lastSeenMillis = row["last_seen"]
                    device.lastQN = row["last_qn"]
                    device.connection = row["connection"]
                    device.peer = row["peer"]
                    device.framesToday = row["frames"]
                    activity[mn] = device
                }
                let rejects = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT mn, count(*) AS n FROM rejects
                        WHERE mn IS NOT NULL AND received_at >= ? AND received_at < ? GROUP BY mn
                        """,
                    arguments: [dayStart, until])
                for row in rejects {
                    let mn: String = row["mn"]
                    var device = entry(mn)
                    device.rejectsToday = row["n"]
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
            return try await backgroundRead { db in
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

    /// The SELECT of the records a reading query needs, with its arguments. The pollutant filter
    /// and the limit are applied while unpacking (see ``readings(_:)``).
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
            SELECT mn, kind, data_time_unix, data_time, edition, backfill, received_at, connection, qn, readings
            FROM records
            """
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        // Oldest first, ties in key order. With mn and kind fixed (left out here) this is the
        // order of records_by_key, so SQLite streams the records without sorting. Without an MN
        // the whole table is scanned: no caller reads across devices by time (the CLI asks for
        // an MN, compliance reads device by device), and an index for it would cost every commit.
        var order = ["data_time_unix"]
        if query.mn == nil { order.append("mn") }
        if query.kind == nil { order.append("kind") }
        sql += " ORDER BY " + order.joined(separator: ", ")
        // Every record holds at least one reading, so `limit` records are enough when every
        // reading counts; with a pollutant filter, reading simply stops at the limit.
        if let limit = query.limit, query.pollutant == nil {
            sql += " LIMIT ?"
            arguments += [Swift.max(limit, 0)]
        }
        return (sql, arguments)
    }

    /// Appends a record's readings (those of `pollutant` when given, UTF-8) to `result`, up to `limit` in all.
    static func unpack(_ row: Row, pollutant: [UInt8]?, limit: Int, into result: inout [StoredReading]) throws {
        let mn: String = row[0]
        let kindText: String = row[1]
        let dataTimeUnix: Int64 = row[2]
        let record = RecordProvenance(
            dataTime: row[3], edition: row[4], backfill: row[5], receivedAtMillis: row[6], connection: row[7], qn: row[8])
        guard let kind = DataKind(rawValue: kindText) else {
            throw unreadable(mn: mn, kind: kindText, provenance: record)
        }
        let recordValues = try provenanceValues(record, mn: mn, kind: kindText)
        do {
            try row.withUnsafeData(atIndex: 9) { blob in
                guard let blob else {
                    throw StoreError(
                        operation: "reading stored readings",
                        reason: "the record of \(mn) \(kindText) at \(record.dataTime) has no readings blob",
                        remedy: "The file may have been edited by hand; restore it from a backup.")
                }
                try blob.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
                    var reader = try ReadingCodec.Reader(bytes)
                    while result.count < limit {
                        let next = if let pollutant { try reader.next(code: pollutant) } else { try reader.next() }
                        guard let entry = next else { break }
                        let values = if let own = entry.provenance { try provenanceValues(own, mn: mn, kind: kindText) } else { recordValues }
                        result.append(StoredReading(
                            mn: mn, kind: kind, dataTime: values.dataTime, dataTimeUnix: dataTimeUnix, reading: entry.reading,
                            edition: values.edition, backfill: values.backfill, receivedAtMillis: values.provenance.receivedAtMillis,
                            connection: values.provenance.connection, qn: values.provenance.qn))
                    }
                }
            }
        } catch let error as ReadingCodecError {
            throw StoreError(
                operation: "reading stored readings",
                reason: "the readings stored for \(mn) \(kindText) at \(record.dataTime) are unreadable (\(error.reason))",
                remedy: "The file may come from a newer gateway or have been edited by hand; run the matching gateway version or restore it from a backup.")
        }
    }

    /// A provenance with its text parsed into the types a ``StoredReading`` holds.
    private struct ProvenanceValues {
        var provenance: RecordProvenance
        var dataTime: LocalDateTime
        var edition: Edition
        var backfill: Backfill
    }

    private static func provenanceValues(_ provenance: RecordProvenance, mn: String, kind: String) throws -> ProvenanceValues {
        guard let dataTime = LocalDateTime(hj212: provenance.dataTime), let edition = Edition(rawValue: provenance.edition),
              let backfill = Backfill(rawValue: provenance.backfill)
        else {
            throw unreadable(mn: mn, kind: kind, provenance: provenance)
        }
        return ProvenanceValues(provenance: provenance, dataTime: dataTime, edition: edition, backfill: backfill)
    }

    private static func unreadable(mn: String, kind: String, provenance: RecordProvenance) -> StoreError {
        StoreError(
            operation: "reading stored readings",
            reason: "a stored record for \(mn) has a value this version cannot read (kind \(kind), data_time \(provenance.dataTime), edition \(provenance.edition), backfill \(provenance.backfill))",
            remedy: "The file may come from a newer gateway or have been edited by hand; run the matching gateway version.")
    }
}
