import GRDB
import HJ212

/// Writes one ``WriteBatch`` inside an open write transaction on the writer connection.
///
/// A frame's readings go in with one multi-row `INSERT … ON CONFLICT DO NOTHING` (up to
/// ``rowsPerInsert`` rows per statement), which costs SQLite much less per row than one statement
/// per reading. When SQLite reports fewer changes than rows, some keys were stored before: each
/// reading of that statement is compared with the stored row. A different value is a conflict
/// (the stored row is the first one, kept); the rest that were not inserted are duplicates. The
/// counts are exact without knowing which rows the statement inserted, because a row it inserted
/// always equals itself.
enum BatchWriter {
    /// The most readings one INSERT statement carries (17 parameters each, plus 9 per frame).
    static let rowsPerInsert = 32

    /// Parameters ?1…?9 hold the frame's values, shared by every row of the statement.
    private static let frameParameters = 9
    /// Parameters per reading, from ?10 on.
    private static let readingParameters = 17

    private static let insertReadingSQL: [String] = (0...rowsPerInsert).map { rows in
        guard rows > 0 else { return "" }
        var sql = """
            INSERT INTO readings (mn, kind, data_time_unix, data_time, edition, backfill, received_at, connection, qn,
                pollutant, pol_id, raw_code, rtd, min, avg, max, cou, zs_rtd, zs_min, zs_avg, zs_max, raw_avg,
                flag, eflag, sample_time, other)
            VALUES
            """
        for row in 0..<rows {
            let base = frameParameters + 1 + row * readingParameters
            let parameters = (1...frameParameters).map { "?\($0)" } + (0..<readingParameters).map { "?\(base + $0)" }
            sql += (row == 0 ? " (" : ", (") + parameters.joined(separator: ", ") + ")"
        }
        return sql + " ON CONFLICT DO NOTHING"
    }

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
            let frameInsert = try RawStatement(cached: insertFrame, on: db)
            for frame in batch.frames {
                var outcome = FrameOutcome()
                let kind = frame.kind.rawValue
                var start = 0
                while start < frame.readings.count {
                    let end = Swift.min(start + rowsPerInsert, frame.readings.count)
                    try insert(frame.readings[start..<end], of: frame, kind: kind, in: db, outcome: &outcome, conflicts: &conflicts)
                    start = end
                }
                // A QN-less (2005) frame that stored nothing new is a resend: it keeps its first row.
                if frame.qn != nil || outcome.inserted > 0 || frame.readings.isEmpty {
                    try frameInsert.bind(1, frame.mn)
                    try frameInsert.bind(2, frame.qn)
                    try frameInsert.bind(3, frame.cn)
                    try frameInsert.bind(4, kind)
                    try frameInsert.bind(5, frame.dataTimeUnix)
                    try frameInsert.bind(6, frame.receivedAtMillis)
                    try frameInsert.bind(7, frame.connection)
                    try frameInsert.bind(8, frame.peer)
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

        if !batch.events.isEmpty {
            let device = try RawStatement(cached: upsertDevice, on: db)
            for event in batch.events {
                try device.bind(1, event.mn)
                try device.bind(2, event.atMillis)
                try device.bind(3, event.qn)
                try device.bind(4, event.connection)
                try device.bind(5, event.peer)
                try device.run()
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
        }

        return BatchOutcome(frames: outcomes, conflicts: conflicts)
    }

    /// Inserts up to ``rowsPerInsert`` readings of one frame with one statement.
    private static func insert(
        _ readings: ArraySlice<Reading>, of frame: IngestFrame, kind: String, in db: Database,
        outcome: inout FrameOutcome, conflicts: inout [ReadingConflict]
    ) throws {
        let statement = try RawStatement(cached: insertReadingSQL[readings.count], on: db)
        try statement.bind(1, frame.mn)
        try statement.bind(2, kind)
        try statement.bind(3, frame.dataTimeUnix)
        try statement.bind(4, frame.dataTime.hj212)
        try statement.bind(5, frame.edition.rawValue)
        try statement.bind(6, frame.backfill.rawValue)
        try statement.bind(7, frame.receivedAtMillis)
        try statement.bind(8, frame.connection)
        try statement.bind(9, frame.qn)
        var base = Int32(frameParameters + 1)
        for reading in readings {
            try statement.bind(base, reading.code)
            try statement.bind(base + 1, reading.polId ?? "")
            try statement.bind(base + 2, reading.rawCode == reading.code ? nil : reading.rawCode)
            try statement.bind(base + 3, reading.rtd)
            try statement.bind(base + 4, reading.min)
            try statement.bind(base + 5, reading.avg)
            try statement.bind(base + 6, reading.max)
            try statement.bind(base + 7, reading.cou)
            try statement.bind(base + 8, reading.zsRtd)
            try statement.bind(base + 9, reading.zsMin)
            try statement.bind(base + 10, reading.zsAvg)
            try statement.bind(base + 11, reading.zsMax)
            try statement.bind(base + 12, reading.rawAvg)
            try statement.bind(base + 13, reading.flag?.rawValue)
            try statement.bind(base + 14, reading.eFlag)
            try statement.bind(base + 15, reading.sampleTime)
            try statement.bind(base + 16, reading.other.isEmpty ? nil : SuffixCoding.encode(reading.other))
            base += Int32(readingParameters)
        }
        try statement.run()
        let inserted = Int(statement.changes)
        outcome.inserted += inserted
        if inserted == readings.count { return }

        // Some keys were stored before (or repeat inside the frame): find the conflicts.
        let lookup = try RawStatement(cached: selectStored, on: db)
        var conflicting = 0
        for reading in readings where try !storedValuesMatch(reading, frame: frame, kind: kind, lookup: lookup) {
            conflicting += 1
            conflicts.append(ReadingConflict(mn: frame.mn, kind: frame.kind, dataTime: frame.dataTime, pollutant: reading.code))
        }
        outcome.conflicts += conflicting
        outcome.duplicates += readings.count - inserted - conflicting
    }

    /// Whether the stored row for the reading's key holds the same numeric values and flag.
    private static func storedValuesMatch(_ reading: Reading, frame: IngestFrame, kind: String, lookup: RawStatement) throws -> Bool {
        try lookup.bind(1, frame.mn)
        try lookup.bind(2, kind)
        try lookup.bind(3, frame.dataTimeUnix)
        try lookup.bind(4, reading.code)
        try lookup.bind(5, reading.polId ?? "")
        defer { lookup.reset() }
        // No row: ignored for a reason other than the key, which this schema does not have.
        guard try lookup.step() else { return false }
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
