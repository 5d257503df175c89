import GRDB
import HJ212

// The compliance tables (migration v2-compliance): periods, exceedance_events, warnings, online_hours.
extension SQLiteStore: ComplianceRecordStore {
    public func savePeriods(_ periods: [PeriodRecord]) async throws {
        guard !periods.isEmpty else { return }
        try await write("saving judged periods") { db in
            // Bound through the C API: a province day saves a quarter of a million periods, and
            // GRDB's boxed arguments were a tenth of judging it.
            let statement = try RawStatement(cached: """
                INSERT OR REPLACE INTO periods (mn, pollutant, basis, start_unix, enterprise_id, outlet_id, source,
                    status, value, judged, oxygen, cou, coverage, flags, judgement, limit_basis, limit_value, lower,
                    upper, multiple, note, evaluated_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)
                """, on: db)
            defer { statement.clearBindings() }
            for p in periods {
                try statement.bind(1, p.mn)
                try statement.bind(2, p.pollutant)
                try statement.bind(3, p.basis)
                try statement.bind(4, p.startUnix)
                try statement.bind(5, p.enterpriseID)
                try statement.bind(6, p.outletID)
                try statement.bind(7, p.source)
                try statement.bind(8, p.status)
                try statement.bind(9, p.value)
                try statement.bind(10, p.judged)
                try statement.bind(11, p.oxygen)
                try statement.bind(12, p.cou)
                try statement.bind(13, p.coverage)
                try statement.bind(14, p.flags)
                try statement.bind(15, p.judgement)
                try statement.bind(16, p.limitBasis)
                try statement.bind(17, p.limit)
                try statement.bind(18, p.lower)
                try statement.bind(19, p.upper)
                try statement.bind(20, p.multiple)
                try statement.bind(21, p.note)
                try statement.bind(22, p.evaluatedAtMillis)
                try statement.run()
            }
        }
    }

    public func periods(_ query: PeriodQuery) async throws -> [PeriodRecord] {
        try await read("reading judged periods") { db in try Self.periods(query, in: db) }
    }

    static func periods(_ query: PeriodQuery, in db: Database) throws -> [PeriodRecord] {
        var conditions: [String] = []
        var arguments = StatementArguments()
        // One device without a pollutant: the primary key's (mn) prefix is the path; the unary
        // "+" keeps the planner from scanning every device's periods through periods_by_time.
        let plus = query.mn != nil && query.pollutant == nil ? "+" : ""
        if let mn = query.mn { conditions.append("mn = ?"); arguments += [mn] }
        if let pollutant = query.pollutant { conditions.append("pollutant = ?"); arguments += [pollutant] }
        if let basis = query.basis { conditions.append("\(plus)basis = ?"); arguments += [basis] }
        if let from = query.from { conditions.append("\(plus)start_unix >= ?"); arguments += [from] }
        if let until = query.until { conditions.append("\(plus)start_unix < ?"); arguments += [until] }
        var sql = """
            SELECT mn, pollutant, basis, start_unix, enterprise_id, outlet_id, source, status, value, judged, oxygen,
                cou, coverage, flags, judgement, limit_basis, limit_value, lower, upper, multiple, note, evaluated_at
            FROM periods
            """
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY mn, pollutant, basis, start_unix"
        var result: [PeriodRecord] = []
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        while let row = try rows.next() {
            result.append(PeriodRecord(
                mn: row[0], pollutant: row[1], basis: row[2], startUnix: row[3], enterpriseID: row[4],
                outletID: row[5], source: row[6], status: row[7], value: row[8], judged: row[9], oxygen: row[10],
                cou: row[11], coverage: row[12], flags: row[13], judgement: row[14], limitBasis: row[15],
                limit: row[16], lower: row[17], upper: row[18], multiple: row[19], note: row[20],
                evaluatedAtMillis: row[21]))
        }
        return result
    }

    public func periodDigests(basis: String, from: Int64, until: Int64) async throws -> [PeriodDigest] {
        try await read("reading the day's judged periods") { db in
            let statement = try RawStatement(cached: """
                SELECT mn, pollutant, start_unix, status, judged, cou, flags, judgement, multiple
                FROM periods WHERE basis = ? AND start_unix >= ? AND start_unix < ?
                """, on: db)
            defer { statement.reset() }
            try statement.bind(1, basis)
            try statement.bind(2, from)
            try statement.bind(3, until)
            var result: [PeriodDigest] = []
            var names: [String: String] = [:]
            while try statement.step() {
                // One String per device, shared by its rows.
                let mnText = statement.text(0) ?? ""
                let mn: String
                if let known = names[mnText] {
                    mn = known
                } else {
                    names[mnText] = mnText
                    mn = mnText
                }
                result.append(PeriodDigest(
                    mn: mn, pollutant: statement.text(1) ?? "", startUnix: statement.int64(2), status: statement.text(3) ?? "",
                    judged: statement.double(4), cou: statement.double(5), flags: statement.text(6) ?? "",
                    judgement: statement.text(7) ?? "", multiple: statement.double(8)))
            }
            return result
        }
    }

    public func replaceEvents(series: EventSeries, from: Int64, until: Int64, with events: [EventRecord]) async throws {
        try await write("saving exceedance events") { db in
            try db.cachedStatement(
                sql: "DELETE FROM exceedance_events WHERE mn = ? AND pollutant = ? AND basis = ? AND start_unix >= ? AND start_unix < ?"
            ).execute(arguments: [series.mn, series.pollutant, series.basis, from, until])
            let statement = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO exceedance_events (mn, pollutant, basis, enterprise_id, outlet_id, start_unix,
                    end_unix, hours, periods, peak, mean, limit_value, lower, upper, multiple, mass_kg, lower_bound,
                    status, evidence, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for e in events {
                try statement.execute(arguments: [
                    e.series.mn, e.series.pollutant, e.series.basis, e.enterpriseID, e.outletID, e.startUnix,
                    e.endUnix, e.hours, e.periods, e.peak, e.mean, e.limit, e.lower, e.upper, e.multiple, e.massKg,
                    e.lowerBound, e.status, e.evidence, e.updatedAtMillis,
                ])
            }
        }
    }

    public func events(_ query: EventQuery) async throws -> [EventRecord] {
        if query.mns?.isEmpty == true { return [] }
        return try await read("reading exceedance events") { db in try Self.events(query, in: db) }
    }

    static func events(_ query: EventQuery, in db: Database) throws -> [EventRecord] {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let since = query.since { conditions.append("end_unix > ?"); arguments += [since] }
        if let until = query.until { conditions.append("start_unix < ?"); arguments += [until] }
        if let mns = query.mns {
            if mns.isEmpty { return [] }
            conditions.append("mn IN (" + Array(repeating: "?", count: mns.count).joined(separator: ",") + ")")
            for mn in mns { arguments += [mn] }
        }
        if let pollutant = query.pollutant { conditions.append("pollutant = ?"); arguments += [pollutant] }
        if query.openOnly { conditions.append("status = 'open'") }
        if let updated = query.updatedSinceMillis { conditions.append("updated_at >= ?"); arguments += [updated] }
        var sql = """
            SELECT mn, pollutant, basis, enterprise_id, outlet_id, start_unix, end_unix, hours, periods, peak, mean,
                limit_value, lower, upper, multiple, mass_kg, lower_bound, status, evidence, updated_at
            FROM exceedance_events
            """
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY start_unix, mn, pollutant"
        return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map { row in
            EventRecord(
                series: EventSeries(mn: row[0], pollutant: row[1], basis: row[2]), enterpriseID: row[3],
                outletID: row[4], startUnix: row[5], endUnix: row[6], hours: row[7], periods: row[8], peak: row[9],
                mean: row[10], limit: row[11], lower: row[12], upper: row[13], multiple: row[14], massKg: row[15],
                lowerBound: row[16], status: row[17], evidence: row[18], updatedAtMillis: row[19])
        }
    }

    public func saveWarnings(_ warnings: [WarningRecord], accumulate: Bool) async throws {
        guard !warnings.isEmpty else { return }
        try await write("saving warnings") { db in
            let conflict = accumulate
                ? "ON CONFLICT (mn, pollutant, hour_unix, kind) DO UPDATE SET count = count + excluded.count, peak = MAX(COALESCE(peak, excluded.peak), COALESCE(excluded.peak, peak)), limit_value = excluded.limit_value"
                : "ON CONFLICT (mn, pollutant, hour_unix, kind) DO UPDATE SET count = excluded.count, peak = excluded.peak, limit_value = excluded.limit_value"
            let statement = try db.cachedStatement(sql: """
                INSERT INTO warnings (mn, pollutant, hour_unix, kind, count, peak, limit_value, enterprise_id, outlet_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) \(conflict)
                """)
            for w in warnings {
                try statement.execute(arguments: [w.mn, w.pollutant, w.hourUnix, w.kind, w.count, w.peak, w.limit, w.enterpriseID, w.outletID])
            }
        }
    }

    public func warnings(since: Int64?, until: Int64?, mn: String?) async throws -> [WarningRecord] {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let since { conditions.append("hour_unix >= ?"); arguments += [since] }
        if let until { conditions.append("hour_unix < ?"); arguments += [until] }
        if let mn { conditions.append("mn = ?"); arguments += [mn] }
        var sql = "SELECT mn, pollutant, hour_unix, kind, count, peak, limit_value, enterprise_id, outlet_id FROM warnings"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY hour_unix, mn, pollutant, kind"
        return try await read("reading warnings") { [sql, arguments] db in
            try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map { row in
                WarningRecord(
                    mn: row[0], pollutant: row[1], hourUnix: row[2], kind: row[3], count: row[4], peak: row[5],
                    limit: row[6], enterpriseID: row[7], outletID: row[8])
            }
        }
    }

    public func markOnline(_ hours: [OnlineHour]) async throws {
        guard !hours.isEmpty else { return }
        try await write("recording online hours") { db in
            let statement = try db.cachedStatement(sql: "INSERT OR IGNORE INTO online_hours (hour_unix, mn) VALUES (?, ?)")
            for hour in hours {
                try statement.execute(arguments: [hour.hourUnix, hour.mn])
            }
        }
    }

    public func onlineHours(from: Int64, until: Int64) async throws -> [String: Int] {
        try await read("counting online hours") { db in
            var result: [String: Int] = [:]
            let rows = try Row.fetchCursor(
                db, sql: "SELECT mn, COUNT(*) FROM online_hours WHERE hour_unix >= ? AND hour_unix < ? GROUP BY mn",
                arguments: [from, until])
            while let row = try rows.next() {
                result[row[0]] = row[1]
            }
            return result
        }
    }

    public func realtimeSummary(mn: String, from: Int64, until: Int64) async throws -> [RealtimeSummary] {
        try await read("summarising real-time values") { db in
            let statement = try RawStatement(cached: """
                SELECT kind, data_time_unix, readings FROM records
                WHERE mn = ?1 AND kind IN ('realtime', 'minute', 'hour') AND data_time_unix >= ?2 AND data_time_unix < ?3
                """, on: db)
            defer { statement.reset() }
            try statement.bind(1, mn)
            try statement.bind(2, from)
            try statement.bind(3, until)
            var summaries = RealtimeSummaries(from: from)
            while try statement.step() {
                let realtime = statement.text(0) == DataKind.realtime.rawValue
                let time = statement.int64(1)
                do {
                    var reader = try ReadingCodec.Reader(statement.blob(2))
                    while let entry = try reader.next() {
                        summaries.add(entry.reading, at: time, realtime: realtime)
                    }
                } catch let error as ReadingCodecError {
                    throw StoreError(
                        operation: "summarising real-time values of \(mn)",
                        reason: "the readings stored at \(time) are unreadable (\(error.reason))",
                        remedy: "The file may come from a newer gateway or have been edited by hand; run the matching gateway version or restore it from a backup.")
                }
            }
            return summaries.result()
        }
    }

    public func activeHours(mn: String, from: Int64, until: Int64) async throws -> [Int64] {
        try await read("finding a device's active hours") { db in
            // Every record holds at least one reading, so the records alone say which hours had data.
            try Int64.fetchAll(db.cachedStatement(sql: """
                SELECT DISTINCT ? + (data_time_unix - ?) / 3600 * 3600 AS hour
                FROM records
                WHERE mn = ? AND kind IN ('realtime', 'minute', 'hour') AND data_time_unix >= ? AND data_time_unix < ?
                ORDER BY hour
                """), arguments: [from, from, mn, from, until])
        }
    }

    /// The start of the nearest period of a series with this judgement before `before` (latest
    /// such) or at/after `after` (earliest such); nil when there is none.
    static func nearestPeriod(
        mn: String, pollutant: String, basis: String, judgement: String, before: Int64?, after: Int64?, in db: Database
    ) throws -> Int64? {
        var sql = "SELECT start_unix FROM periods WHERE mn = ? AND pollutant = ? AND basis = ? AND judgement = ?"
        var arguments: StatementArguments = [mn, pollutant, basis, judgement]
        if let before {
            sql += " AND start_unix < ? ORDER BY start_unix DESC LIMIT 1"
            arguments += [before]
        } else {
            sql += " AND start_unix >= ? ORDER BY start_unix LIMIT 1"
            arguments += [after ?? Int64.min]
        }
        return try Int64.fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    public func eventWindow(series: EventSeries, periodBasis: String, boundary: String, around span: ClosedRange<Int64>) async throws -> EventWindow {
        try await read("reading the periods and events around a change") { db in
            let lower = try Self.nearestPeriod(
                mn: series.mn, pollutant: series.pollutant, basis: periodBasis, judgement: boundary,
                before: span.lowerBound, after: nil, in: db)
            let upper = try Self.nearestPeriod(
                mn: series.mn, pollutant: series.pollutant, basis: periodBasis, judgement: boundary,
                before: nil, after: span.upperBound + 1, in: db)
            let from = lower ?? Int64.min
            let until = upper.map { $0 + 1 } ?? Int64.max
            let periods = try Self.periods(
                PeriodQuery(mn: series.mn, pollutant: series.pollutant, basis: periodBasis, from: from, until: until), in: db)
            let events = try Self.events(EventQuery(since: from, until: until, mns: [series.mn], pollutant: series.pollutant), in: db)
            return EventWindow(
                from: from, until: until, periods: periods.filter { $0.limitBasis == series.basis },
                events: events.filter { $0.series == series && $0.startUnix >= from && $0.startUnix < until })
        }
    }

    // MARK: Helpers

    func write<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(body)
        } catch {
            throw StoreError(wrapping: error, operation: operation)
        }
    }

    func read<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await backgroundRead(body)
        } catch {
            throw StoreError(wrapping: error, operation: operation)
        }
    }

    /// A read on one of the pool's connections, run at background priority: nobody's
    /// acknowledgement waits on a read (see ``BackgroundPriority``).
    func backgroundRead<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await pool.read { db in try BackgroundPriority.run { try body(db) } }
    }
}
