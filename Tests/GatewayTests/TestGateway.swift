import Foundation
import Gateway
import HJ212
import LocalTime
import Logging
import NIOCore
import NIOPosix
import Store

/// A gateway on a loopback port with a temporary SQLite database, for tests.
final class TestGateway: Sendable {
    let store: SQLiteStore
    let committer: GroupCommitter
    let server: GatewayServer
    let port: Int
    let directory: URL
    let sessions: SessionRegistry
    private let tasks: [Task<Void, Never>]

    static let mn2017 = "010000A8900016F000169DC0"
    static let mn2025 = "010000A8900016F000169DC1"
    static let mn2005 = "LD130133000015"
    static let key = SM4Key(hex: "30303030303030303030303030303030")!

    static func devices() -> [DeviceProfile] {
        [
            DeviceProfile(mn: mn2017, password: "123456", edition: .hj2017),
            DeviceProfile(mn: mn2025, password: "654321", edition: .hj2025, sm4Key: key),
            DeviceProfile(mn: mn2005, password: "123456", edition: .hj2005),
        ]
    }

    init(settings: GatewaySettings = GatewaySettings(host: "127.0.0.1", port: 0), devices: [DeviceProfile] = TestGateway.devices(),
         access: AccessGuard.Settings = .init(), batch: GroupCommitter.Settings = .init(),
         metrics: GatewayMetrics = GatewayMetrics()) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hj212-gateway-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: directory.appendingPathComponent("test.sqlite").path)
        try await store.migrate()
        var logger = Logger(label: "test.gateway")
        logger.logLevel = .critical
        committer = GroupCommitter(store: store, settings: batch, logger: logger, metrics: metrics)
        sessions = SessionRegistry()
        var settings = settings
        settings.host = "127.0.0.1"
        settings.port = 0
        server = GatewayServer(
            settings: settings, registry: DeviceRegistry(devices), committer: committer, access: AccessGuard(settings: access),
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

/// Collects what the gateway sends back to a test device.
actor Inbox {
    private var scanner = FrameScanner()
    private(set) var closed = false

    func append(_ bytes: [UInt8]) { scanner.append(bytes) }
    func markClosed() { closed = true }

    func nextFrame() -> RawFrame? {
        if case .frame(let frame)? = scanner.next() { return frame }
        return nil
    }
}

/// A device's side of a TCP connection: writes bytes, reads answers as HJ 212 frames.
final class DeviceConnection: Sendable {
    private let channel: any Channel
    private let inbox = Inbox()
    private let writer: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let reader: Task<Void, Never>

    init(port: Int) async throws {
        let connection = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        channel = connection.channel
        let inbox = inbox
        let (stream, continuation) = AsyncStream.makeStream(of: NIOAsyncChannelOutboundWriter<ByteBuffer>.self)
        reader = Task {
            do {
                try await connection.executeThenClose { inbound, outbound in
                    continuation.yield(outbound)
                    continuation.finish()
                    for try await buffer in inbound { await inbox.append(Array(buffer.readableBytesView)) }
                }
            } catch {}
            continuation.finish()
            await inbox.markClosed()
        }
        var iterator = stream.makeAsyncIterator()
        guard let writer = await iterator.next() else { throw ChannelError.ioOnClosedChannel }
        self.writer = writer
    }

    func send(_ bytes: [UInt8]) async throws {
        try await writer.write(ByteBuffer(bytes: bytes))
    }

    /// The next answer, or nil when none comes within the timeout.
    func nextFrame(timeout: Duration = .seconds(10)) async throws -> Packet? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let frame = await inbox.nextFrame() { return PacketDecoder.decode(frame) }
            if await inbox.closed { return nil }
            try await Task.sleep(for: .milliseconds(2))
        }
        return nil
    }

    /// Whether the server closed the connection within the timeout.
    func waitForClose(timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await inbox.closed { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return await inbox.closed
    }

    func close() async {
        try? await channel.close()
        reader.cancel()
    }
}
