import HJ212

/// Where the gateway keeps what devices sent. SQLite (embedded, the default) and PostgreSQL
/// (several gateway nodes) implement it; callers never know which one they talk to.
public protocol MonitoringStore: Sendable {
    /// Creates or upgrades the schema.
    func migrate() async throws

    /// Writes a batch in one durable transaction and says what happened to each frame.
    /// Idempotent: a resent frame stores nothing new and reports duplicates.
    func commit(_ batch: WriteBatch) async throws -> BatchOutcome

    /// The same commit, reporting through a callback instead of a suspension: `completion` runs
    /// once the batch is durable (or failed), on whatever thread finished it. The group
    /// committer uses this so that its next commit does not wait for a turn on the shared
    /// task pool. Stores that have no such path get a default that wraps the async `commit`.
    func commit(_ batch: WriteBatch, completion: @escaping @Sendable (Result<BatchOutcome, any Error>) -> Void)

    /// Readings matching a query, oldest first.
    func readings(_ query: ReadingQuery) async throws -> [StoredReading]

    /// Rejected frames, oldest first.
    func rejects(_ query: RejectQuery) async throws -> [StoredReject]

    /// Per-device state and today's counts. `dayStart` is the start of the local day (Unix
    /// milliseconds) as the gateway computes it in its zone (``IngestFrame/receivedDayStartMillis``):
    /// uploads are counted for that day. Rejects are counted from `dayStart` (inclusive) to
    /// `until` (exclusive), in milliseconds of reception like `RejectQuery`. Lists every device
    /// ever seen, plus every MN rejected in that time, ordered by MN.
    func deviceActivity(dayStart: Int64, until: Int64) async throws -> [DeviceActivity]

    /// Whether a frame with this (MN, QN) was stored (the crash test asks this).
    func frameStored(mn: String, qn: String) async throws -> Bool

    /// Closes connections; the store is unusable afterwards.
    func close() async throws
}

extension MonitoringStore {
    public func commit(_ batch: WriteBatch, completion: @escaping @Sendable (Result<BatchOutcome, any Error>) -> Void) {
        Task {
            do {
                completion(.success(try await commit(batch)))
            } catch {
                completion(.failure(error))
            }
        }
    }
}

/// A filter over stored readings. Times are Unix seconds; `since` inclusive, `until` exclusive.
public struct ReadingQuery: Sendable, Hashable {
    public var mn: String?
    public var pollutant: String?
    public var kind: DataKind?
    public var since: Int64?
    public var until: Int64?
    public var limit: Int?

    public init(mn: String? = nil, pollutant: String? = nil, kind: DataKind? = nil, since: Int64? = nil, until: Int64? = nil, limit: Int? = nil) {
        self.mn = mn
        self.pollutant = pollutant
        self.kind = kind
        self.since = since
        self.until = until
        self.limit = limit
    }
}

/// A filter over rejects. Times are Unix milliseconds of reception.
public struct RejectQuery: Sendable, Hashable {
    public var sinceMillis: Int64?
    public var untilMillis: Int64?
    public var mn: String?
    public var limit: Int?

    public init(sinceMillis: Int64? = nil, untilMillis: Int64? = nil, mn: String? = nil, limit: Int? = nil) {
        self.sinceMillis = sinceMillis
        self.untilMillis = untilMillis
        self.mn = mn
        self.limit = limit
    }
}

/// One stored reading with its provenance.
public struct StoredReading: Sendable, Hashable {
    public var mn: String
    public var kind: DataKind
    public var dataTime: LocalDateTime
    public var dataTimeUnix: Int64
    public var reading: Reading
    public var edition: Edition
    public var backfill: Backfill
    public var receivedAtMillis: Int64
    public var connection: String
    public var qn: String?

    public init(mn: String, kind: DataKind, dataTime: LocalDateTime, dataTimeUnix: Int64, reading: Reading, edition: Edition, backfill: Backfill, receivedAtMillis: Int64, connection: String, qn: String?) {
        self.mn = mn
        self.kind = kind
        self.dataTime = dataTime
        self.dataTimeUnix = dataTimeUnix
        self.reading = reading
        self.edition = edition
        self.backfill = backfill
        self.receivedAtMillis = receivedAtMillis
        self.connection = connection
        self.qn = qn
    }
}

/// One stored reject.
public struct StoredReject: Sendable, Hashable {
    public var id: Int64
    public var record: RejectRecord

    public init(id: Int64, record: RejectRecord) {
        self.id = id
        self.record = record
    }
}

/// A 9011 (QnRtn) or 9012 (ExeRtn) answer, recorded against the command's QN.
public struct StoredCommandAnswer: Sendable, Hashable {
    public var mn: String
    /// The QN of the command being answered.
    public var qn: String?
    public var cn: String?
    /// When the answer arrived (Unix milliseconds).
    public var atMillis: Int64
    /// `QnRtn=1` or `ExeRtn=1` as sent.
    public var detail: String?

    public init(mn: String, qn: String?, cn: String?, atMillis: Int64, detail: String?) {
        self.mn = mn
        self.qn = qn
        self.cn = cn
        self.atMillis = atMillis
        self.detail = detail
    }
}

/// A device's state and activity in a period.
public struct DeviceActivity: Sendable, Hashable {
    public var mn: String
    public var lastSeenMillis: Int64?
    public var lastQN: String?
    public var connection: String?
    public var peer: String?
    /// Uploads received on the day asked for (a resend counts again).
    public var framesToday: Int
    public var rejectsToday: Int

    public init(mn: String, lastSeenMillis: Int64?, lastQN: String?, connection: String?, peer: String?, framesToday: Int, rejectsToday: Int) {
        self.mn = mn
        self.lastSeenMillis = lastSeenMillis
        self.lastQN = lastQN
        self.connection = connection
        self.peer = peer
        self.framesToday = framesToday
        self.rejectsToday = rejectsToday
    }
}

/// Store failures, saying what failed and what to do.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public var operation: String
    public var reason: String
    public var remedy: String

    public init(operation: String, reason: String, remedy: String) {
        self.operation = operation
        self.reason = reason
        self.remedy = remedy
    }

    public var description: String { "\(operation) failed: \(reason). \(remedy)" }
}
