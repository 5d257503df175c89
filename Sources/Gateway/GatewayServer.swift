import Foundation
import HJ212
import LocalTime
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The device port: a SwiftNIO TCP server. Each connection is a pipeline on its event loop:
/// framing, an idle timer, and a ``ConnectionHandler`` that admits, stores and answers its
/// frames in order, all where the bytes are read.
public final class GatewayServer: Sendable {
    public let settings: GatewaySettings
    let processor: FrameProcessor
    let access: AccessGuard
    let logger: Logger
    let metrics: GatewayMetrics
    private let connections = ConnectionTracker()
    private let counter = NIOLockedValueBox(0)

    public init(
        settings: GatewaySettings, registry: DeviceRegistry, committer: GroupCommitter, access: AccessGuard,
        sessions: SessionRegistry, timeZone: LocalTimeZone, logger: Logger, metrics: GatewayMetrics
    ) {
        self.settings = settings
        self.access = access
        self.logger = logger
        self.metrics = metrics
        processor = FrameProcessor(
            settings: settings, registry: registry, committer: committer, access: access, timeZone: timeZone,
            metrics: metrics, sessions: sessions)
    }

    /// A bound listener, ready to accept.
    public struct Listener: Sendable {
        let channel: any Channel
        /// The port actually bound (useful with port 0).
        public var port: Int { channel.localAddress?.port ?? 0 }
    }

    /// Binds the device port. Connections are served from the moment it is bound.
    public func bind(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> Listener {
        let framing = settings.framing
        let idle = settings.idleTimeoutSeconds
        let terminatorGrace = TimeAmount.milliseconds(Int64(settings.terminatorGraceMillis))
        let environment = ConnectionHandler.Environment(
            processor: processor, settings: settings, access: access, metrics: metrics, logger: logger, tracker: connections)
        let counter = counter
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            // Frames are mostly under 1 KB: start each connection's receive buffer there (it
            // grows for bigger reads) rather than at NIO's 2 KB, which every idle socket keeps.
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 1024, maximum: 65_536))
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    let id = counter.withLockedValue { value -> Int in
                        value += 1
                        return value
                    }
                    let operations = child.pipeline.syncOperations
                    try operations.addHandler(FramingHandler(options: framing, grace: terminatorGrace))
                    try operations.addHandler(IdleStateHandler(readTimeout: .seconds(idle)))
                    try operations.addHandler(IdleConnectionCloser())
                    try operations.addHandler(ConnectionHandler(environment: environment, id: id))
                }
            }
            .bind(host: settings.host, port: settings.port)
            .get()
        logger.info("device port listening", metadata: [
            "address": "\(settings.host):\(channel.localAddress?.port ?? 0)", "allocator": "\(MemoryTrimmer.allocator)",
        ])
        return Listener(channel: channel)
    }

    /// Serves until graceful shutdown (or cancellation): then stops accepting, lets every
    /// connection handle, commit and answer what it has read, and returns once all are closed.
    public func run(_ listener: Listener) async throws {
        let channel = listener.channel
        let connections = connections
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                try? await channel.closeFuture.get()
            } onGracefulShutdown: {
                channel.close(promise: nil)
            }
            connections.finishAll()
            await connections.waitUntilEmpty()
        } onCancel: {
            channel.close(promise: nil)
            connections.closeAll()
        }
        logger.info("device port closed")
    }
}

/// Seconds on a monotonic clock.
func monotonicSeconds() -> Double {
    let now = ContinuousClock.now - ContinuousClock.Instant.zeroReference
    return Double(now.components.seconds) + Double(now.components.attoseconds) / 1e18
}

extension ContinuousClock.Instant {
    static let zeroReference = ContinuousClock.now
}

/// Wall-clock milliseconds since 1970 (reception times are wall-clock).
func wallClockMillis() -> Int64 {
    Int64((Date().timeIntervalSince1970 * 1000).rounded())
}
