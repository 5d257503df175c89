import ArgumentParser
import Compliance
import Foundation
import Logging
import Store

extension HJ212Command {
    /// `hj212 evaluate`: recompute compliance results for a time range from the stored readings.
    struct Evaluate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-judge stored data: hourly and daily means, exceedance events, warnings.",
            discussion: """
                `hj212 serve` evaluates as data arrives; run this after changing limits in the \
                configuration, or on a database filled without the gateway. Whole local days are \
                evaluated.
                """)

        @OptionGroup var configOption: ConfigOption
        @Option(help: "From this local date (inclusive); default: yesterday.") var since: String?
        @Option(help: "Until this local date (exclusive); default: tomorrow.") var until: String?
        @Option(help: "Only this device.") var mn: String?
        @Option(help: "The SQLite database (overrides the configuration).") var db: String?

        func run() async throws {
            let configuration = try configOption.load()
            let zone = try zone(configuration)
            let registry = try complianceRegistry(configuration)
            let store = try openStore(configuration, db: db)
            try await store.migrate()
            let engine = ComplianceEngine(store: store, registry: registry, timeZone: zone, logger: Logger(label: "hj212.compliance"))
            let today = engine.clock.dayStart(Int64(Date().timeIntervalSince1970))
            let from = try since.map { try TimeArgument.parse($0, zone: zone, option: "--since") } ?? today - 86_400
            let to = try until.map { try TimeArgument.parse($0, zone: zone, option: "--until") } ?? engine.clock.nextDay(today)
            guard from < to else { throw CLIError("--since must be before --until") }
            let started = ContinuousClock.now
            let summary = try await engine.reevaluate(from: from, until: to, mns: mn.map { [$0] })
            try await store.close()
            let seconds = (ContinuousClock.now - started)
            print("evaluated \(summary.days) device-day(s), \(summary.hours) hour slot(s); \(summary.events) exceedance event(s) in \(summary.series) series; \(seconds)")
        }
    }
}
