import ArgumentParser
import Compliance
import Disclosure
import Foundation
import Gateway
import GatewayConfig
import HJ212
import Logging
import Metrics
import NIOCore
import NIOPosix
import Prometheus
import PublicHTTP
import ServiceLifecycle
import Simulation
import Store

extension HJ212Command {
    /// `hj212 demo`: the whole chain on one machine — a gateway on local ports and the demo
    /// prefecture's simulated fleet sending it a day of data.
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the gateway with a simulated prefecture sending it a day of data, then show what to look at.",
            discussion: """
                Writes DIR/hj212.yaml (the devices of simulators/demo.yaml, SQLite at DIR/hj212.sqlite, the device \
                port and http on free local ports), starts the gateway in this process, and runs the demo fleet \
                for one simulated day (yesterday) at --speed. Then it prints the commands to look at the result \
                and keeps the gateway running until Ctrl-C; with --once it exits and leaves DIR for \
                `hj212 … --config DIR/hj212.yaml`.
                """)

        @Option(help: "The folder for the demo's configuration and database.")
        var dir: String = "demo"

        @Flag(help: "Exit after the simulated day instead of keeping the gateway running.")
        var once = false

        @Option(help: "Simulated seconds per wall-clock second.")
        var speed: Double = 2400

        @Option(help: "The scenario (default: simulators/demo.yaml, looked up from here and from the executable).")
        var scenario: String?

        @Option(help: "The simulated day, YYYY-MM-DD (default: yesterday).")
        var start: String?

        @Option(help: "Seed for the plant noise and the faults.")
        var seed: UInt64?

        @Option(help: "Log level of the gateway and the fleet: trace, debug, info, notice, warning, error, critical.")
        var logLevel: String = "warning"

        func validate() throws {
            if speed <= 0 { throw ValidationError("--speed must be positive") }
        }

        func run() async throws {
            let began = ContinuousClock.now
            let out = StandardOutput()
            let scenarioPath = try scenario ?? Self.findDemoScenario()
            let scenario = try SimulationCLI.loadScenario(scenarioPath)

            // 1. The folder, free ports, and the configuration written the way `simulate --write-config` does.
            let folder = URL(fileURLWithPath: dir).standardizedFileURL
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for suffix in ["", "-wal", "-shm"] {
                try? FileManager.default.removeItem(at: folder.appendingPathComponent("hj212.sqlite" + suffix))
            }
            let devicePort = try await Self.freePort()
            let httpPort = try await Self.freePort(avoiding: devicePort)
            let written = scenario.gatewayConfiguration(
                listen: HostPort(host: "127.0.0.1", port: devicePort), http: HostPort(host: "127.0.0.1", port: httpPort),
                storage: .sqlite(path: "hj212.sqlite"))
            let configPath = folder.appendingPathComponent("hj212.yaml").path
            try SimulationCLI.write(written.yaml(), to: configPath)
            let configuration: GatewayConfiguration
            do {
                configuration = try ConfigurationLoader.load(path: configPath)
            } catch {
                throw CLIError("the demo configuration \(configPath) does not load (a bug, please report it):\n\(error)")
            }
            let shownDir = Self.shown(dir)
            out.write("hj212 demo: \(scenario.enterprises.count) enterprises, \(scenario.devices.count) devices from \(Self.shown(scenarioPath))")
            out.write("  wrote \(shownDir)/hj212.yaml (SQLite \(shownDir)/hj212.sqlite)")

            // 2. The gateway, in this process, as `hj212 serve` runs it.
            let level = Logger.Level(rawValue: logLevel) ?? .warning
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            let logger = Logger(label: "hj212")
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            let runtime = try await GatewayRuntime.start(configuration: configuration, logger: logger)
            let store = runtime.store
            // The demo publishes its simulated day itself, once the day is in.
            let services = runtime.services(configuration: configuration, registry: registry, logger: logger, publishing: false)
            let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            let gateway = Task { try await group.run() }
            out.write("  gateway listening: devices on 127.0.0.1:\(runtime.listener.port), http on \(configuration.http?.description ?? "off")")

            // 3. The fleet: one simulated day.
            let startDay = try SimulationCLI.startDay(start, timezone: scenario.timezone)
            let options = FleetOptions(
                host: "127.0.0.1", port: runtime.listener.port, speed: speed, start: startDay, simulatedSeconds: 86_400, seed: seed)
            let runner = FleetRunner(scenario: scenario, options: options, logger: Logger(label: "hj212.simulate"))
            out.write("  simulating \(startDay.isoLocal) … +1 d at \(SimulationCLI.format(speed))× (about \(Int((86_400 / speed).rounded())) s, then a short drain)")
            let fleet = Task { await SimulationCLI.runWithProgress(runner, interrupt: false) }
            // Ctrl-C during the run stops the gateway; stop the fleet with it.
            let watcher = Task {
                _ = try? await gateway.value
                fleet.cancel()
            }
            let report = await fleet.value
            SimulationCLI.printReport(report, perDevice: false)

            // 4. What is in the store now, and what to run next.
            let rejects = (try? await store.rejects(RejectQuery()))?.count ?? 0
            var example: (mn: String, hours: Int)?
            for device in scenario.devices where device.upload.contains(.hour) {
                let hours = Set(((try? await store.readings(ReadingQuery(mn: device.mn, kind: .hour))) ?? []).map(\.dataTime)).count
                if hours > 0 && (example == nil || (hours > example!.hours && device.edition != .hj2005)) { example = (device.mn, hours) }
                if hours >= 24 { break }
            }
            let seconds = Double((ContinuousClock.now - began).components.seconds)
            out.write("")
            out.write("The demo day is in \(shownDir)/ (\(String(format: "%.0f", seconds)) s). Look at it with:")
            out.write("  hj212 devices  --config \(shownDir)/hj212.yaml")
            if let example {
                out.write("  hj212 readings --config \(shownDir)/hj212.yaml --mn \(example.mn) --kind hour      # \(example.hours) hours stored")
            } else {
                out.write("  hj212 readings --config \(shownDir)/hj212.yaml --mn <MN> --kind hour")
            }
            out.write("  hj212 rejects  --config \(shownDir)/hj212.yaml      # \(rejects) frames the faulty devices got wrong")
            out.write("  hj212 exceedances --config \(shownDir)/hj212.yaml --since \(startDay.isoLocal.prefix(10))")
            out.write("  hj212 limits   --config \(shownDir)/hj212.yaml")

            // 5. Judge the day and publish it, as the gateway does at publish_at.
            try await runtime.compliance.flush()
            let dayStart = runtime.compliance.clock.zone.unixTime(startDay)
            let published = try await runtime.publication(configuration: configuration).publish(dayStart: dayStart)
            let rows = try await ExceedanceReport(store: store, registry: runtime.compliance.registry)
                .rows(ExceedanceFilter.day(dayStart, clock: runtime.compliance.clock))
            out.write("")
            out.write("Exceedances on \(published.summary.date) (\(rows.count)):")
            let format = ExceedanceFormat(zone: runtime.compliance.clock.zone)
            for row in rows { out.write("  " + format.line(row)) }
            out.write("")
            out.write("Published \(published.summary.date) to \(shownDir)/public/ (revision \(published.outcome.revision), \(published.outcome.filesWritten) files\(published.summary.complete ? "" : ", marked incomplete")).")
            if let http = configuration.http, !once {
                out.write("  disclosure site: http://\(http)/   (day page: http://\(http)/\(published.summary.date)/)")
            } else {
                out.write("  serve it with: hj212 serve --config \(shownDir)/hj212.yaml, then open the http address")
            }
            if once {
                out.write("  the gateway: hj212 serve --config \(shownDir)/hj212.yaml   (this run has stopped it)")
                await group.triggerGracefulShutdown()
                _ = try? await gateway.value
                watcher.cancel()
                try await store.close()
                return
            }
            if let http = configuration.http {
                out.write("  metrics and health: http://\(http)/metrics  http://\(http)/health")
            }
            out.write("")
            out.write("The gateway keeps running on 127.0.0.1:\(runtime.listener.port); Ctrl-C stops it. Send it more with:")
            let next = startDay.adding(seconds: 86_400)
            let nextDay = String(next.isoLocal.prefix(10))
            out.write("  hj212 simulate --scenario \(Self.shown(scenarioPath)) --target 127.0.0.1:\(runtime.listener.port) --start \(nextDay) --speed 60")
            do {
                try await gateway.value
            } catch {
                logger.error("gateway stopped with an error", metadata: ["error": "\(error)"])
            }
            watcher.cancel()
            try await store.close()
        }

        /// simulators/demo.yaml: from the working folder, else next to the checkout the executable was built in.
        static func findDemoScenario() throws -> String {
            let relative = "simulators/demo.yaml"
            if FileManager.default.fileExists(atPath: relative) { return relative }
            var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0..<6 {
                let candidate = folder.appendingPathComponent(relative).path
                if FileManager.default.fileExists(atPath: candidate) { return candidate }
                folder = folder.deletingLastPathComponent()
            }
            throw CLIError("simulators/demo.yaml was not found here or above the hj212 executable; run from the repository, or pass --scenario PATH")
        }

        /// A free TCP port on 127.0.0.1 (bound, read, released).
        static func freePort(avoiding other: Int? = nil) async throws -> Int {
            for _ in 0..<10 {
                let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .bind(host: "127.0.0.1", port: 0).get()
                let port = channel.localAddress?.port ?? 0
                try await channel.close()
                if port > 0 && port != other { return port }
            }
            throw CLIError("no free local port was found")
        }

        /// A path as the user gave it, without a leading "./".
        static func shown(_ path: String) -> String {
            path.hasPrefix("./") ? String(path.dropFirst(2)) : path
        }
    }
}
