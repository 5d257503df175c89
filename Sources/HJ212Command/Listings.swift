import ArgumentParser
import Foundation
import GatewayConfig
import HJ212
import LocalTime
import Reports
import Store

/// Opens the configured store for reading.
func openStore(_ configuration: GatewayConfiguration, db: String?) throws -> SQLiteStore {
    var path = db
    if path == nil, case .sqlite(let configured) = configuration.storage { path = configured }
    guard let path else {
        throw CLIError("this command reads SQLite; pass --db PATH")
    }
    guard FileManager.default.fileExists(atPath: path) else {
        throw CLIError("the database \(path) does not exist yet: start the gateway (hj212 serve) first, or pass --db PATH")
    }
    return try SQLiteStore(path: path)
}

func zone(_ configuration: GatewayConfiguration) throws -> LocalTimeZone {
    guard let zone = LocalTimeZone(identifier: configuration.timezone) else {
        throw CLIError("timezone \(configuration.timezone) is not known")
    }
    return zone
}

extension HJ212Command {
    /// `hj212 readings`: what a device's readings are, from the store.
    struct Readings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List stored readings of a device.")

        @OptionGroup var configOption: ConfigOption
        @OptionGroup var formatOption: FormatOption
        @Option(help: "The device's MN.") var mn: String
        @Option(help: "A pollutant code, e.g. a21026.") var pollutant: String?
        @Option(help: "realtime, minute, hour or day.") var kind: String?
        @Option(help: "From this local date or time (inclusive).") var since: String?
        @Option(help: "Until this local date or time (exclusive).") var until: String?
        @Option(help: "At most this many rows.") var limit: Int?
        @Option(help: "The SQLite database (overrides the configuration).") var db: String?

        func run() async throws {
            let configuration = try configOption.load()
            let zone = try zone(configuration)
            var kindValue: DataKind?
            if let kind {
                guard let parsed = DataKind(rawValue: kind) else {
                    throw CLIError("--kind \(kind) is not one of realtime, minute, hour, day")
                }
                kindValue = parsed
            }
            let store = try openStore(configuration, db: db)
            let query = ReadingQuery(
                mn: mn, pollutant: pollutant, kind: kindValue,
                since: try since.map { try TimeArgument.parse($0, zone: zone, option: "--since") },
                until: try until.map { try TimeArgument.parse($0, zone: zone, option: "--until") }, limit: limit)
            let rows = try await store.readings(query)
            try await store.close()
            let names = DeviceNames(configuration.registry[mn])
            var set = RecordSet(columns: [
                "mn", "kind", "data_time", "pollutant", "rtd", "min", "avg", "max", "cou", "zs_rtd", "zs_min", "zs_avg",
                "zs_max", "flag", "enterprise_id", "outlet_id",
            ])
            for row in rows {
                let reading = row.reading
                set.append([
                    .string(row.mn), .string(row.kind.rawValue), .string(zone.iso8601(row.dataTime)), .string(reading.code),
                    .optional(reading.rtd), .optional(reading.min), .optional(reading.avg), .optional(reading.max),
                    .optional(reading.cou), .optional(reading.zsRtd), .optional(reading.zsMin), .optional(reading.zsAvg),
                    .optional(reading.zsMax), .optional(reading.flag?.rawValue), .optional(names.enterpriseID),
                    .optional(names.outletID),
                ])
            }
            print(set.render(formatOption.format, emptyMessage: "No readings for MN \(mn) match."))
        }
    }

    /// `hj212 rejects`: frames that were not accepted, with the reason.
    struct Rejects: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List rejected frames with their reasons.")

        @OptionGroup var configOption: ConfigOption
        @OptionGroup var formatOption: FormatOption
        @Option(help: "From this local date or time (inclusive).") var since: String?
        @Option(help: "Until this local date or time (exclusive).") var until: String?
        @Option(help: "Only frames that claimed this MN.") var mn: String?
        @Option(help: "At most this many rows.") var limit: Int?
        @Option(help: "The SQLite database (overrides the configuration).") var db: String?

        func run() async throws {
            let configuration = try configOption.load()
            let zone = try zone(configuration)
            let store = try openStore(configuration, db: db)
            let rows = try await store.rejects(RejectQuery(
                sinceMillis: try since.map { try TimeArgument.parse($0, zone: zone, option: "--since") * 1000 },
                untilMillis: try until.map { try TimeArgument.parse($0, zone: zone, option: "--until") * 1000 },
                mn: mn, limit: limit))
            try await store.close()
            var set = RecordSet(columns: ["received_at", "peer", "mn", "reason", "detail", "raw"])
            for row in rows {
                let record = row.record
                set.append([
                    .string(zone.iso8601(unix: record.receivedAtMillis / 1000)), .string(record.peer), .optional(record.mn),
                    .string(record.reason), .string(record.detail), .string(RawText.maskingPassword(record.raw)),
                ])
            }
            if formatOption.format == .table {
                // Tables for people: the frame is long, so show its start.
                set.rows = set.rows.map { row in
                    var row = row
                    if case .string(let raw) = row[5], raw.count > 60 { row[5] = .string(String(raw.prefix(60)) + "…") }
                    return row
                }
            }
            print(set.render(formatOption.format, emptyMessage: "No rejected frames."))
        }
    }

    /// `hj212 devices`: the registry with each device's state.
    struct Devices: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List devices: online or offline, last seen, frames and rejects today.")

        @OptionGroup var configOption: ConfigOption
        @OptionGroup var formatOption: FormatOption
        @Option(help: "A device is online when seen within this many minutes.") var onlineMinutes: Int = 15
        @Option(help: "The SQLite database (overrides the configuration).") var db: String?

        func run() async throws {
            let configuration = try configOption.load()
            let zone = try zone(configuration)
            let nowMillis = Int64(Date().timeIntervalSince1970 * 1000)
            let dayStart = zone.dayStartMillis(unixMillis: nowMillis)
            var activity: [String: DeviceActivity] = [:]
            if let store = try? openStore(configuration, db: db) {
                for entry in try await store.deviceActivity(dayStart: dayStart, until: nowMillis + 1) { activity[entry.mn] = entry }
                try await store.close()
            }
            var set = RecordSet(columns: [
                "mn", "enterprise_id", "enterprise", "outlet_id", "outlet", "medium", "edition", "status", "last_seen",
                "last_qn", "connection", "frames_today", "rejects_today",
            ])
            var mns = Set(configuration.registry.keys)
            mns.formUnion(activity.keys)
            for mn in mns.sorted() {
                let device = configuration.registry[mn]
                let names = DeviceNames(device)
                let entry = activity[mn]
                let status: String
                if device == nil {
                    status = "pending"
                } else if let seen = entry?.lastSeenMillis, nowMillis - seen <= Int64(onlineMinutes) * 60_000 {
                    status = "online"
                } else {
                    status = "offline"
                }
                set.append([
                    .string(mn), .optional(names.enterpriseID), .optional(names.enterprise), .optional(names.outletID),
                    .optional(names.outlet), .optional(names.medium), .optional(device?.edition?.rawValue),
                    .string(status), entry?.lastSeenMillis.map { .string(zone.iso8601(unix: $0 / 1000)) } ?? .null,
                    .optional(entry?.lastQN), .optional(entry?.connection), .int(entry?.framesToday ?? 0),
                    .int(entry?.rejectsToday ?? 0),
                ])
            }
            print(set.render(formatOption.format, emptyMessage: "No devices are registered and none has been seen."))
        }
    }
}
