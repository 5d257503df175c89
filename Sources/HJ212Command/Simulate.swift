import ArgumentParser
import Foundation
import GatewayConfig
import HJ212
import LoadGenerator
import Logging
import Simulation

extension HJ212Command {
    /// `hj212 simulate`: a fleet of simulated data loggers from a scenario file, against a gateway.
    struct Simulate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a simulated fleet of data loggers against a gateway, or write the gateway configuration for it.",
            discussion: """
                The scenario (simulators/*.yaml, format in simulators/README.md) lists enterprises, outlets and \
                devices with their edition, pollutants, schedules and faults. Each device keeps one TCP \
                connection, uploads real-time, minute, hour and day data, waits for 9014s, resends, back-fills \
                after outages and answers platform commands.

                Device times run on a simulated clock starting at --start (default: yesterday 00:00 in the \
                scenario's zone) at --speed simulated seconds per second: --speed 3600 --sim-duration 1d \
                produces a day of data in about 24 seconds.

                hj212 simulate --scenario FILE --write-config OUT.yaml writes a gateway configuration that \
                registers every device of the scenario, so the gateway and the fleet agree.
                """)

        @Option(help: "The scenario file (simulators/*.yaml). Not needed with --load.")
        var scenario: String?

        @Flag(help: "Load mode: many identical devices upload 10-pollutant minute data as fast as answers allow (or at --rate) and the ack rate and latency are reported.")
        var load = false

        @Option(help: "With --load: how many connections (devices).")
        var connections: Int = 100

        @Option(help: "With --load: total frames per second to offer (open loop); without it each connection sends as fast as its answers come.")
        var rate: Int?

        @Option(help: "With --load: frames each connection may have waiting for an answer.")
        var window: Int = 4

        @Option(name: .customLong("mn-prefix"), help: "With --load: the devices' MN prefix (the rest is the connection number).")
        var mnPrefix: String = "LOAD"

        @Option(help: "The gateway's device port, HOST:PORT.")
        var target: String?

        @Option(help: "Wall-clock seconds to run (default: until Ctrl-C or --sim-duration).")
        var duration: Double?

        @Option(name: .customLong("sim-duration"), help: "Simulated time to produce: seconds, or 90m, 6h, 1d.")
        var simDuration: String?

        @Option(help: "Simulated seconds per wall-clock second, e.g. 3600.")
        var speed: Double = 1

        @Option(help: "The simulated day to start at, YYYY-MM-DD (default: yesterday in the scenario's time zone).")
        var start: String?

        @Option(help: "Seed for the plant noise and the faults (overrides the scenario's seed).")
        var seed: UInt64?

        @Option(name: .customLong("write-config"), help: "Write a gateway configuration registering the scenario's devices to this file, then exit.")
        var writeConfig: String?

        @Option(help: "With --write-config: the device port the gateway listens on (default: --target, else 0.0.0.0:9212).")
        var listen: String?

        @Option(help: "With --write-config: the SQLite database path (default: hj212.sqlite next to the configuration).")
        var db: String?

        @Flag(name: .customLong("per-device"), help: "Print each device's counters at the end.")
        var perDevice = false

        @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
        var logLevel: String = "warning"

        func validate() throws {
            if !load && scenario == nil {
                throw ValidationError("give --scenario FILE (simulators/*.yaml), or --load for load mode")
            }
            if load && (connections < 1 || window < 1 || (rate ?? 1) < 1) {
                throw ValidationError("--connections, --window and --rate must be positive")
            }
            if writeConfig == nil && target == nil {
                throw ValidationError("give --target HOST:PORT (the gateway's device port), or --write-config OUT.yaml")
            }
            if speed <= 0 { throw ValidationError("--speed must be positive") }
            if let duration, duration <= 0 { throw ValidationError("--duration must be positive") }
        }

        func run() async throws {
            if load { return try await runLoad() }
            let scenario = try SimulationCLI.loadScenario(self.scenario ?? "")
            if let writeConfig {
                var listenAddress = HostPort(host: "0.0.0.0", port: 9212)
                if let text = listen ?? target {
                    guard let parsed = HostPort(text) else { throw CLIError("\(text) is not HOST:PORT, e.g. 0.0.0.0:9212") }
                    listenAddress = parsed
                }
                let configuration = scenario.gatewayConfiguration(listen: listenAddress, storage: .sqlite(path: db ?? "hj212.sqlite"))
                try SimulationCLI.write(configuration.yaml(), to: writeConfig)
                // Read it back: what was written must load.
                do {
                    _ = try ConfigurationLoader.load(path: writeConfig)
                } catch {
                    throw CLIError("the written configuration does not load (a bug, please report it):\n\(error)")
                }
                StandardOutput().write("wrote \(writeConfig): \(scenario.enterprises.count) enterprises, \(scenario.devices.count) devices. Start the gateway with: hj212 serve --config \(writeConfig)")
                return
            }
            guard let target, let address = HostPort(target) else {
                throw CLIError("--target \(target ?? "") is not HOST:PORT, e.g. 127.0.0.1:9212")
            }
            let level = Logger.Level(rawValue: logLevel) ?? .warning
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            let startTime = try SimulationCLI.startDay(start, timezone: scenario.timezone)
            var simulated = try simDuration.map(SimulationCLI.parseDuration)
            if let duration {
                let byWall = Int64(duration * speed)
                simulated = simulated.map { min($0, byWall) } ?? byWall
            }
            let options = FleetOptions(
                host: address.host, port: address.port, speed: speed, start: startTime, simulatedSeconds: simulated, seed: seed)
            let runner = FleetRunner(scenario: scenario, options: options, logger: Logger(label: "hj212.simulate"))
            let out = StandardOutput()
            out.write("simulating \(scenario.devices.count) devices of \"\(scenario.name)\" against \(address), from \(startTime.isoLocal) at \(SimulationCLI.format(speed))×"
                + (simulated.map { ", \(SimulationCLI.describe(seconds: $0)) of simulated time" } ?? ", until Ctrl-C"))
            let report = await SimulationCLI.runWithProgress(runner, interrupt: true)
            SimulationCLI.printReport(report, perDevice: perDevice)
        }
    }
}

/// Pieces `simulate` and `demo` share.
enum SimulationCLI {
    static func loadScenario(_ path: String) throws -> Scenario {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError("the scenario file \(path) does not exist; the shipped ones are in simulators/ (demo.yaml, province.yaml, bad-devices.yaml)")
        }
        do {
            return try ScenarioLoader.load(path: path)
        } catch {
            throw CLIError("\(error)")
        }
    }

    static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        do {
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw CLIError("cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// `--start YYYY-MM-DD`, or yesterday 00:00 in the zone.
    static func startDay(_ text: String?, timezone: String) throws -> LocalDateTime {
        guard let text else {
            return SimulatedClock.yesterdayMidnight(now: Date(), timeZone: TimeZone(identifier: timezone) ?? TimeZone(secondsFromGMT: 8 * 3600)!)
        }
        let digits = text.filter(\.isNumber)
        guard digits.count == 8, let day = LocalDateTime(hj212: digits + "000000") else {
            throw CLIError("--start \(text) is not a date; write YYYY-MM-DD, e.g. 2026-11-28")
        }
        return day
    }

    /// `3600`, `90m`, `6h`, `1d` as seconds.
    static func parseDuration(_ text: String) throws -> Int64 {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        var number = text
        var scale = 1.0
        if let last = text.last, let unit = units[last] {
            number = String(text.dropLast())
            scale = unit
        }
        guard let value = Double(number), value > 0 else {
            throw CLIError("\(text) is not a duration; write seconds or a number with s, m, h or d, e.g. 1d")
        }
        return Int64(value * scale)
    }

    static func describe(seconds: Int64) -> String {
        if seconds % 86_400 == 0 { return "\(seconds / 86_400) d" }
        if seconds % 3600 == 0 { return "\(seconds / 3600) h" }
        return "\(seconds) s"
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : String(format: "%.2f", value)
    }

    /// Runs the fleet, printing progress every 5 seconds; Ctrl-C (SIGINT/SIGTERM) stops it when `interrupt`.
    static func runWithProgress(_ runner: FleetRunner, interrupt: Bool) async -> FleetReport {
        let run = Task { await runner.run() }
        var sources: [any DispatchSourceSignal] = []
        if interrupt {
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler { run.cancel() }
                source.resume()
                sources.append(source)
            }
        }
        let printer = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(5))
                if Task.isCancelled { break }
                StandardOutput().write(progressLine(runner.progress(), devices: runner.scenario.devices.count))
            }
        }
        let report = await run.value
        printer.cancel()
        for source in sources { source.cancel() }
        if interrupt {
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }
        return report
    }

    static func progressLine(_ progress: FleetProgress, devices: Int) -> String {
        let t = progress.totals
        return "  \(format(progress.wallSeconds.rounded())) s  simulated \(progress.simulatedNow.isoLocal)  connected \(progress.connected)/\(devices)  uploads \(t.uploads)  acked \(t.acknowledged)  resent \(t.resends)  back-filled \(t.backfilled)"
    }

    static func printReport(_ report: FleetReport, perDevice: Bool) {
        let out = StandardOutput()
        let t = report.totals
        out.write("done in \(String(format: "%.1f", report.wallSeconds)) s; simulated up to \(report.simulatedUntil.isoLocal)")
        out.write("  devices \(report.devices), uploads \(t.uploads) (back-filled \(t.backfilled), history answers \(t.historyRecords)), acknowledged \(t.acknowledged)")
        out.write("  resends \(t.resends), given up \(t.gaveUp), dropped \(t.dropped), real-time lost while offline \(t.realtimeLost)")
        out.write("  frames written \(t.framesWritten) (\(t.bytesWritten) bytes), heartbeats \(t.heartbeats), connects \(t.connects), disconnects \(t.disconnects)")
        let faults = InjectedFault.allCases.compactMap { fault in t.faults[fault].map { "\(fault.rawValue) \($0)" } }
        if !faults.isEmpty { out.write("  faults injected: \(faults.joined(separator: ", "))") }
        if !report.unfinished.isEmpty {
            out.write("  \(report.unfinished.count) device(s) still had unanswered or buffered uploads at the end: \(report.unfinished.prefix(10).joined(separator: ", "))")
        }
        if perDevice {
            for mn in report.perDevice.keys.sorted() {
                let s = report.perDevice[mn]!
                out.write("  \(mn): uploads \(s.uploads) acked \(s.acknowledged) resent \(s.resends) back-filled \(s.backfilled) connects \(s.connects)")
            }
        }
    }
}

extension HJ212Command.Simulate {
    /// `--load`: the load generator, or the gateway configuration that registers its devices.
    func runLoad() async throws {
        var plan = LoadPlan(
            port: 0, connections: connections, window: window, rate: rate,
            duration: .milliseconds(Int64((duration ?? 10) * 1000)), mnPrefix: mnPrefix)
        if let writeConfig {
            var listenAddress = HostPort(host: "0.0.0.0", port: 9212)
            if let text = listen ?? target {
                guard let parsed = HostPort(text) else { throw CLIError("\(text) is not HOST:PORT, e.g. 0.0.0.0:9212") }
                listenAddress = parsed
            }
            var configuration = GatewayConfiguration(listen: listenAddress, storage: .sqlite(path: db ?? "hj212.sqlite"))
            configuration.limits.maxConnections = max(configuration.limits.maxConnections, connections * 2 + 16)
            configuration.limits.maxConnectionsPerIP = max(configuration.limits.maxConnectionsPerIP, connections * 2 + 16)
            configuration.enterprises = [Enterprise(id: "LOAD", name: "Load test", outlets: [Outlet(
                id: "LOAD", name: "Load test outlet", medium: .gas,
                devices: plan.mns.map { DeviceConfiguration(mn: $0, password: Secret(plan.password), edition: .hj2017) })])]
            try SimulationCLI.write(configuration.yaml(), to: writeConfig)
            print("wrote \(writeConfig): \(connections) load devices (MN \(plan.mn(for: 0)) …), password \(plan.password == "" ? "empty" : "set")")
            return
        }
        guard let target, let address = HostPort(target) else {
            throw CLIError("--target \(target ?? "") is not HOST:PORT, e.g. 127.0.0.1:9212")
        }
        plan.host = address.host
        plan.port = address.port
        _ = LoadGenerator.raiseOpenFileLimit(atLeast: connections * 2 + 64)
        var logger = Logger(label: "hj212.load")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .warning
        let report = try await LoadGenerator.run(plan, logger: logger)
        print(report.summary())
    }
}
