import GRDB
import HJ212

/// Writes one ``WriteBatch`` inside an open write transaction on the writer connection.
///
/// A frame's readings go in as one record: one row of `records` per (MN, kind, DataTime), its
/// readings packed in one blob (``ReadingCodec``), inserted with `ON CONFLICT DO NOTHING`. That is
/// one B-tree insert per frame instead of one per reading. Only when the record was stored before
/// (a resend, another piece of a split upload, a later frame adding a pollutant) is the stored
/// blob read and each reading compared by its natural key (``RecordMerge``): same values and
/// flag, a duplicate; other values, a conflict (the stored reading is kept); a key not stored yet
/// is merged in and the blob rewritten. The counts in ``FrameOutcome`` are exact per reading.
///
/// A frame that created its record adds nothing else: the record holds its MN, QN, reception
/// time and connection. Only a frame that did not (a piece merged into a stored record, a resend
/// under a new QN, an upload without readings) gets a row in `frames`, so that every acknowledged
/// (MN, QN) can be found. Each device's count of today's uploads is kept in `devices`, written
/// once per device and batch together with the state of its latest upload.
enum BatchWriter {
    static let insertRecord = """
        INSERT INTO records (mn, kind, data_time_unix, data_time, edition, backfill, received_at, connection, qn,
            reading_count, readings)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
        ON CONFLICT DO NOTHING
        """
    static let selectRecord = """
        SELECT data_time, edition, backfill, received_at, connection, qn, readings
        FROM records WHERE mn = ?1 AND kind = ?2 AND data_time_unix = ?3
        """
    static let updateRecord = """
        UPDATE records SET reading_count = ?4, readings = ?5 WHERE mn = ?1 AND kind = ?2 AND data_time_unix = ?3
        """
    static let insertFrame = """
        INSERT OR IGNORE INTO frames (mn, qn, cn, kind, data_time_unix, received_at, connection, peer, reading_count)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
        """
    static let insertReject = """
        INSERT INTO rejects (received_at, peer, mn, reason, detail, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
        """
    /// The latest state wins by time; today's count (`?6` the day, `?7` the uploads, NULL and 0
    /// for none) adds to the stored one on the same day and replaces it on a later day.
    static let upsertDevice = """
        INSERT INTO devices (mn, last_seen, last_qn, connection, peer, frames_day, frames_today)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
        ON CONFLICT (mn) DO UPDATE SET
            last_seen = max(devices.last_seen, excluded.last_seen),
            last_qn = CASE WHEN excluded.last_seen >= devices.last_seen
                THEN coalesce(excluded.last_qn, devices.last_qn) ELSE devices.last_qn END,
            connection = CASE WHEN excluded.last_seen >= devices.last_seen
                THEN excluded.connection ELSE devices.connection END,
            peer = CASE WHEN excluded.last_seen >= devices.last_seen THEN excluded.peer ELSE devices.peer END,
            frames_today = CASE
                WHEN excluded.frames_day IS NULL THEN devices.frames_today
                WHEN devices.frames_day IS NULL OR excluded.frames_day > devices.frames_day THEN excluded.frames_today
                WHEN excluded.frames_day = devices.frames_day THEN devices.frames_today + excluded.frames_today
                ELSE devices.frames_today END,
            frames_day = CASE
                WHEN excluded.frames_day IS NULL THEN devices.frames_day
                WHEN devices.frames_day IS NULL OR excluded.frames_day > devices.frames_day THEN excluded.frames_day
                ELSE devices.frames_day END
        """
    static let insertAnswer = """
        INSERT INTO command_answers (mn, qn, cn, at, detail) VALUES (?1, ?2, ?3, ?4, ?5)
        """

    static func write(_ batch: WriteBatch, in db: Database) throws -> BatchOutcome {
        var outcomes: [FrameOutcome] = []
        outcomes.reserveCapacity(batch.frames.count)
        var conflicts: [ReadingConflict] = []

        if !batch.frames.isEmpty {
            let recordInsert = try RawStatement(cached: insertRecord, on: db)
            let frameInsert = try RawStatement(cached: insertFrame, on: db)
            var arena = BindArena()
            // The arena's memory goes away with this call: no statement may keep pointing into it.
            // (Using the arena here also keeps it alive until every statement has run.)
            defer {
                recordInsert.clearBindings()
                frameInsert.clearBindings()
                arena.reset()
            }
            var writer = ReadingCodec.Writer()
            var record = RecordMerge.NewRecord(order: [], duplicates: 0, conflicts: [])
            var keys: [UInt64] = []
            for frame in batch.frames {
                let kind = frame.kind.rawValue
                var outcome = FrameOutcome()
                // Whether a stored record carries this frame's (MN, QN) as its own.
                var toldByRecord = false
                if !frame.readings.isEmpty {
                    RecordMerge.newRecord(frame.readings, into: &record, keys: &keys)
                    writer.begin(count: record.order.count)
                    for index in record.order { writer.append(frame.readings[index]) }
                    arena.reset()
                    try recordInsert.bind(1, frame.mn, arena: &arena)
                    try recordInsert.bind(2, kind, arena: &arena)
                    try recordInsert.bind(3, frame.dataTimeUnix)
                    try bindDataTime(frame.dataTime, to: recordInsert, at: 4, arena: &arena)
                    try recordInsert.bind(5, frame.edition.rawValue, arena: &arena)
                    try recordInsert.bind(6, frame.backfill.rawValue)
                    try recordInsert.bind(7, frame.receivedAtMillis)
                    try recordInsert.bind(8, frame.connection, arena: &arena)
                    try recordInsert.bind(9, frame.qn, arena: &arena)
                    try recordInsert.bind(10, record.order.count)
                    try recordInsert.bind(11, blob: writer.bytes, arena: &arena)
                    try recordInsert.run()
                    if recordInsert.changes == 1 {
                        outcome.inserted = record.order.count
                        outcome.duplicates = record.duplicates
                        outcome.conflicts = record.conflicts.count
                        for index in record.conflicts { conflicts.append(conflict(frame, index)) }
                        toldByRecord = true
                    } else {
                        let (merged, storedQN) = try mergeIntoStored(frame, kind: kind, in: db)
                        outcome.inserted = merged.inserted
                        outcome.duplicates = merged.duplicates
                        outcome.conflicts = merged.conflicts.count
                        for index in merged.conflicts { conflicts.append(conflict(frame, index)) }
                        toldByRecord = frame.qn != nil && storedQN == frame.qn
                    }
                }
                // A QN-less (2005) frame that stored nothing new is a resend: it keeps its first row.
                if !toldByRecord && (frame.qn != nil || outcome.inserted > 0 || frame.readings.isEmpty) {
                    arena.reset()
                    try frameInsert.bind(1, frame.mn, arena: &arena)
                    try frameInsert.bind(2, frame.qn, arena: &arena)
                    try frameInsert.bind(3, frame.cn, arena: &arena)
                    try frameInsert.bind(4, kind, arena: &arena)
                    try frameInsert.bind(5, frame.dataTimeUnix)
                    try frameInsert.bind(6, frame.receivedAtMillis)
                    try frameInsert.bind(7, frame.connection, arena: &arena)
                    try frameInsert.bind(8, frame.peer, arena: &arena)
                    try frameInsert.bind(9, frame.readings.count)
                    try frameInsert.run()
                }
                outcomes.append(outcome)
            }
        }

        if !batch.rejects.isEmpty {
            let statement = try RawStatement(cached: insertReject, on: db)
            for reject in batch.rejects {
                try statement.bind(1, reject.receivedAtMillis)
                try statement.bind(2, reject.peer)
                try statement.bind(3, reject.mn)
                try statement.bind(4, reject.reason)
                try statement.bind(5, reject.detail)
                try statement.bind(6, bytes: reject.raw)
                try statement.run()
            }
        }

        let counts = UploadCounts(batch.frames)
        if !batch.events.isEmpty || !counts.isEmpty {
            let device = try RawStatement(cached: upsertDevice, on: db)
            func upsert(mn: String, at: Int64, qn: String?, connection: String, peer: String, count: UploadCounts.Count?) throws {
                try device.bind(1, mn)
                try device.bind(2, at)
                try device.bind(3, qn)
                try device.bind(4, connection)
                try device.bind(5, peer)
                if let count {
                    try device.bind(6, count.dayStartMillis)
                    try device.bind(7, count.uploads)
                } else {
                    try device.bindNull(6)
                    try device.bind(7, 0)
                }
                try device.run()
            }
            for event in batch.events {
                try upsert(mn: event.mn, at: event.atMillis, qn: event.qn, connection: event.connection, peer: event.peer, count: nil)
                if event.kind == .commandAnswer {
                    let answer = try RawStatement(cached: insertAnswer, on: db)
                    try answer.bind(1, event.mn)
                    try answer.bind(2, event.qn)
                    try answer.bind(3, event.cn)
                    try answer.bind(4, event.atMillis)
                    try answer.bind(5, event.detail)
                    try answer.run()
                }
            }
            // Uploads record no "seen" event: each device's latest upload of the batch is its
            // state (the upsert keeps the latest by time), written with its count.
            for (mn, count) in counts.byMN {
                let last = batch.frames[count.latest]
                try upsert(mn: mn, at: last.receivedAtMillis, qn: last.qn, connection: last.connection, peer: last.peer, count: count)
            }
        }

        return BatchOutcome(frames: outcomes, conflicts: conflicts)
    }

    /// DataTime as sent, from digits on the stack rather than a new String per frame.
    @inline(__always)
    private static func bindDataTime(_ time: LocalDateTime, to statement: RawStatement, at index: Int32, arena: inout BindArena) throws {
        try withUnsafeTemporaryAllocation(byteCount: DataTimeDigits.capacity, alignment: 1) { buffer in
            if let count = DataTimeDigits.write(time, into: buffer) {
                try statement.bind(index, text: UnsafeRawBufferPointer(rebasing: buffer[0..<count]), arena: &arena)
            } else {
                try statement.bind(index, time.hj212, arena: &arena)
            }
        }
    }

    @inline(__always)
    private static func conflict(_ frame: IngestFrame, _ index: Int) -> ReadingConflict {
        ReadingConflict(mn: frame.mn, kind: frame.kind, dataTime: frame.dataTime, pollutant: frame.readings[index].code)
    }

    /// The record was stored before: compares the frame's readings with the stored ones and
    /// merges in those whose key is new.
    /// Returns the merge and the QN the stored record was created with.
    private static func mergeIntoStored(
        _ frame: IngestFrame, kind: String, in db: Database
    ) throws -> (merged: RecordMerge.Merged, storedQN: String?) {
        let select = try RawStatement(cached: selectRecord, on: db)
        try select.bind(1, frame.mn)
        try select.bind(2, kind)
        try select.bind(3, frame.dataTimeUnix)
        defer { select.reset() }
        guard try select.step() else {
            // Not inserted and not there: only a constraint other than the key could do that,
            // and the schema has none.
            throw StoreError(
                operation: "storing the record of \(frame.mn) \(frame.kind.rawValue) at \(frame.dataTime.hj212)",
                reason: "SQLite neither inserted it nor has a record under its key",
                remedy: "Check the database's schema (hj212 migrates it on start); restore it from a backup if it was edited by hand.")
        }
        let recordProvenance = RecordProvenance(
            dataTime: select.text(0) ?? "", edition: select.text(1) ?? "", backfill: Int(select.int64(2)),
            receivedAtMillis: select.int64(3), connection: select.text(4) ?? "", qn: select.text(5))
        let stored: [PackedReading]
        do {
            stored = try ReadingCodec.Reader.decodeAll(select.blob(6))
        } catch {
            throw StoreError(
                operation: "storing the record of \(frame.mn) \(frame.kind.rawValue) at \(frame.dataTime.hj212)",
                reason: "the readings stored under its key are unreadable (\(error.reason))",
                remedy: "The file may come from a newer gateway or have been edited by hand; run the matching gateway version or restore it from a backup.")
        }
        select.reset()

        let provenance = RecordProvenance(frame)
        let merged = RecordMerge.merge(
            stored: stored, incoming: frame.readings, provenance: provenance == recordProvenance ? nil : provenance)
        if merged.inserted > 0 {
            let update = try RawStatement(cached: updateRecord, on: db)
            try update.bind(1, frame.mn)
            try update.bind(2, kind)
            try update.bind(3, frame.dataTimeUnix)
            try update.bind(4, merged.entries.count)
            try update.bind(5, bytes: ReadingCodec.encode(merged.entries))
            try update.run()
        }
        return (merged, recordProvenance.qn)
    }
}
