import GRDB
import HJ212

/// Writes one ``WriteBatch`` inside an open write transaction on the writer connection.
enum BatchWriter {
    static let insertReading = """
        INSERT INTO readings (mn, kind, data_time_unix, pollutant, pol_id, data_time, raw_code,
            rtd, min, avg, max, cou, zs_rtd, zs_min, zs_avg, zs_max, raw_avg,
            flag, eflag, sample_time, other, edition, backfill, received_at, connection, qn)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
            ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)
        ON CONFLICT DO NOTHING
        """
    static let selectStored = """
        SELECT rtd, min, avg, max, cou, zs_rtd, zs_min, zs_avg, zs_max, raw_avg, flag
        FROM readings
        WHERE mn = ?1 AND kind = ?2 AND data_time_unix = ?3 AND pollutant = ?4 AND pol_id = ?5
        """
    static let insertFrame = """
        INSERT OR IGNORE INTO frames (mn, qn, cn, kind, data_time_unix, received_at, connection, peer, reading_count)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
        """
    static let insertReject = """
        INSERT INTO rejects (received_at, peer, mn, reason, detail, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
        """
    static let upsertDevice = """
        INSERT INTO devices (mn, last_seen, last_qn, connection, peer) VALUES (?1, ?2, ?3, ?4, ?5)
        ON CONFLICT (mn) DO UPDATE SET
            last_seen = excluded.last_seen,
            last_qn = coalesce(excluded.last_qn, devices.last_qn),
            connection = excluded.connection,
            peer = excluded.peer
        WHERE excluded.last_seen >= devices.last_seen
        """
    static let insertAnswer = """
        INSERT INTO command_answers (mn, qn, cn, at, detail) VALUES (?1, ?2, ?3, ?4, ?5)
        """

    static func write(_ batch: WriteBatch, in db: Database) throws -> BatchOutcome {
        var outcomes: [FrameOutcome] = []
        outcomes.reserveCapacity(batch.frames.count)
        var conflicts: [ReadingConflict] = []

        if !batch.frames.isEmpty {
            let insert = try RawStatement(insertReading, on: db)
            let frameInsert = try RawStatement(insertFrame, on: db)
            var lookup: RawStatement? = nil
            for frame in batch.frames {
                var outcome = FrameOutcome()
                let kind = frame.kind.rawValue
                let dataTime = frame.dataTime.hj212
                insert.bind(1, frame.mn)
                insert.bind(2, kind)
                insert.bind(3, frame.dataTimeUnix)
                insert.bind(6, dataTime)
                insert.bind(22, frame.edition.rawValue)
                insert.bind(23, frame.backfill.rawValue)
                insert.bind(24, frame.receivedAtMillis)
                insert.bind(25, frame.connection)
                insert.bind(26, frame.qn)
                for reading in frame.readings {
                    insert.bind(4, reading.code)
                    insert.bind(5, reading.polId ?? "")
                    insert.bind(7, reading.rawCode == reading.code ? nil : reading.rawCode)
                    insert.bind(8, reading.rtd)
                    insert.bind(9, reading.min)
                    insert.bind(10, reading.avg)
                    insert.bind(11, reading.max)
                    insert.bind(12, reading.cou)
                    insert.bind(13, reading.zsRtd)
                    insert.bind(14, reading.zsMin)
                    insert.bind(15, reading.zsAvg)
                    insert.bind(16, reading.zsMax)
                    insert.bind(17, reading.rawAvg)
                    insert.bind(18, reading.flag?.rawValue)
                    insert.bind(19, reading.eFlag)
                    insert.bind(20, reading.sampleTime)
                    insert.bind(21, reading.other.isEmpty ? nil : SuffixCoding.encode(reading.other))
                    try insert.run()
                    if insert.changes > 0 {
                        outcome.inserted += 1
                        continue
                    }
                    // The key was stored before: a resend (same values) or a conflict.
                    let statement = try lookup ?? RawStatement(selectStored, on: db)
                    lookup = statement
                    let same = try storedValuesMatch(reading, frame: frame, kind: kind, lookup: statement)
                    if same {
                        outcome.duplicates += 1
                    } else {
                        outcome.conflicts += 1
                        conflicts.append(ReadingConflict(mn: frame.mn, kind: frame.kind, dataTime: frame.dataTime, pollutant: reading.code))
                    }
                }
                // A QN-less (2005) frame that stored nothing new is a resend: it keeps its first row.
                if frame.qn != nil || outcome.inserted > 0 || frame.readings.isEmpty {
                    frameInsert.bind(1, frame.mn)
                    frameInsert.bind(2, frame.qn)
                    frameInsert.bind(3, frame.cn)
                    frameInsert.bind(4, kind)
                    frameInsert.bind(5, frame.dataTimeUnix)
                    frameInsert.bind(6, frame.receivedAtMillis)
                    frameInsert.bind(7, frame.connection)
                    frameInsert.bind(8, frame.peer)
                    frameInsert.bind(9, frame.readings.count)
                    try frameInsert.run()
                }
                outcomes.append(outcome)
            }
        }

        if !batch.rejects.isEmpty {
            let statement = try RawStatement(insertReject, on: db)
            for reject in batch.rejects {
                statement.bind(1, reject.receivedAtMillis)
                statement.bind(2, reject.peer)
                statement.bind(3, reject.mn)
                statement.bind(4, reject.reason)
                statement.bind(5, reject.detail)
                statement.bind(6, bytes: reject.raw)
                try statement.run()
            }
        }

        if !batch.events.isEmpty {
            let device = try RawStatement(upsertDevice, on: db)
            var answer: RawStatement? = nil
            for event in batch.events {
                device.bind(1, event.mn)
                device.bind(2, event.atMillis)
                device.bind(3, event.qn)
                device.bind(4, event.connection)
                device.bind(5, event.peer)
                try device.run()
                if event.kind == .commandAnswer {
                    let statement = try answer ?? RawStatement(insertAnswer, on: db)
                    answer = statement
                    statement.bind(1, event.mn)
                    statement.bind(2, event.qn)
                    statement.bind(3, event.cn)
                    statement.bind(4, event.atMillis)
                    statement.bind(5, event.detail)
                    try statement.run()
                }
            }
        }

        return BatchOutcome(frames: outcomes, conflicts: conflicts)
    }

    /// Whether the stored row for the reading's key holds the same numeric values and flag.
    private static func storedValuesMatch(_ reading: Reading, frame: IngestFrame, kind: String, lookup: RawStatement) throws -> Bool {
        lookup.bind(1, frame.mn)
        lookup.bind(2, kind)
        lookup.bind(3, frame.dataTimeUnix)
        lookup.bind(4, reading.code)
        lookup.bind(5, reading.polId ?? "")
        defer { lookup.reset() }
        guard try lookup.step() else {
            // Ignored for a reason other than the key (cannot happen with this schema): say conflict.
            return false
        }
        for (column, field) in Reading.NumericField.allCases.enumerated() {
            if !sameValue(lookup.double(Int32(column)), reading[field]) { return false }
        }
        return lookup.text(10) == reading.flag?.rawValue
    }

    @inline(__always)
    private static func sameValue(_ stored: Double?, _ sent: Double?) -> Bool {
        // SQLite keeps NaN as NULL, so a NaN sent twice reads back as nil.
        let sent = sent.flatMap { $0.isNaN ? nil : $0 }
        return stored == sent
    }
}
