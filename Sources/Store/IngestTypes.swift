import HJ212
import LocalTime

/// How a stored reading reached the platform.
public enum Backfill: Int, Sendable, Hashable, Codable {
    /// Sent live, on the device's schedule.
    case live = 0
    /// Marked back-filled by the device (2025 `RF=1`).
    case rf = 1
    /// Sent in answer to a history request (2031/2051/2061 from the platform).
    case historyAnswer = 2
}

/// One accepted data upload, ready to be stored: the frame's identity and its readings.
///
/// The ingest side builds it after admission and decoding; the store writes it with its
/// readings in one transaction, idempotently on (MN, kind, DataTime, pollutant).
public struct IngestFrame: Sendable, Hashable {
    public var mn: String
    /// The upload's QN as sent (nil for 2005 devices that send none).
    public var qn: String?
    public var cn: String
    public var kind: DataKind
    /// DataTime exactly as the device sent it (Beijing local time, no zone).
    public var dataTime: LocalDateTime
    /// DataTime as an instant (Unix seconds), converted with the configured time zone.
    public var dataTimeUnix: Int64
    public var edition: Edition
    public var backfill: Backfill
    /// When the gateway received the frame (Unix milliseconds).
    public var receivedAtMillis: Int64
    /// The start (Unix milliseconds) of the local day the frame was received in, by the
    /// gateway's configured zone: the day its device's "frames today" count belongs to.
    public var receivedDayStartMillis: Int64
    /// The connection that carried it, e.g. `node1/42`.
    public var connection: String
    public var peer: String
    public var readings: [Reading]

    public init(
        mn: String, qn: String?, cn: String, kind: DataKind, dataTime: LocalDateTime, dataTimeUnix: Int64,
        edition: Edition, backfill: Backfill, receivedAtMillis: Int64, connection: String, peer: String,
        readings: [Reading], receivedDayStartMillis: Int64? = nil
    ) {
        self.mn = mn
        self.qn = qn
        self.cn = cn
        self.kind = kind
        self.dataTime = dataTime
        self.dataTimeUnix = dataTimeUnix
        self.edition = edition
        self.backfill = backfill
        self.receivedAtMillis = receivedAtMillis
        self.receivedDayStartMillis = receivedDayStartMillis ?? Self.beijingDayStart(receivedAtMillis)
        self.connection = connection
        self.peer = peer
        self.readings = readings
    }

    /// The start of the Beijing day holding `millis`: the day when the caller names none.
    static func beijingDayStart(_ millis: Int64) -> Int64 {
        LocalTimeZone.beijing.dayStartMillis(unixMillis: millis)
    }
}

/// A frame that was not accepted, kept with its reason.
public struct RejectRecord: Sendable, Hashable {
    public var receivedAtMillis: Int64
    public var peer: String
    /// The MN the frame claimed, when it could be read.
    public var mn: String?
    /// A stable reason code, e.g. `crc_mismatch`, `unknown_mn`, `wrong_password`.
    public var reason: String
    /// What was wrong and what to do, in words a field engineer understands.
    public var detail: String
    /// The bytes exactly as received.
    public var raw: [UInt8]

    public init(receivedAtMillis: Int64, peer: String, mn: String?, reason: String, detail: String, raw: [UInt8]) {
        self.receivedAtMillis = receivedAtMillis
        self.peer = peer
        self.mn = mn
        self.reason = reason
        self.detail = detail
        self.raw = raw
    }
}

/// Something a device did that updates its state: it was seen, or it answered a command.
public struct DeviceEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// Any valid frame (uploads, heartbeats, answers).
        case seen
        /// A 9011 (QnRtn) or 9012 (ExeRtn) answer to a command, recorded against its QN.
        case commandAnswer
    }

    public var kind: Kind
    public var mn: String
    public var atMillis: Int64
    public var qn: String?
    public var cn: String?
    public var connection: String
    public var peer: String
    /// For command answers: `QnRtn=1` or `ExeRtn=1` as sent.
    public var detail: String?

    public init(kind: Kind, mn: String, atMillis: Int64, qn: String?, cn: String?, connection: String, peer: String, detail: String? = nil) {
        self.kind = kind
        self.mn = mn
        self.atMillis = atMillis
        self.qn = qn
        self.cn = cn
        self.connection = connection
        self.peer = peer
        self.detail = detail
    }
}

/// Everything one group commit writes, in one transaction.
public struct WriteBatch: Sendable {
    public var frames: [IngestFrame]
    public var rejects: [RejectRecord]
    public var events: [DeviceEvent]

    public init(frames: [IngestFrame] = [], rejects: [RejectRecord] = [], events: [DeviceEvent] = []) {
        self.frames = frames
        self.rejects = rejects
        self.events = events
    }

    public var isEmpty: Bool { frames.isEmpty && rejects.isEmpty && events.isEmpty }
    public var readingCount: Int { frames.reduce(0) { $0 + $1.readings.count } }
}

/// What storing one frame did.
public struct FrameOutcome: Sendable, Hashable {
    /// Readings newly stored.
    public var inserted: Int
    /// Readings already stored with the same values (a resend).
    public var duplicates: Int
    /// Readings already stored with different values: the first was kept.
    public var conflicts: Int

    public init(inserted: Int = 0, duplicates: Int = 0, conflicts: Int = 0) {
        self.inserted = inserted
        self.duplicates = duplicates
        self.conflicts = conflicts
    }
}

/// A reading conflict: a later record for a stored key with different values.
public struct ReadingConflict: Sendable, Hashable {
    public var mn: String
    public var kind: DataKind
    public var dataTime: LocalDateTime
    public var pollutant: String

    public init(mn: String, kind: DataKind, dataTime: LocalDateTime, pollutant: String) {
        self.mn = mn
        self.kind = kind
        self.dataTime = dataTime
        self.pollutant = pollutant
    }
}

/// The result of committing a batch.
public struct BatchOutcome: Sendable {
    /// One outcome per frame, in the batch's order.
    public var frames: [FrameOutcome]
    public var conflicts: [ReadingConflict]

    public init(frames: [FrameOutcome], conflicts: [ReadingConflict]) {
        self.frames = frames
        self.conflicts = conflicts
    }
}
