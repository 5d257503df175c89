import Foundation
import HJ212
import Logging
import Testing
@testable import Store

/// A temporary folder holding one database file, removed by `remove()`.
struct TemporaryDatabase {
    let folder: URL
    var path: String { folder.appendingPathComponent("nested/hj212.sqlite").path }

    init() {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("store-tests-\(UUID().uuidString)")
    }

    /// Opens a store on the file (creating the nested folder) and migrates it.
    func open(durability: Durability = .full, logs: LogCapture = LogCapture()) async throws -> SQLiteStore {
        let store = try SQLiteStore(path: path, durability: durability, logger: logs.logger)
        try await store.migrate()
        return store
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}

/// Opens a migrated store in a fresh folder, runs `body`, closes and deletes everything.
func withStore(logs: LogCapture = LogCapture(), _ body: (SQLiteStore, TemporaryDatabase) async throws -> Void) async throws {
    let database = TemporaryDatabase()
    defer { database.remove() }
    let store = try await database.open(logs: logs)
    do {
        try await body(store, database)
    } catch {
        try? await store.close()
        throw error
    }
    try await store.close()
}

enum Sample {
    static let mnA = "010000A8900016F000169DC0"
    static let mnB = "LD130133000015"
    /// 2026-11-28T08:00:00+08:00.
    static let base: Int64 = 1_795_824_000

    static func time(_ unix: Int64, millisecond: Int? = nil) -> LocalDateTime {
        var local = LocalDateTime(secondsSinceEpochIgnoringZone: unix + 8 * 3600)
        local.millisecond = millisecond
        return local
    }

    static func reading(_ code: String, rtd: Double? = nil, avg: Double? = nil, flag: DataFlag? = .normal) -> Reading {
        var reading = Reading(code: code)
        reading.rtd = rtd
        reading.avg = avg
        reading.flag = flag
        return reading
    }

    static func frame(
        mn: String = mnA, qn: String? = "20261128080000123", kind: DataKind = .realtime, at unix: Int64 = base,
        millisecond: Int? = nil, edition: Edition = .hj2017, backfill: Backfill = .live,
        receivedAt: Int64? = nil, readings: [Reading]
    ) -> IngestFrame {
        IngestFrame(
            mn: mn, qn: qn, cn: kind.cn, kind: kind, dataTime: time(unix, millisecond: millisecond), dataTimeUnix: unix,
            edition: edition, backfill: backfill, receivedAtMillis: receivedAt ?? (unix * 1000 + 250),
            connection: "node1/7", peer: "10.0.0.7:40001", readings: readings)
    }
}

/// Keeps what the store logs, so tests stay quiet and can check messages and metadata.
final class LogCapture: @unchecked Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    // Guarded by `lock`.
    private var stored: [Entry] = []
    private let lock = NSLock()

    var entries: [Entry] { lock.withLock { stored } }

    var logger: Logger {
        Logger(label: "test.store") { _ in Handler(capture: self) }
    }

    fileprivate func append(_ entry: Entry) { lock.withLock { stored.append(entry) } }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var flat: [String: String] = [:]
            for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { flat[key] = "\(value)" }
            capture.append(Entry(level: event.level, message: "\(event.message)", metadata: flat))
        }
    }
}
