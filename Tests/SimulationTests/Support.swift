import Foundation
import Gateway
import GatewayConfig
import HJ212
import LocalTime
import Logging
import NIOCore
import NIOPosix
@testable import Simulation
import Store

/// A gateway on a loopback port with a temporary SQLite database, registering a scenario's
/// devices (the pattern of GatewayTests' TestGateway).
final class SimTestGateway: Sendable {
    let store: SQLiteStore
    let committer: GroupCommitter
    let server: GatewayServer
    let sessions: SessionRegistry
    let port: Int
    let directory: URL
    private let tasks: [Task<Void, Never>]

    init(scenario: Scenario) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hj212-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: directory.appendingPathComponent("test.sqlite").path, durability: .normal)
        try await store.migrate()
        var logger = Logger(label: "test.gateway")
        logger.logLevel = .critical
        let metrics = GatewayMetrics()
        committer = GroupCommitter(store: store, settings: .init(), logger: logger, metrics: metrics)
        sessions = SessionRegistry()
        let configuration = scenario.gatewayConfiguration()
        let devices = configuration.registry.values.map { device in
            DeviceProfile(
                mn: device.mn, password: device.password.value, edition: device.edition, sm4Key: device.sm4Key,
                extraCRC: device.crc, policy: device.policy)
        }
        let settings = GatewaySettings(host: "127.0.0.1", port: 0)
        server = GatewayServer(
            settings: settings, registry: DeviceRegistry(devices), committer: committer,
            access: AccessGuard(settings: .init(badPasswordThreshold: 10_000)),
            sessions: sessions, timeZone: .beijing, logger: logger, metrics: metrics)
        let listener = try await server.bind()
        port = listener.port
        let committer = committer, server = server
        tasks = [
            Task { await committer.run() },
            Task { try? await server.run(listener) },
        ]
    }

    func stop() async {
        for task in tasks { task.cancel() }
        committer.finish()
        try? await store.close()
        try? FileManager.default.removeItem(at: directory)
    }
}

enum Fixture {
    static let day = LocalDateTime(year: 2026, month: 3, day: 1)
    static let key = "30303030303030303030303030303030"

    /// A scenario from YAML that must parse.
    static func scenario(_ yaml: String) throws -> Scenario {
        try ScenarioLoader.parse(yaml: yaml)
    }

    /// One device from a one-device scenario; `extra` lines are device fields (`faults: {...}`).
    static func device(edition: String = "2017", medium: String = "gas", extra: [String] = []) throws -> DeviceSpec {
        let mn = edition == "2005" ? "53000000000001" : "530000000000000000000001"
        var lines = [
            "enterprises:",
            "  - id: E1",
            "    name: 测试企业",
            "    outlets:",
            "      - id: O1",
            "        name: 排口",
            "        medium: \(medium)",
        ]
        if medium == "gas" {
            lines += ["        reference_o2: 6", "        limits: {a21026: 35, a21002: 50, a34013: 10}"]
        } else {
            lines += ["        limits: {w01018: 50, w01001: [6, 9]}"]
        }
        lines += ["        devices:", "          - mn: \"\(mn)\"", "            password: \"123456\"", "            edition: \"\(edition)\""]
        if edition == "2025" { lines.append("            sm4_key: \"\(key)\"") }
        lines += extra.map { "            " + $0 }
        return try ScenarioLoader.parse(yaml: lines.joined(separator: "\n") + "\n").devices[0]
    }

    /// Frames in a list of write actions.
    static func frames(_ actions: [DataLoggerMachine.Action]) -> [RawFrame] {
        var scanner = FrameScanner()
        for case .write(let bytes) in actions { scanner.append(bytes) }
        return scanner.drain(endOfInput: true).compactMap { event in
            if case .frame(let frame) = event { return frame }
            return nil
        }
    }

    static func packets(_ actions: [DataLoggerMachine.Action], key: SM4Key? = nil) -> [Packet] {
        frames(actions).map { PacketDecoder.decode($0, options: DecodeOptions(sm4Key: key)) }
    }
}
