import Foundation
import HJ212
import LocalTime
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The device port: a SwiftNIO TCP server. Each connection frames bytes on the event loop,
/// then a task per connection admits, stores and answers frames one by one.
public final class GatewayServer: Sendable {
    public let settings: GatewaySettings
    let processor: FrameProcessor
    let access: AccessGuard
    let logger: Logger
    let metrics: GatewayMetrics
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
        let channel: NIOAsyncChannel<NIOAsyncChannel<InboundEvent, Never>, Never>
        /// The port actually bound (useful with port 0).
        public var port: Int { channel.channel.localAddress?.port ?? 0 }
    }

    /// Binds the device port.
    public func bind(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> Listener {
        let framing = settings.framing
        let idle = settings.idleTimeoutSeconds
        let terminatorGrace = TimeAmount.milliseconds(Int64(settings.terminatorGraceMillis))
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            // Frames are mostly under 1 KB: start each connection's receive buffer there (it
            // grows for bigger reads) rather than at NIO's 2 KB, which every idle socket keeps.
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 1024, maximum: 65_536))
            .bind(host: settings.host, port: settings.port) { child in
                child.eventLoop.makeCompletedFuture {
                    let operations = child.pipeline.syncOperations
                    try operations.addHandler(FramingHandler(options: framing, grace: terminatorGrace))
                    try operations.addHandler(IdleStateHandler(readTimeout: .seconds(idle)))
                    try operations.addHandler(IdleConnectionCloser())
                    return try NIOAsyncChannel<InboundEvent, Never>(
                        wrappingChannelSynchronously: child,
                        configuration: .init(backPressureStrategy: .init(lowWatermark: 4, highWatermark: 32)))
                }
            }
        logger.info("device port listening", metadata: ["address": "\(settings.host):\(channel.channel.localAddress?.port ?? 0)"])
        return Listener(channel: channel)
    }

    /// Accepts connections until the listener closes or graceful shutdown begins.
    public func run(_ listener: Listener) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            try await listener.channel.executeThenClose { inbound in
                for try await connection in inbound.cancelOnGracefulShutdown() {
                    let id = counter.withLockedValue { value -> Int in
                        value += 1
                        return value
                    }
                    group.addTask { await self.serve(connection, id: id) }
                }
            }
        }
        logger.info("device port closed")
    }

    private func serve(_ connection: NIOAsyncChannel<InboundEvent, Never>, id: Int) async {
        let remote = connection.channel.remoteAddress
        let address = remote?.ipAddress ?? "unknown"
        let peer = "\(address):\(remote?.port ?? 0)"
        let name = "\(settings.nodeName)/\(id)"
        var logger = self.logger
        logger[metadataKey: "connection"] = "\(name)"
        logger[metadataKey: "peer"] = "\(peer)"

        if let refusal = access.open(address: address, now: monotonicSeconds()) {
            metrics.connectionsRefused.increment()
            logger.info("connection refused", metadata: ["reason": "\(refusal.rawValue)"])
            try? await connection.channel.close()
            return
        }
        metrics.connectionsOpened.increment()
        metrics.connectionsActive.record(access.activeConnections)
        let lastValid = NIOLockedValueBox(monotonicSeconds())
        let limit = settings.noValidFrameSeconds
        let watchdog = connection.channel.eventLoop.scheduleRepeatedTask(
            initialDelay: .milliseconds(Int64(limit * 1000)), delay: .milliseconds(Int64(max(1, limit / 4) * 1000))
        ) { [channel = connection.channel, logger] _ in
            if monotonicSeconds() - lastValid.withLockedValue({ $0 }) > limit {
                logger.info("closing: no valid frame in \(Int(limit)) s")
                channel.close(promise: nil)
            }
        }
        defer {
            watchdog.cancel()
            access.close(address: address)
            metrics.connectionsClosed.increment()
            metrics.connectionsActive.record(access.activeConnections)
        }

        do {
            // On graceful shutdown the connection stops reading and its inbound stream ends after
            // the frames already read; those are committed and answered before it closes. (A
            // handler, not `cancelOnGracefulShutdown()`, whose merge costs two tasks per connection.)
            try await withGracefulShutdownHandler {
                try await connection.executeThenClose { inbound in
                    // Answers leave in frame order, written by whoever settles them (the committer
                    // after the commit, or this loop for immediate replies). The loop reads on while
                    // uploads wait for their commits, up to `pipelineDepth` frames ahead.
                    let answers = AnswerSequencer(channel: connection.channel, limit: settings.pipelineDepth)
                    let context = FrameProcessor.Context(
                        connection: name, peer: peer, address: address, logger: logger, channel: connection.channel)
                    var state = FrameProcessor.ConnectionState(reassembler: SplitReassembler(timeout: settings.splitTimeoutSeconds))
                    var junkSinceValid = 0
                    defer {
                        if !state.attached.isEmpty { processor.sessions.detach(connection: name) }
                    }
                    loop: for try await event in inbound {
                        let now = monotonicSeconds()
                        switch event {
                        case .junk(let count):
                            metrics.junkBytes.increment(by: count)
                            junkSinceValid += count
                        case .malformed(let malformed):
                            junkSinceValid += malformed.droppedBytes
                            processor.reject(malformed, context: context, at: wallClockMillis())
                        case .frame(let frame):
                            // Decided synchronously; only the few steps that must wait go async.
                            let action: FrameProcessor.Action
                            switch processor.decide(frame, context: context, state: &state, now: now, wallMillis: wallClockMillis()) {
                            case .done(let done): action = done
                            case let step: action = await processor.follow(step, context: context)
                            }
                            switch action {
                            case .refused:
                                junkSinceValid += frame.bytes.count
                            case .accepted(let reply):
                                junkSinceValid = 0
                                lastValid.withLockedValue { $0 = now }
                                if let reply { answers.fulfil(await answers.reserve(), with: reply) }
                            case .upload(let ingest, let answer):
                                junkSinceValid = 0
                                lastValid.withLockedValue { $0 = now }
                                let ticket = await answers.reserve()
                                await processor.commitThenAnswer(ingest, answer: answer, ticket: ticket, answers: answers, logger: logger)
                            case .close(let reason):
                                logger.info("closing connection", metadata: ["reason": "\(reason)"])
                                break loop
                            }
                        }
                        if junkSinceValid > settings.junkBytesLimit {
                            logger.info("closing: \(junkSinceValid) bytes without a valid frame")
                            break loop
                        }
                        if state.reassembler.pendingCount > 0 {
                            processor.expireSplits(&state.reassembler, now: now, logger: logger)
                        }
                    }
                    // Answer what is committed (or fails) before the channel closes.
                    await answers.drain()
                }
            } onGracefulShutdown: { [channel = connection.channel] in
                channel.eventLoop.execute {
                    channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
                    channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
                }
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
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
