import Compliance
import Foundation
import Logging

/// Publishes one local day: builds its summary from the stored compliance results and writes
/// it to the site atomically. `hj212 publish`, the daily schedule and the demo share it.
public struct DayPublication: Sendable {
    public let builder: DailySummaryBuilder
    public let publisher: SitePublisher
    let clock: PeriodClock
    let logger: Logger

    public init(builder: DailySummaryBuilder, publisher: SitePublisher, clock: PeriodClock, logger: Logger) {
        self.builder = builder
        self.publisher = publisher
        self.clock = clock
        self.logger = logger
    }

    /// What one publication did and how long its parts took.
    public struct Result: Sendable {
        public var summary: DailySummary
        public var outcome: PublishOutcome
        public var buildSeconds: Double
        public var writeSeconds: Double
    }

    /// Publishes the local day starting at `dayStart`.
    public func publish(dayStart: Int64, now: Date = Date()) async throws -> Result {
        let began = ContinuousClock.now
        let summary = try await builder.build(dayStart: dayStart, now: now)
        let built = ContinuousClock.now
        let outcome = try publisher.publish(summary)
        let written = ContinuousClock.now
        let result = Result(
            summary: summary, outcome: outcome, buildSeconds: Self.seconds(built - began), writeSeconds: Self.seconds(written - built))
        logger.info("disclosure published", metadata: [
            "date": "\(summary.date)", "revision": "\(outcome.revision)", "complete": "\(summary.complete)",
            "enterprises": "\(summary.enterprises.count)", "files": "\(outcome.filesWritten)",
            "build_s": "\(String(format: "%.3f", result.buildSeconds))", "write_s": "\(String(format: "%.3f", result.writeSeconds))",
        ])
        return result
    }

    public static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
