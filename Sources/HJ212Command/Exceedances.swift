import ArgumentParser
import Compliance
import Foundation
import GatewayConfig
import LocalTime
import Reports
import Store

extension ExceedanceFilter.Sort: ExpressibleByArgument {}

extension HJ212Command {
    /// `hj212 exceedances`: the enforcement detachment's list of exceedance events.
    struct Exceedances: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List exceedance events (超标事件) judged on the rules' basis.",
            discussion: """
                Gas: each valid hourly mean of the O2-converted concentration; water: valid daily means; \
                pH: hourly values outside the range. An event is a run of exceeding periods not \
                interrupted by a valid compliant one; it is open while no compliant period has followed.
                Times are local (the configuration's timezone); --since is inclusive, --until exclusive, \
                and an event is listed when it overlaps them.
                Exit status: 0 when the query ran, whether or not anything exceeded (the table then says \
                "No exceedances", JSON prints []); 1 on an error (no database, bad option).
                """)

        @OptionGroup var configOption: ConfigOption
        @OptionGroup var formatOption: FormatOption
        @Option(help: "From this local date or time (inclusive), e.g. 2026-11-28.") var since: String?
        @Option(help: "Until this local date or time (exclusive).") var until: String?
        @Option(help: "Only this enterprise (its id).") var enterprise: String?
        @Option(help: "Only this outlet (its id).") var outlet: String?
        @Option(help: "Only this device.") var mn: String?
        @Option(help: "Only this pollutant code, e.g. a21026.") var pollutant: String?
        @Option(help: "gas or water.") var medium: String?
        @Flag(help: "Only events still open.") var open = false
        @Option(help: "Sort: start (newest first, default), multiple or hours.") var sort: ExceedanceFilter.Sort = .start
        @Flag(help: "Keep running and print events as they start, grow and close.") var watch = false
        @Flag(help: "List warnings (预警) instead: over_range (T flags, above the analyser's range) and realtime_spike (real-time values above the limit).")
        var warnings = false
        @Option(help: "The SQLite database (overrides the configuration).") var db: String?

        func run() async throws {
            let configuration = try configOption.load()
            let zone = try zone(configuration)
            let registry = try complianceRegistry(configuration)
            var filter = ExceedanceFilter()
            filter.since = try since.map { try TimeArgument.parse($0, zone: zone, option: "--since") }
            filter.until = try until.map { try TimeArgument.parse($0, zone: zone, option: "--until") }
            filter.enterpriseID = enterprise
            filter.outletID = outlet
            filter.mn = mn
            filter.pollutant = pollutant
            if let medium {
                guard let value = Medium(rawValue: medium) else { throw CLIError("--medium \(medium) is not gas or water") }
                filter.medium = value
            }
            filter.openOnly = open
            filter.sort = sort
            let store = try openStore(configuration, db: db)
            try await store.migrate()
            if warnings {
                let rows = try await store.warnings(since: filter.since, until: filter.until, mn: mn)
                StandardOutput().write(Self.warningRecords(rows, registry: registry, filter: filter, zone: zone)
                    .render(formatOption.format, headers: ["企业", "排放口", "MN", "污染物", "小时", "类型", "次数", "峰值", "限值"],
                            emptyMessage: "No warnings match (无预警)."))
                try await store.close()
                return
            }
            let report = ExceedanceReport(store: store, registry: registry)
            let rows = try await report.rows(filter)
            let format = ExceedanceFormat(zone: zone)
            let out = StandardOutput()
            out.write(format.render(rows, as: formatOption.format))
            if watch {
                try await follow(report: report, filter: filter, known: rows, format: format)
            }
            try await store.close()
        }

        static func warningRecords(_ rows: [WarningRecord], registry: ComplianceRegistry, filter: ExceedanceFilter, zone: LocalTimeZone) -> RecordSet {
            var set = RecordSet(columns: ["enterprise", "outlet", "mn", "pollutant", "hour", "kind", "count", "peak", "limit"])
            for row in rows {
                let rules = registry.byMN[row.mn]
                guard filter.enterpriseID == nil || rules?.enterpriseID == filter.enterpriseID,
                      filter.outletID == nil || rules?.outletID == filter.outletID,
                      filter.medium == nil || rules?.medium == filter.medium,
                      filter.pollutant == nil || row.pollutant == filter.pollutant else { continue }
                set.append([
                    .string(rules?.enterpriseName ?? row.enterpriseID), .string(rules?.outletName ?? row.outletID), .string(row.mn),
                    .string(row.pollutant), .string(zone.iso8601(unix: row.hourUnix)),
                    .string(row.kind),
                    .int(row.count), .optional(row.peak), .optional(row.limit),
                ])
            }
            return set
        }

        /// Polls the store every 2 s and prints what changed: new events, grown ones, closed ones.
        func follow(report: ExceedanceReport, filter: ExceedanceFilter, known: [ExceedanceRow], format: ExceedanceFormat) async throws {
            var seen: [String: ExceedanceRow] = [:]
            for row in known { seen[ExceedanceFormat.key(row)] = row }
            var since = Int64(Date().timeIntervalSince1970 * 1000)
            let out = StandardOutput()
            out.write("watching for new and closing events (Ctrl-C to stop)…")
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(2))
                let checkpoint = Int64(Date().timeIntervalSince1970 * 1000)
                let changed = try await report.rows(filter, updatedSinceMillis: since - 1)
                for row in changed.reversed() {
                    let key = ExceedanceFormat.key(row)
                    let label: String
                    if let old = seen[key] {
                        guard old.event != row.event else { continue }
                        label = old.isOpen && !row.isOpen ? "closed" : "updated"
                    } else {
                        label = "new"
                    }
                    seen[key] = row
                    out.write("[\(label)] " + format.line(row))
                }
                since = checkpoint
            }
        }
    }
}

/// How events are shown: a line per event for people, the contract's fields for programs.
struct ExceedanceFormat {
    let zone: LocalTimeZone

    static func key(_ row: ExceedanceRow) -> String {
        "\(row.event.series.mn)|\(row.event.series.pollutant)|\(row.event.series.basis)|\(row.event.startUnix)"
    }

    func render(_ rows: [ExceedanceRow], as format: RecordSet.Format) -> String {
        switch format {
        case .table:
            guard !rows.isEmpty else { return "No exceedances match (无超标事件)." }
            let open = rows.filter(\.isOpen).count
            return "\(rows.count) exceedance event(s), \(open) open:\n" + rows.map(line).joined(separator: "\n")
        case .csv, .json:
            return records(rows).render(format)
        }
    }

    /// `德宏示例糖业 · 1号锅炉 · 二氧化硫 · 2026-11-28 14:00–17:00 · 3 h · peak 812 mg/m³ · limit 400 · ×1.03 · open`.
    func line(_ row: ExceedanceRow) -> String {
        let event = row.event
        var parts = [row.enterpriseName, row.outletName, row.pollutantName, span(event), "\(event.hours) h"]
        let bound = event.lowerBound ? "≥" : ""
        parts.append("peak \(bound)\(NumberText.format(event.peak)) \(row.unit)".trimmingCharacters(in: .whitespaces))
        switch row.basis {
        case .range:
            parts.append("range \(NumberText.format(event.lower ?? 0))–\(NumberText.format(event.upper ?? 0))")
        case .hour, .day:
            parts.append("limit \(NumberText.format(event.limit))" + (row.basis == .day ? " (日均值)" : ""))
            if let multiple = event.multiple { parts.append("×" + String(format: "%.2f", multiple)) }
        }
        parts.append(event.status)
        return parts.joined(separator: " · ")
    }

    /// `2026-11-28 14:00–17:00`, or both dates when the event crosses midnight.
    func span(_ event: EventRecord) -> String {
        let start = zone.localTime(unix: event.startUnix)
        let end = zone.localTime(unix: event.endUnix)
        let startDate = String(format: "%04d-%02d-%02d", start.year, start.month, start.day)
        let endDate = String(format: "%04d-%02d-%02d", end.year, end.month, end.day)
        let startTime = String(format: "%02d:%02d", start.hour, start.minute)
        let endTime = String(format: "%02d:%02d", end.hour, end.minute)
        if event.series.basis == JudgementBasis.day.rawValue {
            let last = zone.localTime(unix: event.endUnix - 1)
            let lastDate = String(format: "%04d-%02d-%02d", last.year, last.month, last.day)
            return lastDate == startDate ? startDate : "\(startDate)–\(lastDate)"
        }
        if startDate == endDate || (endTime == "00:00" && zone.localTime(unix: event.endUnix - 1).day == start.day) {
            return "\(startDate) \(startTime)–\(endTime == "00:00" ? "24:00" : endTime)"
        }
        return "\(startDate) \(startTime) – \(endDate) \(endTime)"
    }

    /// The contract's fields (design.md), then extras: limit source, mass, lower bound, evidence.
    func records(_ rows: [ExceedanceRow]) -> RecordSet {
        var set = RecordSet(columns: [
            "enterprise_id", "enterprise", "outlet_id", "outlet", "mn", "pollutant", "pollutant_name", "unit", "basis",
            "start", "end", "hours", "peak", "mean", "limit", "lower", "upper", "multiple", "status",
            "limit_source", "mass_kg", "lower_bound", "evidence",
        ])
        for row in rows {
            let event = row.event
            set.append([
                .string(event.enterpriseID), .string(row.enterpriseName), .string(event.outletID), .string(row.outletName),
                .string(event.series.mn), .string(event.series.pollutant), .string(row.pollutantName), .string(row.unit),
                .string(event.series.basis), .string(zone.iso8601(unix: event.startUnix)), .string(zone.iso8601(unix: event.endUnix)),
                .int(event.hours), .number(event.peak), .number(event.mean), .number(event.limit), .optional(event.lower),
                .optional(event.upper), .optional(event.multiple), .string(event.status), .optional(row.limitSource),
                .optional(event.massKg), .bool(event.lowerBound), JSONValue.parse(event.evidence) ?? .string(event.evidence),
            ])
        }
        return set
    }
}

/// Numbers for people: up to 3 decimals, trailing zeros trimmed.
enum NumberText {
    static func format(_ value: Double) -> String {
        var text = String(format: "%.3f", value)
        while text.contains(".") && (text.hasSuffix("0") || text.hasSuffix(".")) { text.removeLast() }
        return text
    }
}
