import ArgumentParser
import Compliance
import Disclosure
import Foundation
import Gateway
import GatewayConfig
import HJ212
import LocalTime
import Logging
import Metrics
import Prometheus
import PublicHTTP
import ServiceLifecycle
import Store

extension HJ212Command {
    /// `hj212 serve`: the gateway. Devices on the device port, metrics and health on http.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the gateway: receive, check, store and acknowledge HJ 212 uploads.",
            discussion: """
                SIGTERM or SIGINT shut it down gracefully: it stops accepting, lets each connection \
                finish its current frame, commits what is queued, answers what was committed, then exits.
                """)

        @OptionGroup var configOption: ConfigOption

        @Option(help: "The device port, HOST:PORT (overrides listen:).")
        var listen: String?

        @Option(help: "The SQLite database file (overrides storage:).")
        var db: String?

        @Option(help: "The http listener for /metrics and /health, HOST:PORT or off (overrides http:).")
        var http: String?

        @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
        var logLevel: String = "info"

        func run() async throws {
            var configuration = try configOption.load()
            if let listen { configuration.listen = try hostPort(listen, option: "--listen") }
            if let http { configuration.http = http == "off" ? nil : try hostPort(http, option: "--http") }
            if let db { configuration.storage = .sqlite(path: db) }

            let level = Logger.Level(rawValue: logLevel) ?? .info
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            let logger = Logger(label: "hj212")
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

            let runtime = try await GatewayRuntime.start(configuration: configuration, logger: logger)
            let services = runtime.services(configuration: configuration, registry: registry, logger: logger)
            let group = ServiceGroup(configuration: .init(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
            try await runtime.store.close()
            logger.info("gateway stopped")
        }

        private func hostPort(_ text: String, option: String) throws -> HostPort {
            guard let value = HostPort(text) else {
                throw CLIError("\(option) \(text) is not HOST:PORT, e.g. 0.0.0.0:9212")
            }
            return value
        }
    }
}

/// The gateway's parts, wired from a configuration. `serve` and `demo` share it.
struct GatewayRuntime: Sendable {
    /// The services to run, in start order; graceful shutdown runs in reverse, so the device
    /// port stops first and the committer, which answers what is in flight, stops last.
    func services(
        configuration: GatewayConfiguration, registry: PrometheusCollectorRegistry, logger: Logger, publishing: Bool = true
    ) -> [ServiceGroupConfiguration.ServiceConfiguration] {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: ComplianceService(engine: compliance), serviceName: "compliance"),
            .init(service: CommitterService(committer: committer), serviceName: "committer"),
        ]
        if let http = configuration.http {
            let store = store
            services.append(.init(
                service: HTTPFront.application(
                    host: http.host, port: http.port, registry: registry, logger: logger,
                    health: {
                        do {
                            _ = try await store.deviceActivity(dayStart: 0, until: 0)
                            return .init(ok: true, detail: "store reachable")
                        } catch {
                            return .init(ok: false, detail: "store: \(error)")
                        }
                    },
                    siteDirectory: configuration.disclosure.directory),
                serviceName: "http"))
        }
        if publishing, let hour = configuration.disclosure.publishHour, let minute = configuration.disclosure.publishMinute {
            services.append(.init(
                service: PublishService(
                    publication: publication(configuration: configuration), engine: compliance, clock: compliance.clock,
                    hour: hour, minute: minute, logger: Logger(label: "hj212.publish")),
                serviceName: "publish"))
        }
        services.append(.init(service: DevicePortService(server: server, listener: listener), serviceName: "device-port"))
        return services
    }

    /// Publishes a day to the configured disclosure directory.
    func publication(configuration: GatewayConfiguration) -> DayPublication {
        let logger = Logger(label: "hj212.publish")
        return DayPublication(
            builder: DailySummaryBuilder(store: store, registry: compliance.registry, clock: compliance.clock),
            publisher: SitePublisher(
                directory: URL(fileURLWithPath: configuration.disclosure.directory), renderer: SiteRenderer(),
                logger: logger, timeZone: configuration.timeZone),
            clock: compliance.clock, logger: logger)
    }

    let store: SQLiteStore
    let compliance: ComplianceEngine
    let committer: GroupCommitter
    let server: GatewayServer
    let listener: GatewayServer.Listener
    let sessions: SessionRegistry

    static func start(configuration: GatewayConfiguration, logger: Logger) async throws -> GatewayRuntime {
        MemoryTrimmer.limitArenas()
        guard case .sqlite(let path) = configuration.storage else {
            throw CLIError("PostgreSQL storage is not available in this build yet; use storage: { sqlite: PATH }")
        }
        guard let zone = LocalTimeZone(identifier: configuration.timezone) else {
            throw CLIError("timezone \(configuration.timezone) is not known")
        }
        let store = try SQLiteStore(
            path: path, durability: configuration.durability == .normal ? .normal : .full,
            logger: Logger(label: "hj212.store"))
        try await store.migrate()
        try store.sizeWriterCache(registered: configuration.registry.count)
        try store.startBackgroundCheckpoints()
        let complianceRegistry = try complianceRegistry(configuration)
        let compliance = ComplianceEngine(
            store: store, registry: complianceRegistry, timeZone: zone, logger: Logger(label: "hj212.compliance"))
        let metrics = GatewayMetrics()
        let committer = GroupCommitter(
            store: store,
            settings: .init(
                maxFrames: configuration.ingest.batchMaxFrames, maxDelayMillis: configuration.ingest.batchMaxDelayMillis,
                capacity: configuration.ingest.queueCapacity),
            logger: Logger(label: "hj212.commit"), metrics: metrics,
            onCommitted: { frames in compliance.noteLater(frames) })
        let limits = configuration.limits
        let access = AccessGuard(settings: .init(
            maxConnections: limits.maxConnections, maxConnectionsPerIP: limits.maxConnectionsPerIP,
            badPasswordThreshold: limits.badPasswordThreshold,
            badPasswordWindowSeconds: Double(limits.badPasswordWindowSeconds), blockSeconds: Double(limits.blockSeconds)))
        let devices = DeviceRegistry(configuration.registry.values.map { device in
            DeviceProfile(
                mn: device.mn, password: device.password.value, edition: device.edition, sm4Key: device.sm4Key,
                extraCRC: device.crc, policy: device.policy)
        })
        let settings = GatewaySettings(
            host: configuration.listen.host, port: configuration.listen.port,
            framing: FramingOptions(maximumFrameBytes: limits.maxFrameBytes), policy: configuration.ingest.policy,
            acceptUnregistered: configuration.unregistered == .accept,
            idleTimeoutSeconds: Int64(limits.idleTimeoutSeconds), junkBytesLimit: limits.junkBytesLimit,
            noValidFrameSeconds: Double(limits.noValidFrameSeconds))
        let sessions = SessionRegistry()
        let server = GatewayServer(
            settings: settings, registry: devices, committer: committer, access: access, sessions: sessions,
            timeZone: zone, logger: Logger(label: "hj212.gateway"), metrics: metrics)
        let listener = try await server.bind()
        return GatewayRuntime(store: store, compliance: compliance, committer: committer, server: server, listener: listener, sessions: sessions)
    }
}
