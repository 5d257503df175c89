import Foundation
import GRDB
import HJ212
import LoadGenerator
import Logging
import Store

/// The storage limit: `SQLiteStore.commit` alone, with batches shaped like the gateway's.
struct StorageResult {
    var withEvents: Bool
    var frames: Int
    var readings: Int
    var commits: Int
    /// Seconds inside `commit` only (building the batches is not timed).
    var commitSeconds: Double
    var maxCommitSeconds: Double
    var durability: Durability

    var framesPerSecond: Double { Double(frames) / commitSeconds }
    var readingsPerSecond: Double { Double(readings) / commitSeconds }
}

enum StorageBenchmark {
    /// Commits batches of `batchFrames` uploads (10 readings each by default), cycling through
    /// `devices` MNs with a new DataTime per frame, for `seconds` of commit time.
    /// With `events`, each frame also carries the device-seen event the gateway commits with it.
    static func run(
        directory: URL, seconds: Double, batchFrames: Int, devices: Int, readingsPerFrame: Int, events: Bool,
        durability: Durability
    ) async throws -> StorageResult {
        let path = directory.appendingPathComponent("storage-\(events ? "events" : "frames").sqlite").path
        let store = try SQLiteStore(path: path, durability: durability, logger: Logger(label: "bench.store"))
        try await store.migrate()
        let template = FrameTemplate(mnLength: 24, readings: FrameTemplate.cemsReadings(count: readingsPerFrame))
        let readings = FrameTemplate.cemsReadings(count: readingsPerFrame)
        let plan = LoadPlan(port: 0, connections: devices, mnPrefix: "STORE")
        let mns = plan.mns
        var sequences = [Int](repeating: 0, count: devices)
        var device = 0
        let beijing: Int64 = 8 * 3600

        func nextBatch() -> WriteBatch {
            var frames: [IngestFrame] = []
            var seen: [DeviceEvent] = []
            frames.reserveCapacity(batchFrames)
            let now = Int64((Date().timeIntervalSince1970 * 1000).rounded())
            for _ in 0..<batchFrames {
                let sequence = sequences[device]
                sequences[device] += 1
                let time = template.dataTime(forSequence: sequence)
                let qn = template.qn(forSequence: sequence)
                let connection = "bench/\(device)"
                let peer = "127.0.0.1:\(20_000 + device)"
                frames.append(IngestFrame(
                    mn: mns[device], qn: qn, cn: "2051", kind: .minute, dataTime: time,
                    dataTimeUnix: time.secondsSinceEpochIgnoringZone - beijing, edition: .hj2017, backfill: .live,
                    receivedAtMillis: now, connection: connection, peer: peer, readings: readings))
                if events {
                    seen.append(DeviceEvent(
                        kind: .seen, mn: mns[device], atMillis: now, qn: qn, cn: "2051", connection: connection, peer: peer))
                }
                device = (device + 1) % devices
            }
            return WriteBatch(frames: frames, events: seen)
        }

        // Two batches to create the tables' first pages, not timed.
        for _ in 0..<2 { _ = try await store.commit(nextBatch()) }
        var result = StorageResult(
            withEvents: events, frames: 0, readings: 0, commits: 0, commitSeconds: 0, maxCommitSeconds: 0,
            durability: store.durability)
        while result.commitSeconds < seconds {
            let batch = nextBatch()
            let started = ContinuousClock.now
            let outcome = try await store.commit(batch)
            let elapsed = Self.seconds(ContinuousClock.now - started)
            result.commitSeconds += elapsed
            result.maxCommitSeconds = max(result.maxCommitSeconds, elapsed)
            result.commits += 1
            result.frames += batch.frames.count
            result.readings += outcome.frames.reduce(0) { $0 + $1.inserted }
        }
        try await store.close()
        return result
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// One run of the load generator against a server in a child process.
struct ServerRun {
    var name: String
    var report: LoadReport
    /// KiB: after start (and warm-up), after connecting, with the connections idle, peak.
    var baselineRSS: Int
    var connectedRSS: Int?
    var idleRSS: Int?
    var peakRSS: Int
    /// The server's CPU seconds during the load (connect excluded), and the generator's.
    var serverCPUSeconds: Double
    var clientCPUSeconds: Double
    var loadSeconds: Double
    /// What the gateway's database holds afterwards (nil for the minimal server).
    var framesStored: Int?
    var readingsStored: Int?
    var ending: String
    var problems: [String]
    /// Where the acknowledgements spent their time, from the gateway's /metrics (nil: not read).
    var stages: ServerStages?

    /// RSS growth per connection while idle, in KiB (nil when not sampled).
    var idleKiBPerConnection: Double? {
        idleRSS.map { Double($0 - baselineRSS) / Double(max(1, report.connectionsOpened)) }
    }

    var connectedKiBPerConnection: Double? {
        connectedRSS.map { Double($0 - baselineRSS) / Double(max(1, report.connectionsOpened)) }
    }

    var peakKiBPerConnection: Double { Double(peakRSS - baselineRSS) / Double(max(1, report.connectionsOpened)) }
}

/// Samples the server while the load generator holds its connections.
actor ServerSamples {
    var connectedRSS: Int?
    var idleRSS: Int?
    var cpuAtStart: Double?
    var clientCPUAtStart: Double?
    var openFilesWhenConnected: Int?
    var note: String?

    func set(connected: Int?, cpu: Double?, clientCPU: Double, files: Int?) {
        connectedRSS = connected
        cpuAtStart = cpu
        clientCPUAtStart = clientCPU
        openFilesWhenConnected = files
    }

    func set(idle: Int?) { idleRSS = idle }
    func set(note: String) { self.note = note }
}

enum ServerBenchmark {
    /// Writes an `hj212 serve` configuration registering `mns` (password 123456), on `database`,
    /// http on a free port (for /metrics), with connection limits that let `mns.count` devices in from one address.
    static func writeGatewayConfig(to url: URL, database: URL, mns: [String], durability: String, batchFrames: Int?) throws {
        let limit = max(20_000, mns.count + 1_000)
        var yaml = """
            # Generated by gateway-benchmark.
            listen: 127.0.0.1:0
            http: 127.0.0.1:0
            timezone: Asia/Shanghai
            durability: \(durability)
            storage:
              sqlite: \(database.path)
            limits:
              max_connections: \(limit)
              max_connections_per_ip: \(limit)
            \(batchFrames.map { "ingest:\n  batch_max_frames: \($0)\n  queue_capacity: \(max(4096, $0 * 4))\n" } ?? "")
            enterprises:
              - id: "91533100MA0000001X"
                name: 基准测试企业
                outlets:
                  - id: DA001
                    name: 1号锅炉废气排放口
                    medium: gas
                    devices:

            """
        yaml.reserveCapacity(yaml.utf8.count + mns.count * 60)
        for mn in mns { yaml += "          - { mn: \"\(mn)\", password: \"123456\" }\n" }
        try yaml.write(to: url, atomically: true, encoding: .utf8)
    }

    /// Runs `plan` against `server`, sampling its memory and CPU.
    ///
    /// - Parameters:
    ///   - sampleIdle: wait for the server to hold every connection before sending and sample
    ///     its RSS then, and again (after `settle` seconds) once every frame is answered.
    static func measure(
        name: String, server: ChildServer, plan: LoadPlan, sampleIdle: Bool, settle: Double, database: URL?
    ) async throws -> ServerRun {
        let pid = server.pid
        let baseline = ProcessStats.memory(pid: pid)?.rss ?? 0
        let baselineFiles = ProcessStats.openFiles(pid: pid) ?? 0
        let samples = ServerSamples()
        let report = try await LoadGenerator.run(
            plan,
            onConnected: { opened in
                var files = ProcessStats.openFiles(pid: pid)
                if sampleIdle {
                    // The client's connect completes before the server accepts: wait until the
                    // server holds a descriptor for every connection.
                    let deadline = ContinuousClock.now + .seconds(60)
                    while let current = files, current < baselineFiles + opened, ContinuousClock.now < deadline {
                        try await Task.sleep(for: .milliseconds(100))
                        files = ProcessStats.openFiles(pid: pid)
                    }
                    if let current = files, current < baselineFiles + opened {
                        await samples.set(note: "server held \(current - baselineFiles) of \(opened) connections after 60 s")
                    }
                    try await Task.sleep(for: .milliseconds(Int(settle * 1000)))
                }
                await samples.set(
                    connected: sampleIdle ? ProcessStats.memory(pid: pid)?.rss : nil, cpu: ProcessStats.cpuSeconds(pid: pid),
                    clientCPU: ProcessStats.ownCPUSeconds(), files: files)
            },
            whileConnected: {
                guard sampleIdle else { return }
                try await Task.sleep(for: .milliseconds(Int(settle * 1000)))
                await samples.set(idle: ProcessStats.memory(pid: pid)?.rss)
            })
        let cpuEnd = ProcessStats.cpuSeconds(pid: pid) ?? 0
        let clientCPUEnd = ProcessStats.ownCPUSeconds()
        let peak = ProcessStats.memory(pid: pid)?.peak ?? 0
        let stages = server.httpPort().flatMap { ServerStages.scrape(port: $0) }
        let ending = server.stop()
        var problems = server.problems()
        if let note = await samples.note { problems.append(note) }

        var framesStored: Int?
        var readingsStored: Int?
        if let database {
            let counts = try storedCounts(database)
            framesStored = counts.frames
            readingsStored = counts.readings
        }
        let cpuStart = await samples.cpuAtStart ?? 0
        let clientCPUStart = await samples.clientCPUAtStart ?? 0
        return ServerRun(
            name: name, report: report, baselineRSS: baseline, connectedRSS: await samples.connectedRSS,
            idleRSS: await samples.idleRSS, peakRSS: peak, serverCPUSeconds: cpuEnd - cpuStart,
            clientCPUSeconds: clientCPUEnd - clientCPUStart, loadSeconds: report.elapsedSeconds,
            framesStored: framesStored, readingsStored: readingsStored, ending: ending, problems: problems, stages: stages)
    }

    /// Frames and readings in a gateway database, read with GRDB (read-only).
    static func storedCounts(_ database: URL) throws -> (frames: Int, readings: Int) {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: database.path, configuration: configuration)
        return try queue.read { db in
            // The uploads stored: a record per frame that created one, a `frames` row per other.
            let frames = try Int.fetchOne(db, sql: "SELECT (SELECT count(*) FROM records) + (SELECT count(*) FROM frames)") ?? 0
            let readings = try Int.fetchOne(db, sql: "SELECT coalesce(sum(reading_count), 0) FROM records") ?? 0
            return (frames, readings)
        }
    }
}
