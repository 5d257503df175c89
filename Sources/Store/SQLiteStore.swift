import Foundation
import GRDB
import HJ212
import Logging
import Synchronization

/// How hard a commit works to survive a crash.
///
/// The gateway acknowledges an upload (9014) only after the commit that holds it returns, so the
/// setting decides what "acknowledged" promises.
public enum Durability: String, Sendable, Hashable, CaseIterable, Codable {
    /// `PRAGMA synchronous = FULL`: every commit waits for the write-ahead log to reach the disk
    /// (fsync). An acknowledged frame survives `kill -9`, an OS crash and power loss. The default.
    case full
    /// `PRAGMA synchronous = NORMAL`: the log is synced only at checkpoints. An acknowledged frame
    /// survives `kill -9` of the gateway, but the last commits may be lost on power loss or an
    /// OS crash (the device then resends nothing, because it was acknowledged).
    case normal
}

/// The embedded store: one SQLite file in WAL mode, written through GRDB.
///
/// ## Durability
/// Every ``commit(_:)`` is one `BEGIN IMMEDIATE … COMMIT` transaction (group commit). With
/// ``Durability/full`` (the default) SQLite fsyncs the write-ahead log before the commit returns,
/// so whatever the caller acknowledges after `commit` returns survives power loss. WAL mode lets
/// readers (the CLI, the disclosure publisher) read while the gateway writes; a 5 s busy timeout
/// covers the short moments when SQLite needs an exclusive lock.
///
/// ## Schema (migrations `v1`, `v2-compliance`, `v3-records`, `v4-frame-counts`, `v5-period-digests`)
/// - `records`: one row per record — a device's upload for one (MN, kind, DataTime) — holding
///   all its readings packed in the `readings` blob (``ReadingCodec``: per reading the code,
///   PolId, raw code when it differs, the values sent, flag, EFlag, SampleTime and other
///   suffixes, in key order). `reading_count` is the number of readings in the blob. Columns
///   `data_time` (as sent, 14 or 17 digits), `edition`, `backfill`, `received_at` (ms),
///   `connection`, `qn` are the provenance of the frame that created the record; a reading
///   merged in later from a frame with other provenance carries its own in the blob. A rowid
///   table, appended in arrival order, with the unique index `records_by_key(mn, kind,
///   data_time_unix)`: the natural key, so a device's records are found in time order. A commit
///   writes one table row and one index entry per frame, instead of a wide row and an index
///   entry per reading as `v1` did (its `readings` table is converted and dropped by `v3`).
///   The natural key of a reading stays (MN, kind, DataTime, pollutant, PolId), PolId `''` when
///   none; readings of one record are unique on (pollutant, PolId). Nothing indexes records by
///   time across devices: no caller reads that way (the CLI asks for an MN, compliance reads
///   device by device), so such a query scans the table.
/// - `frames`: the accepted uploads no record tells of (`mn, qn, cn, kind, data_time_unix,
///   received_at, connection, peer, reading_count`). Since `v4-frame-counts`, a frame that creates
///   its record adds no row here: the record holds its MN, QN, reception time and connection.
///   The others get a row: a piece merged into a stored record, a resend under another QN, an
///   upload without readings (and, before `v4`, every upload). Unique on `(mn, qn)` where `qn` is
///   not NULL (the index `frames_by_qn` lists `qn` first: live QNs are timestamps, so it grows at
///   its end), so a resend keeps its first row. ``frameStored(mn:qn:)`` looks in both tables and
///   finds every acknowledged frame. A QN-less (2005) frame whose readings were all stored
///   before is a resend and adds no row.
/// - `rejects`: `id, received_at, peer, mn, reason, detail, raw` (the bytes exactly as received).
///   Indexes on `received_at` and `(mn, received_at)`.
/// - `devices` (`WITHOUT ROWID`): `mn` primary key, `last_seen` (ms), `last_qn`, `connection`,
///   `peer`; upserted by `seen` and `commandAnswer` events and by uploads (an upload is its
///   device's "seen": the latest of a batch per device), keeping the latest by time. Since
///   `v4-frame-counts` also `frames_day` (the start of the gateway's local day, ms) and
///   `frames_today` (uploads received that day), upserted once per device and batch; they serve
///   ``deviceActivity(dayStart:until:)`` without counting rows.
/// - `command_answers`: `mn, qn, cn, at` (ms), `detail` — 9011/9012 answers against the command QN.
/// - `periods`, `exceedance_events`, `warnings`, `online_hours`: compliance results (`v2-compliance`).
///
/// ## Write path
/// Each frame's readings go in as one record with `INSERT … ON CONFLICT DO NOTHING`, on GRDB's
/// cached statements bound through the SQLite C API (see `BatchWriter`). Only when the record
/// exists already is its blob read and each reading compared by its natural key: same numeric
/// values and flag, a duplicate (a resend); other values, a conflict; a key not stored yet (another
/// piece of the upload, a later frame adding a pollutant) is merged in and the blob rewritten. The
/// first value is always kept; conflicts are logged as warnings. ``FrameOutcome`` counts readings.
///
/// ## Concurrency
/// All state lives in GRDB's `DatabasePool`, which serialises writes on one connection and runs
/// reads on a small pool of WAL readers, so the store is `Sendable` and safe to share.
public final class SQLiteStore: MonitoringStore {
    /// The database file.
    public let path: String
    public let durability: Durability
    let pool: DatabasePool
    let logger: Logger
    /// Whether the log already says that commits run at the normal priority.
    private let priorityNoted = Mutex(false)
    /// Checkpoints the log off the commit path, once ``startBackgroundCheckpoints(every:)`` ran.
    private let checkpointer = Mutex<WALCheckpointer?>(nil)

    /// How long a connection waits for a lock held by another connection or process.
    static let busyTimeout: TimeInterval = 5

    /// Opens (and creates, with its parent folder, if missing) the database file.
    ///
    /// Call ``migrate()`` before the first write; opening does not change the schema.
    ///
    /// - Parameters:
    ///   - path: The database file, e.g. `data/hj212.sqlite`.
    ///   - durability: ``Durability/full`` (fsync per commit, the default) or ``Durability/normal``.
    ///   - logger: Receives conflicts (warning), applied migrations (info), open and close (debug),
    ///     with structured metadata. The CLI can open the store without chatter.
    /// - Throws: ``StoreError`` when the folder cannot be created or the file cannot be opened.
    public init(path: String, durability: Durability = .full, logger: Logger = Logger(label: "hj212.store")) throws {
        self.path = path
        self.durability = durability
        self.logger = logger

        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw StoreError(
                operation: "opening the database \(path)",
                reason: "its folder \(folder.path) cannot be created (\(error.localizedDescription))",
                remedy: "Check that the path is right and that the gateway's user may write there, or point --db elsewhere.")
        }

        var configuration = Configuration()
        configuration.label = "hj212.store"
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.foreignKeysEnabled = false
        configuration.maximumReaderCount = 4
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // Opening the pool puts the file in WAL mode and sets synchronous = NORMAL on the
            // writer; only the writer commits, so setting it there afterwards is what counts.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(durability == .full ? "FULL" : "NORMAL")")
                // Sized for a small fleet until the gateway knows its own (``sizeWriterCache``).
                try db.execute(sql: "PRAGMA cache_size = \(Self.writerCachePages(forDevices: 0))")
                // Let the log grow to ~40 MB between automatic checkpoints (fewer, larger syncs),
                // and shrink it back to 64 MB at most after a checkpoint.
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 10000")
                try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
            }
        } catch {
            throw StoreError(wrapping: error, operation: "opening the database \(path)")
        }
        logger.debug(
            "store opened",
            metadata: ["path": "\(path)", "durability": "\(durability.rawValue)", "journal": "wal"])
    }

    /// Creates the schema or brings it up to date. Safe to run on every start.
    public func migrate() async throws {
        do {
            let migrator = Self.migrator
            let superseded = try await pool.read { db in try migrator.hasBeenSuperseded(db) }
            if superseded {
                throw StoreError(
                    operation: "migrating the database \(path)",
                    reason: "the file was written by a newer version of the gateway (its schema has migrations this version does not know)",
                    remedy: "Run the newer gateway, or point --db at another file.")
            }
            let before = try await pool.read { db in try migrator.appliedIdentifiers(db) }
            try migrator.migrate(pool)
            let applied = migrator.migrations.filter { !before.contains($0) }
            if !applied.isEmpty {
                logger.info("store migrated", metadata: ["path": "\(path)", "applied": "\(applied.joined(separator: ","))"])
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(wrapping: error, operation: "migrating the database \(path)")
        }
    }

    public func commit(_ batch: WriteBatch) async throws -> BatchOutcome {
        if batch.isEmpty { return BatchOutcome(frames: [], conflicts: []) }
        let outcome: BatchOutcome
        do {
            outcome = try await pool.writeWithoutTransaction { db in try Self.write(batch, in: db) }
        } catch {
            throw StoreError(wrapping: error, operation: "storing a batch of \(batch.frames.count) frames")
        }
        logConflicts(outcome.conflicts)
        return outcome
    }

    /// Commits on the writer's own queue and calls `completion` there, right after the
    /// transaction: a commit queued from `completion` runs next, with no task hop in between.
    public func commit(_ batch: WriteBatch, completion: @escaping @Sendable (Result<BatchOutcome, any Error>) -> Void) {
        if batch.isEmpty {
            completion(.success(BatchOutcome(frames: [], conflicts: [])))
            return
        }
        pool.asyncWriteWithoutTransaction { [self] db in
            let previous = WriterPriority.raise()
            if previous == nil { noteNormalPriority() }
            let result: Result<BatchOutcome, any Error>
            do {
                let outcome = try Self.write(batch, in: db)
                logConflicts(outcome.conflicts)
                result = .success(outcome)
            } catch {
                result = .failure(StoreError(wrapping: error, operation: "storing a batch of \(batch.frames.count) frames"))
            }
            if let previous { WriterPriority.restore(previous) }
            completion(result)
        }
    }

    /// Logs once that commits cannot run at a raised priority.
    private func noteNormalPriority() {
        guard !priorityNoted.withLock({ noted in defer { noted = true }; return noted }) else { return }
        logger.info(
            "commits run at the normal thread priority: raising it needs CAP_SYS_NICE or an RLIMIT_NICE that allows it (systemd: LimitNICE=). Under full load the writer then shares the cores evenly with intake, and acknowledgements come later")
    }

    private static func write(_ batch: WriteBatch, in db: Database) throws -> BatchOutcome {
        var result = BatchOutcome(frames: [], conflicts: [])
        try db.inTransaction(.immediate) {
            result = try BatchWriter.write(batch, in: db)
            return .commit
        }
        return result
    }

    /// The most conflicts one commit logs one by one; the rest are summed up in one line.
    static let conflictsLoggedPerCommit = 20

    private func logConflicts(_ conflicts: [ReadingConflict]) {
        for conflict in conflicts.prefix(Self.conflictsLoggedPerCommit) {
            logger.warning(
                "reading conflict: a later upload sent different values for a stored reading; the first was kept",
                metadata: [
                    "mn": "\(conflict.mn)", "kind": "\(conflict.kind.rawValue)",
                    "data_time": "\(conflict.dataTime.hj212)", "pollutant": "\(conflict.pollutant)",
                ])
        }
        if conflicts.count > Self.conflictsLoggedPerCommit {
            let devices = Set(conflicts.map(\.mn)).sorted()
            logger.warning(
                "more reading conflicts in the same commit, not logged one by one",
                metadata: [
                    "count": "\(conflicts.count - Self.conflictsLoggedPerCommit)",
                    "mns": "\(devices.prefix(10).joined(separator: ","))\(devices.count > 10 ? ",…" : "")",
                ])
        }
    }

    public func frameStored(mn: String, qn: String) async throws -> Bool {
        do {
            return try await backgroundRead { db in
                // A record carries the QN of the frame that created it; `frames` holds the others.
                // The records are looked for among the device's own (`records_by_key` starts
                // with the MN).
                try Bool.fetchOne(
                    db,
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM records WHERE mn = ?1 AND qn = ?2)
                            OR EXISTS (SELECT 1 FROM frames WHERE mn = ?1 AND qn = ?2)
                        """,
                    arguments: [mn, qn]) ?? false
            }
        } catch {
            throw StoreError(wrapping: error, operation: "looking up frame \(mn)/\(qn)")
        }
    }

    /// How many readings, frames and rejects the file holds (for tests and metrics). The frames
    /// are the uploads stored: one per record (the frame that created it) and one per `frames` row.
    public func counts() async throws -> (readings: Int, frames: Int, rejects: Int) {
        do {
            let values = try await backgroundRead { db in
                try [
                    Int.fetchOne(db, sql: "SELECT coalesce(sum(reading_count), 0) FROM records") ?? 0,
                    Int.fetchOne(db, sql: "SELECT (SELECT count(*) FROM records) + (SELECT count(*) FROM frames)") ?? 0,
                    Int.fetchOne(db, sql: "SELECT count(*) FROM rejects") ?? 0,
                ]
            }
            return (values[0], values[1], values[2])
        } catch {
            throw StoreError(wrapping: error, operation: "counting stored rows")
        }
    }

    /// Moves the log's checkpoints off the commit path: a thread of the store's own copies the
    /// log into the database file every `interval` (see `WALCheckpointer`), instead of the
    /// commit that happens to cross SQLite's threshold. For the gateway, whose commits devices
    /// wait on; a store opened by the CLI keeps SQLite's automatic checkpoints. Stopped by
    /// ``close()``. Calling it again does nothing.
    public func startBackgroundCheckpoints(every interval: Duration = .milliseconds(250)) throws {
        let milliseconds = Int(interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000)
        do {
            let started: WALCheckpointer? = try checkpointer.withLock { current in
                guard current == nil else { return nil }
                let created = try WALCheckpointer(
                    path: path, pool: pool, interval: .milliseconds(max(1, milliseconds)), logger: logger)
                current = created
                return created
            }
            try started?.start()
        } catch {
            throw StoreError(wrapping: error, operation: "starting background checkpoints on \(path)")
        }
    }

    public func close() async throws {
        let running = checkpointer.withLock { current in
            defer { current = nil }
            return current
        }
        running?.stop()
        do {
            try pool.close()
        } catch {
            throw StoreError(wrapping: error, operation: "closing the database \(path)")
        }
        logger.debug("store closed", metadata: ["path": "\(path)"])
    }
}
