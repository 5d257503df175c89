import ServiceLifecycle

/// Runs the compliance engine beside the gateway (swift-service-lifecycle): evaluates what was
/// committed every couple of seconds, and flushes once more on graceful shutdown.
public struct ComplianceService: Service {
    let engine: ComplianceEngine
    let interval: Duration

    public init(engine: ComplianceEngine, interval: Duration = .seconds(2)) {
        self.engine = engine
        self.interval = interval
    }

    public func run() async throws {
        let engine = engine
        let interval = interval
        await cancelWhenGracefulShutdown {
            await engine.run(interval: interval)
        }
    }
}
