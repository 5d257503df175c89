import Foundation
import LoadGenerator
import Logging
import Store

/// Measures, in one run, the storage limit (SQLite commits), the wire limit (a server that
/// only answers 9014) and `hj212 serve` under three loads, and prints them against design §4.
///
/// Build in release: `swift build -c release --product gateway-benchmark --product hj212`.
@main
struct GatewayBenchmark {
    // Design §4, the bar.
    static let targetFramesPerSecond = 50_000.0
    static let targetConnections = 10_000
    static let targetRate = 20_000
    /// The load generator counts answers over this as slow, second by second.
    static let targetP99Micros = SecondOfRun.slowMicros
    static let targetKiBPerIdleConnection = 30.0
    static let cores = ProcessInfo.processInfo.activeProcessorCount

    static func main() async {
        do {
            let options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
            if let address = options.serveAck {
                try await serveAck(address, threads: options.ackThreads)
                return
            }
            try await run(options)
        } catch {
            FileHandle.standardError.write(Data("gateway-benchmark: \(error)\n".utf8))
            exit(1)
        }
    }

    /// The hidden child mode: the minimal ack server alone, logging its address.
    static func serveAck(_ address: String, threads: Int?) async throws {
        let parts = address.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]) else { throw BenchmarkError("--serve-ack HOST:PORT") }
        let server = try await MinimalAckServer.start(host: String(parts[0]), port: port, threads: threads)
        FileHandle.standardError.write(Data("minimal ack server listening address=\(parts[0]):\(server.port)\n".utf8))
        try await server.waitUntilClosed()
    }

    static func run(_ options: Options) async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let fileLimit = LoadGenerator.raiseOpenFileLimit(atLeast: 1_000_000)
        let root = URL(fileURLWithPath: options.directory ?? NSTemporaryDirectory())
            .appendingPathComponent("gateway-benchmark-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { if !options.keep { try? FileManager.default.removeItem(at: root) } }
        let selfExecutable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let hj212 = options.hj212.map { URL(fileURLWithPath: $0) }
            ?? selfExecutable.deletingLastPathComponent().appendingPathComponent("hj212")
        let needsGateway = options.scenarios.contains { [.max, .latency, .idle].contains($0) }
        if needsGateway && !FileManager.default.isExecutableFile(atPath: hj212.path) {
            throw BenchmarkError("""
                no hj212 executable at \(hj212.path); build it next to this benchmark: \
                swift build -c release --product gateway-benchmark --product hj212 (or pass --hj212 PATH)
                """)
        }

        if options.scenarios.contains(.idle) && options.idleConnections + 512 > fileLimit {
            throw BenchmarkError("""
                --idle-connections \(options.idleConnections) needs more open files than this process may have \
                (\(fileLimit)); raise the hard limit (ulimit -Hn) or pass a smaller --idle-connections
                """)
        }
        let loadAtStart = ProcessStats.loadAverage()
        print("gateway-benchmark — design §4 figures on this machine")
        print("cpu: \(cores) × \(ProcessStats.cpuModel())")
        print("load average at start: \(loadAtStart)")
        print("open-file limit: \(fileLimit)")
        print("temporary files: \(root.path) (\(ProcessStats.fileSystemType(of: root.path))), durability \(options.durability)")
        if needsGateway {
            print("gateway: \(hj212.path)")
            if hj212.path.contains("/debug/") || selfExecutable.path.contains("/debug/") {
                print("warning: this is a debug build; build with -c release for figures that mean anything")
            }
        }
        print("")

        var storage: [StorageResult] = []
        var wire: ServerRun?
        var wireLatency: ServerRun?
        var maxRun: ServerRun?
        var latencyRun: ServerRun?
        var idleRun: ServerRun?

        let threads = options.threads
        let readings = options.readingsPerFrame

        for scenario in options.scenarios {
            switch scenario {
            case .storage:
                for events in options.storageEvents ? [false, true] : [false] {
                    section("storage limit: SQLiteStore.commit, \(options.storageBatch) frames × \(readings) readings per commit\(events ? " + a device event per frame (as the gateway commits)" : ""), durability \(options.durability)")
                    let result = try await StorageBenchmark.run(
                        directory: root, seconds: options.storageSeconds, batchFrames: options.storageBatch,
                        devices: options.storageDevices, readingsPerFrame: readings, events: events,
                        durability: options.durability == "normal" ? .normal : .full)
                    print("""
                        \(result.commits) commits, \(result.frames) frames, \(result.readings) readings in \(fixed(result.commitSeconds, 2)) s of commit time
                        \(grouped(result.readingsPerSecond)) readings/s, \(grouped(result.framesPerSecond)) frames/s; \
                        mean commit \(fixed(result.commitSeconds / Double(result.commits) * 1000, 1)) ms, max \(fixed(result.maxCommitSeconds * 1000, 1)) ms
                        """)
                    storage.append(result)
                }

            case .wire:
                let plan = LoadPlan(
                    port: 0, connections: options.connections, window: options.window,
                    duration: .milliseconds(Int(options.duration * 1000)), mnPrefix: "WIRE", readingsPerFrame: readings,
                    threads: threads)
                section("wire limit: load generator → minimal 9014 server (\(options.wireInProcess ? "in process" : "child process")), \(plan.connections) connections, window \(plan.window), \(fixed(options.duration, 0)) s")
                wire = try await runMinimalServer(plan, options: options, root: root, selfExecutable: selfExecutable)

            case .wireLatency:
                let plan = latencyPlan(options, mnPrefix: "WIRL", threads: threads)
                section("wire latency: load generator → minimal 9014 server, \(grouped(Double(options.rate))) frames/s open loop over \(plan.connections) connections (window \(plan.window)), \(fixed(options.latencyDuration, 0)) s")
                wireLatency = try await runMinimalServer(plan, options: options, root: root, selfExecutable: selfExecutable)

            case .max, .latency, .idle:
                let plan: LoadPlan
                let title: String
                switch scenario {
                case .max:
                    plan = LoadPlan(
                        port: 0, connections: options.connections, window: options.window,
                        duration: .milliseconds(Int(options.duration * 1000)), mnPrefix: "MAXT", readingsPerFrame: readings,
                        threads: threads)
                    title = "gateway (a) max throughput: \(plan.connections) connections, closed loop, window \(plan.window), \(fixed(options.duration, 0)) s"
                case .latency:
                    plan = latencyPlan(options, mnPrefix: "RATE", threads: threads)
                    title = "gateway (b) latency at a fixed rate: \(grouped(Double(options.rate))) frames/s open loop over \(plan.connections) connections (window \(plan.window)), \(fixed(options.latencyDuration, 0)) s"
                default:
                    plan = LoadPlan(
                        port: 0, connections: options.idleConnections, window: 1, duration: .seconds(120),
                        maxFrames: options.idleConnections, mnPrefix: "IDLE", readingsPerFrame: readings,
                        drainTimeout: .seconds(30), threads: threads)
                    title = "gateway (c) many connections: \(grouped(Double(plan.connections))) connections, one frame each, then held open"
                }
                section(title)
                let directory = root.appendingPathComponent(scenario.rawValue)
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                let database = directory.appendingPathComponent("hj212.sqlite")
                let config = directory.appendingPathComponent("hj212.yaml")
                let warmup = LoadPlan(
                    port: 0, connections: 50, window: 1, duration: .seconds(30), maxFrames: 10_000, mnPrefix: "WARM",
                    readingsPerFrame: readings, threads: threads)
                let isIdle = scenario == .idle
                try ServerBenchmark.writeGatewayConfig(
                    to: config, database: database, mns: plan.mns + (isIdle ? warmup.mns : []), durability: options.durability,
                    batchFrames: options.batchFrames)
                let server = try ChildServer.start(
                    executable: hj212, arguments: ["serve", "--config", config.path, "--log-level", "info"],
                    logFile: directory.appendingPathComponent("hj212.log"))
                var childPlan = plan
                childPlan.port = server.port
                if isIdle {
                    // Warm the gateway (store, allocator, event loops) with 10,000 frames over 50
                    // connections, so the baseline is taken from a gateway that has done work.
                    var warm = warmup
                    warm.port = server.port
                    let warmReport = try await LoadGenerator.run(warm)
                    print("warm-up: \(warmReport.framesAcknowledged) of \(warmReport.framesSent) frames acknowledged over \(warm.connections) connections (closed again)")
                    try await Task.sleep(for: .seconds(1))
                }
                let run = try await ServerBenchmark.measure(
                    name: scenario.rawValue, server: server, plan: childPlan, sampleIdle: isIdle, settle: options.idleSettle,
                    database: database)
                print(run.report.summary())
                printServer(run)
                switch scenario {
                case .max: maxRun = run
                case .latency: latencyRun = run
                default: idleRun = run
                }
                if !options.keep { try? FileManager.default.removeItem(at: directory) }
            }
        }

        let loadAtEnd = ProcessStats.loadAverage()
        section("results (\(cores) cores; load average \(loadAtStart) at start, \(loadAtEnd) at end)")
        printTable(
            storage: storage.first { !$0.withEvents }, storageWithEvents: storage.first { $0.withEvents }, wire: wire,
            wireLatency: wireLatency, max: maxRun, latency: latencyRun, idle: idleRun, options: options)
    }

    /// Scenario (b)'s load: `rate` frames/s, open loop, over the latency connections.
    static func latencyPlan(_ options: Options, mnPrefix: String, threads: Int?) -> LoadPlan {
        LoadPlan(
            port: 0, connections: options.latencyConnections, window: options.latencyWindow, rate: options.rate,
            duration: .milliseconds(Int(options.latencyDuration * 1000)), mnPrefix: mnPrefix,
            readingsPerFrame: options.readingsPerFrame, threads: threads)
    }

    /// Runs `plan` against the minimal ack server, in a child process unless `--wire-in-process`.
    static func runMinimalServer(_ plan: LoadPlan, options: Options, root: URL, selfExecutable: URL) async throws -> ServerRun {
        if options.wireInProcess {
            let server = try await MinimalAckServer.start(threads: options.ackThreads)
            var inProcess = plan
            inProcess.port = server.port
            let report = try await LoadGenerator.run(inProcess)
            try await server.close()
            print(report.summary())
            return ServerRun(
                name: "wire", report: report, baselineRSS: 0, peakRSS: 0, serverCPUSeconds: 0, clientCPUSeconds: 0,
                loadSeconds: report.elapsedSeconds, ending: "closed", problems: [])
        }
        var arguments = ["--serve-ack", "127.0.0.1:0"]
        if let ackThreads = options.ackThreads { arguments += ["--ack-threads", String(ackThreads)] }
        let server = try ChildServer.start(
            executable: selfExecutable, arguments: arguments, logFile: root.appendingPathComponent("ack-server-\(plan.mnPrefix).log"))
        var childPlan = plan
        childPlan.port = server.port
        let run = try await ServerBenchmark.measure(
            name: "wire", server: server, plan: childPlan, sampleIdle: false, settle: 0, database: nil)
        print(run.report.summary())
        printServer(run)
        return run
    }

    // MARK: - Output

    static func section(_ title: String) {
        print("")
        print("== \(title)")
    }

    static func printServer(_ run: ServerRun) {
        var lines: [String] = []
        lines.append(
            "server: RSS \(mib(run.baselineRSS)) at start, peak \(mib(run.peakRSS)) "
                + "((peak − start) / connections: \(fixed(run.peakKiBPerConnection, 1)) KiB)")
        if let connected = run.connectedRSS, let perConnection = run.connectedKiBPerConnection {
            lines.append("server: RSS \(mib(connected)) with every connection open before sending (\(fixed(perConnection, 1)) KiB/connection)")
        }
        if let idle = run.idleRSS, let perConnection = run.idleKiBPerConnection {
            lines.append("server: RSS \(mib(idle)) with every connection idle after its frame (\(fixed(perConnection, 1)) KiB/connection)")
        }
        let seconds = max(run.loadSeconds, 0.001)
        lines.append(
            "cpu: server \(fixed(run.serverCPUSeconds, 1)) s (\(fixed(run.serverCPUSeconds / seconds, 2)) cores), "
                + "load generator \(fixed(run.clientCPUSeconds, 1)) s (\(fixed(run.clientCPUSeconds / seconds, 2)) cores) over \(fixed(seconds, 1)) s")
        if let frames = run.framesStored, let readings = run.readingsStored {
            let ok = frames >= run.report.framesAcknowledged && readings >= run.report.framesAcknowledged * run.report.readingsPerFrame
            lines.append(
                "stored: \(frames) frames, \(readings) readings (\(ok ? "every acknowledged frame and reading is in the database" : "FEWER THAN ACKNOWLEDGED"))")
        }
        if let stages = run.stages { lines += stages.lines }
        lines.append("server: \(run.ending)")
        for problem in run.problems { lines.append("server log: \(problem)") }
        print(lines.joined(separator: "\n"))
    }

    static func printTable(
        storage: StorageResult?, storageWithEvents: StorageResult?, wire: ServerRun?, wireLatency: ServerRun?, max: ServerRun?,
        latency: ServerRun?, idle: ServerRun?, options: Options
    ) {
        var rows: [[String]] = [["measurement", "measured", "design target", "verdict"]]
        func latencies(_ report: LoadReport) -> String {
            "p50 \(LoadReport.millis(report.p50)), p99 \(LoadReport.millis(report.p99)), p99.9 \(LoadReport.millis(report.p999))"
        }
        if let storage {
            rows.append([
                "storage limit (commit, \(options.storageBatch)×\(storage.readings / Swift.max(1, storage.frames)))",
                "\(grouped(storage.readingsPerSecond)) readings/s = \(grouped(storage.framesPerSecond)) frames/s", "", "",
            ])
        }
        if let storageWithEvents {
            rows.append([
                "  + device event per frame",
                "\(grouped(storageWithEvents.readingsPerSecond)) readings/s = \(grouped(storageWithEvents.framesPerSecond)) frames/s", "", "",
            ])
        }
        if let wire {
            rows.append([
                "wire limit (minimal 9014 server)",
                "\(grouped(wire.report.ackedFramesPerSecond)) frames/s, \(latencies(wire.report))", "", "",
            ])
            if wire.serverCPUSeconds > 0 { rows.append(["    cpu", cpu(wire), "", ""]) }
        }
        if let max {
            let report = max.report
            let met = report.ackedFramesPerSecond >= targetFramesPerSecond && report.errorCount == 0
            rows.append([
                "(a) gateway, max throughput",
                "\(grouped(report.ackedFramesPerSecond)) acked frames/s = \(grouped(report.readingsPerSecond)) readings/s",
                "≥ 50,000 frames/s (10 pollutants)", met ? "met" : "NOT met",
            ])
            rows.append(["    ack latency", latencies(report), "", ""])
            rows.append([
                "    server memory",
                "peak RSS \(mib(max.peakRSS)); (peak − start) / connections \(fixed(max.peakKiBPerConnection, 1)) KiB", "", "",
            ])
            rows.append(["    cpu", cpu(max), "", ""])
            if let wire, wire.report.ackedFramesPerSecond > 0 {
                rows.append([
                    "    ÷ wire limit", "\(percent(report.ackedFramesPerSecond / wire.report.ackedFramesPerSecond)) of frames/s", "", "",
                ])
            }
            if let storage, storage.readingsPerSecond > 0 {
                rows.append([
                    "    ÷ storage limit", "\(percent(report.readingsPerSecond / storage.readingsPerSecond)) of readings/s", "", "",
                ])
            }
        }
        if let latency {
            let report = latency.report
            let rate = report.plan.rate ?? 0
            let sustained = report.ackedFramesPerSecond >= 0.97 * Double(rate) && report.framesDueNotSent == 0
            let p99 = report.p99 ?? .max
            let verdict: String
            if rate != targetRate {
                verdict = "not measured at 20,000/s"
            } else {
                verdict = sustained && p99 < targetP99Micros && report.errorCount == 0 ? "met" : "NOT met"
            }
            rows.append([
                "(b) gateway, open loop \(grouped(Double(rate)))/s",
                "p99 \(LoadReport.millis(report.p99)) at \(grouped(report.ackedFramesPerSecond)) acked frames/s",
                "p99 < 50 ms at 20,000 frames/s", verdict,
            ])
            rows.append(["    ack latency", latencies(report) + ", max \(LoadReport.millis(report.maxLatency))", "", ""])
            if !sustained {
                rows.append([
                    "    offered rate not sustained",
                    "\(report.framesDueNotSent) frames due but never sent (window \(report.plan.window) full)", "", "",
                ])
            }
            rows.append([
                "    server memory",
                "peak RSS \(mib(latency.peakRSS)); (peak − start) / connections \(fixed(latency.peakKiBPerConnection, 1)) KiB", "", "",
            ])
            rows.append(["    cpu", cpu(latency), "", ""])
            if let wireLatency {
                rows.append([
                    "    wire alone, same load",
                    "minimal 9014 server: " + latencies(wireLatency.report) + ", max \(LoadReport.millis(wireLatency.report.maxLatency))",
                    "", "",
                ])
                rows.append(["      cpu", cpu(wireLatency), "", ""])
            }
        } else if let wireLatency {
            rows.append([
                "wire latency (minimal 9014 server)",
                "open loop \(grouped(Double(wireLatency.report.plan.rate ?? 0)))/s: " + latencies(wireLatency.report), "", "",
            ])
            rows.append(["    cpu", cpu(wireLatency), "", ""])
        }
        if let idle {
            let report = idle.report
            let allHeld = report.connectionsOpened == report.plan.connections
                && report.framesAcknowledged == report.plan.connections && report.errorCount == 0
            let connectionsVerdict: String
            if report.plan.connections < targetConnections {
                connectionsVerdict = "not measured at 10,000"
            } else {
                connectionsVerdict = allHeld ? "met" : "NOT met"
            }
            rows.append([
                "(c) gateway, concurrent connections",
                "\(grouped(Double(report.connectionsOpened))) open, \(grouped(Double(report.framesAcknowledged))) frames acked, \(report.errorCount) errors",
                "10,000 connections", connectionsVerdict,
            ])
            if let perConnection = idle.idleKiBPerConnection, let idleRSS = idle.idleRSS {
                let kilobytes = perConnection * 1024 / 1000
                rows.append([
                    "    memory per idle connection",
                    "\(fixed(kilobytes, 1)) KB (RSS \(mib(idle.baselineRSS)) → \(mib(idleRSS)))",
                    "< 30 KB per idle connection",
                    report.plan.connections < targetConnections ? "not measured at 10,000"
                        : (kilobytes < targetKiBPerIdleConnection ? "met" : "NOT met"),
                ])
            }
            if let perConnection = idle.connectedKiBPerConnection {
                rows.append([
                    "    of which connected, before sending", "\(fixed(perConnection * 1024 / 1000, 1)) KB", "", "",
                ])
            }
            rows.append(["    peak RSS", mib(idle.peakRSS), "", ""])
        }
        var widths = [Int](repeating: 0, count: 4)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = Swift.max(widths[index], cell.count) } }
        for (number, row) in rows.enumerated() {
            let line = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
            print(line)
            if number == 0 { print(String(repeating: "-", count: widths.reduce(0, +) + 6)) }
        }
        print("")
        print("Figures are measured in this run, client and server sharing this machine's \(cores) cores; KB = 1000 bytes, MiB = 2^20.")
    }

    static func cpu(_ run: ServerRun) -> String {
        let seconds = Swift.max(run.loadSeconds, 0.001)
        return "server \(fixed(run.serverCPUSeconds / seconds, 2)) cores, load generator \(fixed(run.clientCPUSeconds / seconds, 2)) cores"
    }

    static func mib(_ kibibytes: Int) -> String { fixed(Double(kibibytes) / 1024, 1) + " MiB" }
    static func percent(_ ratio: Double) -> String { fixed(ratio * 100, 1) + " %" }
    static func fixed(_ value: Double, _ places: Int) -> String { LoadReport.fixed(value, places) }
    static func grouped(_ value: Double) -> String { LoadReport.grouped(value) }
}
