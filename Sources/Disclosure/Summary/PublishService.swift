import Compliance
import Foundation
import Logging
import ServiceLifecycle

/// Publishes the previous local day every day at `publish_at` (swift-service-lifecycle service
/// inside `hj212 serve`). At start it catches up: when today's publication time has passed and
/// yesterday is not published yet, it publishes yesterday at once. Before each publication it
/// lets the compliance engine evaluate what is pending, so the day's last hour is judged.
public struct PublishService: Service {
    let publication: DayPublication
    let engine: ComplianceEngine?
    let clock: PeriodClock
    let hour: Int
    let minute: Int
    let logger: Logger
    let now: @Sendable () -> Date

    public init(
        publication: DayPublication, engine: ComplianceEngine?, clock: PeriodClock, hour: Int, minute: Int,
        logger: Logger, now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.publication = publication
        self.engine = engine
        self.clock = clock
        self.hour = hour
        self.minute = minute
        self.logger = logger
        self.now = now
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.loop()
        }
    }

    func loop() async {
        if let yesterday = catchUpDay() { await publish(yesterday) }
        while !Task.isCancelled {
            let current = Int64(now().timeIntervalSince1970)
            let next = nextRun(after: current)
            logger.debug("next publication", metadata: ["at": "\(clock.zone.iso8601(unix: next))"])
            do {
                try await Task.sleep(for: .seconds(Double(next - current)))
            } catch {
                return
            }
            await publish(clock.dayStart(next) - 1)
        }
    }

    /// Yesterday's start, when today's publication time has passed and it is not published.
    func catchUpDay() -> Int64? {
        let current = Int64(now().timeIntervalSince1970)
        let today = clock.dayStart(current)
        guard current >= today + Int64(hour * 3600 + minute * 60) else { return nil }
        let yesterday = clock.dayStart(today - 1)
        let published = (try? publication.publisher.publishedDays().days.map(\.date)) ?? []
        return published.contains(clock.dateText(yesterday)) ? nil : yesterday
    }

    /// The next publication instant after `unix`.
    func nextRun(after unix: Int64) -> Int64 {
        let offset = Int64(hour * 3600 + minute * 60)
        var day = clock.dayStart(unix)
        while day + offset <= unix { day = clock.nextDay(day) }
        return day + offset
    }

    /// Publishes the day holding `instant`.
    func publish(_ instant: Int64) async {
        let day = clock.dayStart(instant)
        do {
            if let engine { try await engine.flush() }
            _ = try await publication.publish(dayStart: day, now: now())
        } catch {
            logger.error("daily publication failed; run `hj212 publish --date` by hand", metadata: [
                "date": "\(clock.dateText(day))", "error": "\(error)",
            ])
        }
    }
}
