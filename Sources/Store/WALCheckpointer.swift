import Dispatch
import Foundation
import GRDB
import Logging
import Metrics
import Synchronization

/// Copies the write-ahead log back into the database file from a thread and a connection of its
/// own, so that upload commits do not wait for it.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold. Under load
/// the log grows by tens of thousands of pages a second, so every few hundred milliseconds one
/// commit also copied thousands of pages into the database file and synced it: that batch's
/// devices, and every batch queued behind it, waited 10 to 50 ms longer for their 9014.
///
/// Here a passive checkpoint on a second connection copies the bulk while the writer goes on
/// committing (a passive checkpoint takes no write lock). Commits made meanwhile leave a few
/// hundred pages behind, and SQLite starts the log over only after a checkpoint that left
/// nothing behind, so a second passive checkpoint is then queued on the writer itself, between
/// two commits: it copies just that remainder, and the next commit starts the log from the
/// beginning again instead of letting the file grow.
///
/// `/metrics` shows it at work: `hj212_wal_frames` (the log's length at the last round: it
/// climbs when a long read keeps SQLite from starting the log over) and
/// `hj212_checkpoint_seconds` (each round that copied something, both steps).
final class WALCheckpointer: Sendable {
    /// What one round did, for logs and tests.
    struct Round: Sendable, Equatable {
        /// Frames in the log when the background checkpoint ran, and how many it had copied.
        var logFrames: Int
        var copiedFrames: Int
        /// Whether the remainder was copied on the writer.
        var finishedOnWriter: Bool
    }

    private let connection: DatabaseQueue
    private let pool: DatabasePool
    private let interval: DispatchTimeInterval
    private let logger: Logger
    private let stopSignal = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    /// The log's frame count after the last round's copy: a round that finds the same count,
    /// all copied, has nothing new to do.
    private let lastLogFrames = Mutex(-1)
    /// Whether ``start()`` started the thread (``stop()`` waits for it only then).
    private let running = Mutex(false)
    private let logLength: Gauge
    private let roundDuration: Timer

    /// The writer's own automatic checkpoint while this runs: a backstop only, for when this
    /// thread cannot keep up (pages; 4 KiB each).
    static let backstopPages = 50_000

    init(
        path: String, pool: DatabasePool, interval: DispatchTimeInterval, logger: Logger,
        metrics: any MetricsFactory = MetricsSystem.factory
    ) throws {
        var configuration = Configuration()
        configuration.label = "hj212.checkpoint"
        configuration.busyMode = .timeout(SQLiteStore.busyTimeout)
        configuration.foreignKeysEnabled = false
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.pool = pool
        self.interval = interval
        self.logger = logger
        logLength = Gauge(label: "hj212_wal_frames", factory: metrics)
        roundDuration = Timer(label: "hj212_checkpoint_seconds", preferredDisplayUnit: .seconds, factory: metrics)
    }

    /// Starts the thread; the writer's automatic checkpoint becomes the backstop.
    func start() throws {
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.backstopPages)")
        }
        let thread = Thread { [self] in
            while stopSignal.wait(timeout: .now() + interval) == .timedOut {
                do {
                    _ = try round()
                } catch {
                    // Nothing is lost: the log keeps the pages until a later round copies them.
                    logger.warning(
                        "background checkpoint failed; the write-ahead log keeps the pages and the next round tries again",
                        metadata: ["error": "\(error)"])
                }
            }
            stopped.signal()
        }
        thread.name = "hj212.checkpoint"
        running.withLock { $0 = true }
        thread.start()
    }

    /// One checkpoint: the bulk here, then the remainder on the writer (when the bulk copied
    /// anything). Returns nil when the log held nothing new to copy.
    @discardableResult
    func round() throws -> Round? {
        let started = ContinuousClock.now
        let bulk = try connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
        logLength.record(bulk.walFrameCount)
        let unchanged = lastLogFrames.withLock { last in
            defer { last = bulk.walFrameCount }
            return last == bulk.walFrameCount && bulk.checkpointedFrameCount == bulk.walFrameCount
        }
        guard bulk.walFrameCount > 0, bulk.checkpointedFrameCount > 0, !unchanged else { return nil }
        let finished = DispatchSemaphore(value: 0)
        let onWriter = Mutex(false)
        pool.asyncWriteWithoutTransaction { db in
            // Busy (a reader's snapshot still needs the log, or another checkpoint runs): the next round retries.
            if (try? db.checkpoint(.passive)) != nil { onWriter.withLock { $0 = true } }
            finished.signal()
        }
        finished.wait()
        roundDuration.record(duration: ContinuousClock.now - started)
        let round = Round(
            logFrames: bulk.walFrameCount, copiedFrames: bulk.checkpointedFrameCount,
            finishedOnWriter: onWriter.withLock { $0 })
        logger.trace("background checkpoint", metadata: [
            "log_frames": "\(round.logFrames)", "copied": "\(round.copiedFrames)",
            "finished_on_writer": "\(round.finishedOnWriter)",
        ])
        return round
    }

    /// Stops the thread, if it runs (waiting for a round in progress), and closes the connection.
    func stop() {
        if running.withLock({ wasRunning in defer { wasRunning = false }; return wasRunning }) {
            stopSignal.signal()
            stopped.wait()
        }
        try? connection.close()
    }
}
