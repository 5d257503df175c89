import ArgumentParser
import Compliance
import Disclosure
import Foundation
import GatewayConfig
import Logging
import Store

extension HJ212Command {
    /// `hj212 publish`: write days to the public disclosure site on demand.
    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish daily results to the disclosure site (HTML, JSON, CSV, Atom feed).",
            discussion: """
                `hj212 serve` publishes the previous day at disclosure.publish_at by itself. Use this to \
                publish a day again after late data (the feed marks it revised), or --from/--to to \
                back-fill history. Each day is re-evaluated from the stored readings first, unless \
                --no-evaluate; each day appears on the site whole or not at all.
                """)

        @OptionGroup var configOption: ConfigOption
        @Option(help: "The local day, YYYY-MM-DD (default: yesterday).") var date: String?
        @Option(help: "First day of a range, YYYY-MM-DD.") var from: String?
        @Option(help: "Last day of a range (inclusive), YYYY-MM-DD.") var to: String?
        @Option(help: "The site folder (overrides disclosure.directory).") var out: String?
        @Flag(inversion: .prefixedNo, help: "Re-evaluate compliance for each day before publishing.") var evaluate = true
        @Option(help: "The SQLite database (overrides the configuration).") var db: String?

        func run() async throws {
            let configuration = try configOption.load()
            let zone = try zone(configuration)
            let registry = try complianceRegistry(configuration)
            let store = try openStore(configuration, db: db)
            try await store.migrate()
            let logger = Logger(label: "hj212.publish")
            let engine = ComplianceEngine(store: store, registry: registry, timeZone: zone, logger: logger)
            let clock = engine.clock
            let days: [Int64]
            if date != nil && (from != nil || to != nil) { throw CLIError("give --date, or --from and --to, not both") }
            if let from {
                guard let to else { throw CLIError("--from needs --to (the last day, inclusive)") }
                let first = clock.dayStart(try TimeArgument.parse(from, zone: zone, option: "--from"))
                let last = clock.dayStart(try TimeArgument.parse(to, zone: zone, option: "--to"))
                guard first <= last else { throw CLIError("--from must not be after --to") }
                var list: [Int64] = []
                var day = first
                while day <= last { list.append(day); day = clock.nextDay(day) }
                days = list
            } else if let date {
                days = [clock.dayStart(try TimeArgument.parse(date, zone: zone, option: "--date"))]
            } else {
                days = [clock.dayStart(clock.dayStart(Int64(Date().timeIntervalSince1970)) - 1)]
            }
            let directory = out ?? configuration.disclosure.directory
            let publication = DayPublication(
                builder: DailySummaryBuilder(store: store, registry: registry, clock: clock),
                publisher: SitePublisher(
                    directory: URL(fileURLWithPath: directory), renderer: SiteRenderer(), logger: logger, timeZone: zone.timeZone),
                clock: clock, logger: logger)
            for day in days {
                let began = ContinuousClock.now
                if evaluate {
                    try await engine.reevaluate(from: day, until: clock.nextDay(day))
                }
                let evaluated = ContinuousClock.now
                let result = try await publication.publish(dayStart: day)
                let exceeding = result.summary.enterprises.flatMap(\.outlets).flatMap(\.pollutants).filter { $0.exceedPeriods > 0 }.count
                print(String(
                    format: "%@: published revision %d%@ to %@ — %d enterprise(s), %d exceeding pollutant(s)%@; evaluate %.2f s, summary %.2f s, write %.2f s",
                    result.summary.date, result.outcome.revision, result.outcome.revised ? " (revised)" : "", result.outcome.dayPath,
                    result.summary.enterprises.count, exceeding, result.summary.complete ? "" : ", INCOMPLETE",
                    DayPublication.seconds(evaluated - began), result.buildSeconds, result.writeSeconds))
            }
            try await store.close()
        }
    }
}
