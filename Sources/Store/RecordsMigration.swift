import GRDB
import HJ212

/// Converts the v1 `readings` table (one row per reading) into `records` (one row per MN, kind
/// and DataTime, readings packed by ``ReadingCodec``), inside the `v3-records` migration.
///
/// Rows are read in primary-key order, so each record's readings arrive together and already in
/// the blob's key order. A record takes the provenance of its first row; a row whose provenance
/// differs (a later piece or frame that added it) keeps its own inside the blob, so every
/// ``StoredReading`` reads back as before. NaN never reached v1 (SQLite stored it as NULL).
enum RecordsMigration {
    static func convertReadings(in db: Database) throws {
        let select = try RawStatement(uncached: """
            SELECT mn, kind, data_time_unix, pollutant, pol_id, data_time, raw_code,
                rtd, min, avg, max, cou, zs_rtd, zs_min, zs_avg, zs_max, raw_avg,
                flag, eflag, sample_time, other, edition, backfill, received_at, connection, qn
            FROM readings
            ORDER BY mn, kind, data_time_unix, pollutant, pol_id
            """, on: db)
        let insert = try RawStatement(uncached: """
            INSERT INTO records (mn, kind, data_time_unix, data_time, edition, backfill, received_at, connection, qn,
                reading_count, readings)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
            """, on: db)
        defer { select.reset() }

        var current: (mn: String, kind: String, time: Int64, provenance: RecordProvenance)?
        var entries: [PackedReading] = []
        var writer = ReadingCodec.Writer()

        /// Writes the record gathered so far.
        func flush(_ entries: inout [PackedReading], into writer: inout ReadingCodec.Writer) throws {
            guard let record = current, !entries.isEmpty else { return }
            writer.begin(count: entries.count)
            for entry in entries { writer.append(entry.reading, provenance: entry.provenance) }
            try insert.bind(1, record.mn)
            try insert.bind(2, record.kind)
            try insert.bind(3, record.time)
            try insert.bind(4, record.provenance.dataTime)
            try insert.bind(5, record.provenance.edition)
            try insert.bind(6, record.provenance.backfill)
            try insert.bind(7, record.provenance.receivedAtMillis)
            try insert.bind(8, record.provenance.connection)
            try insert.bind(9, record.provenance.qn)
            try insert.bind(10, entries.count)
            try insert.bind(11, bytes: [UInt8](writer.bytes))
            try insert.run()
            entries.removeAll(keepingCapacity: true)
        }

        while try select.step() {
            let mn = select.text(0) ?? ""
            let kind = select.text(1) ?? ""
            let time = select.int64(2)
            let code = select.text(3) ?? ""
            let polId = select.text(4) ?? ""
            let provenance = RecordProvenance(
                dataTime: select.text(5) ?? "", edition: select.text(21) ?? "", backfill: Int(select.int64(22)),
                receivedAtMillis: select.int64(23), connection: select.text(24) ?? "", qn: select.text(25))

            var reading = Reading(code: code, rawCode: select.text(6), polId: polId.isEmpty ? nil : polId)
            for (offset, field) in Reading.NumericField.allCases.enumerated() {
                reading[field] = select.double(Int32(7 + offset))
            }
            if let flag = select.text(17) { reading.flag = DataFlag(rawValue: flag) }
            reading.eFlag = select.text(18)
            reading.sampleTime = select.text(19)
            if let other = select.text(20) {
                guard let values = SuffixCoding.decode(other) else {
                    throw StoreError(
                        operation: "converting stored readings to records (migration v3-records)",
                        reason: "the extra suffixes stored for \(mn) \(kind) \(code) at \(provenance.dataTime) are unreadable",
                        remedy: "The file may have been edited by hand: fix or delete that row of `readings` with the sqlite3 shell, or restore the file from a backup, then start the gateway again.")
                }
                reading.other = values
            }

            if let record = current, record.time == time, ReadingCodec.compareBytes(record.mn, mn) == 0,
               ReadingCodec.compareBytes(record.kind, kind) == 0 {
                entries.append(PackedReading(reading, provenance: provenance == record.provenance ? nil : provenance))
            } else {
                try flush(&entries, into: &writer)
                current = (mn, kind, time, provenance)
                entries.append(PackedReading(reading))
            }
        }
        try flush(&entries, into: &writer)
    }
}
