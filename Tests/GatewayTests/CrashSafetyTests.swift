import Foundation
import HJ212
import Store
import Testing

/// What the devices were told was stored.
actor AckLog {
    private(set) var entries: [(String, String)] = []
    var count: Int { entries.count }
    func append(mn: String, qn: String) { entries.append((mn, qn)) }
}

/// The core promise: every acknowledged upload survives `kill -9` of the gateway.
@Suite("crash safety", .serialized)
struct CrashSafetyTests {
    static var productsDirectory: URL {
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL
    }

    /// A running `hj212 serve` process and the port it bound.
    struct Server {
        let process: Process
        let port: Int
        /// What it logged up to binding its port.
        let startLog: String
    }

    static func writeConfig(in directory: URL, devices: [String]) throws -> URL {
        var yaml = """
            listen: 127.0.0.1:0
            http: off
            timezone: Asia/Shanghai
            storage:
              sqlite: \(directory.appendingPathComponent("hj212.sqlite").path)
            enterprises:
              - id: "91533100MA0000001X"
                name: 德宏示例糖业有限公司
                outlets:
                  - id: DA001
                    name: 1号锅炉废气排放口
                    medium: gas
                    devices:

            """
        for mn in devices { yaml += "          - { mn: \"\(mn)\", password: \"123456\" }\n" }
        let url = directory.appendingPathComponent("hj212.yaml")
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static func start(config: URL) throws -> Server {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("hj212")
        process.arguments = ["serve", "--config", config.path, "--log-level", "info"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // The gateway logs the port it bound.
        var seen = ""
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let data = errors.fileHandleForReading.availableData
            if data.isEmpty { Thread.sleep(forTimeInterval: 0.05); continue }
            seen += String(decoding: data, as: UTF8.self)
            if let range = seen.range(of: #"address=127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                let port = Int(seen[range].split(separator: ":").last ?? "") ?? 0
                // Keep draining stderr so the process never blocks on a full pipe.
                errors.fileHandleForReading.readabilityHandler = { _ = $0.availableData }
                return Server(process: process, port: port, startLog: seen)
            }
        }
        process.terminate()
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "hj212 serve did not start: \(seen)"])
    }

    @Test("kill -9 during load: every acknowledged (MN, QN) is in the store after restart")
    func killDuringLoad() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hj212-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let devices = (0..<8).map { "CRASH" + String(format: "%019d", $0) }
        let config = try Self.writeConfig(in: directory, devices: devices)
        let server = try Self.start(config: config)
        #if os(Linux)
        // The shipped binary runs on jemalloc (Package.swift links it), and survives kill -9 on it.
        #expect(server.startLog.contains("allocator=jemalloc"), "\(server.startLog)")
        #endif

        // Eight devices upload as fast as their acks allow, remembering what was acknowledged.
        let port = server.port
        let log = AckLog()
        let loaders = devices.map { mn in
            Task {
                guard let connection = try? await DeviceConnection(port: port) else { return }
                var index = 0
                while !Task.isCancelled {
                    let qn = Frames.qn(index)
                    let frame = Frames.upload(mn: mn, qn: qn, time: Frames.time.adding(seconds: Int64(index) * 60), readings: Frames.readings(10))
                    guard (try? await connection.send(frame)) != nil else { break }
                    guard let ack = try? await connection.nextFrame(timeout: .seconds(30)), ack.header.qn == qn else { break }
                    await log.append(mn: mn, qn: qn)
                    index += 1
                }
                await connection.close()
            }
        }
        // Kill it in the middle of the load, once a good number of frames were acknowledged.
        let deadline = ContinuousClock.now + .seconds(60)
        while await log.count < 300 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(server.process.processIdentifier, SIGKILL)
        server.process.waitUntilExit()
        for loader in loaders { loader.cancel() }
        for loader in loaders { await loader.value }
        let acknowledged = await log.entries
        #expect(acknowledged.count >= 300, "the load produced too few acknowledged frames to mean anything")

        // Restart on the same database: it must come up and find every acknowledged frame.
        let restarted = try Self.start(config: config)
        let store = try SQLiteStore(path: directory.appendingPathComponent("hj212.sqlite").path)
        var missing: [String] = []
        for (mn, qn) in acknowledged where try await !store.frameStored(mn: mn, qn: qn) {
            missing.append("\(mn)/\(qn)")
        }
        #expect(missing.isEmpty, "acknowledged but lost: \(missing.prefix(10))")
        // And every stored frame has its ten readings.
        let readings = try await store.counts().readings
        #expect(readings >= acknowledged.count * 10)
        try await store.close()

        // The restarted gateway works.
        let device = try await DeviceConnection(port: restarted.port)
        try await device.send(Frames.upload(mn: devices[0], qn: "20261128235959999", time: Frames.time.adding(seconds: 86_000)))
        #expect(try await device.nextFrame()?.header.cn == "9014")
        await device.close()
        restarted.process.terminate()
        restarted.process.waitUntilExit()
        #expect(restarted.process.terminationStatus == 0, "SIGTERM should shut the gateway down cleanly")
    }
}
