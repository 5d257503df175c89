import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Bytes received on a device's connection, and a way to wait for them or for a deadline.
final class Mailbox: Sendable {
    private struct State {
        var bytes: [UInt8] = []
        var closed = false
        var waiter: CheckedContinuation<Void, Never>?
        var timer: Scheduled<Void>?
    }

    private let state = NIOLockedValueBox(State())

    func deliver(_ bytes: [UInt8]) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            state.bytes += bytes
            return Self.takeWaiter(&state)
        }
        waiter?.resume()
    }

    func close() {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            state.closed = true
            return Self.takeWaiter(&state)
        }
        waiter?.resume()
    }

    /// What arrived since the last call, and whether the connection closed.
    func take() -> (bytes: [UInt8], closed: Bool) {
        state.withLockedValue { state in
            defer { state.bytes = [] }
            return (state.bytes, state.closed)
        }
    }

    /// Returns when bytes arrive, the connection closes, the deadline passes, or the task is cancelled.
    func wait(until deadline: NIODeadline, on loop: any EventLoop) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLockedValue { state -> Bool in
                    if !state.bytes.isEmpty || state.closed { return true }
                    state.waiter = continuation
                    return false
                }
                if ready {
                    continuation.resume()
                    return
                }
                let timer = loop.scheduleTask(deadline: deadline) { [weak self] () -> Void in self?.wake() }
                let fired = state.withLockedValue { state -> Bool in
                    if state.waiter == nil { return true }
                    state.timer = timer
                    return false
                }
                if fired { timer.cancel() }
            }
        } onCancel: {
            wake()
        }
    }

    private func wake() {
        let waiter = state.withLockedValue { Self.takeWaiter(&$0) }
        waiter?.resume()
    }

    private static func takeWaiter(_ state: inout State) -> CheckedContinuation<Void, Never>? {
        let waiter = state.waiter
        state.waiter = nil
        state.timer?.cancel()
        state.timer = nil
        return waiter
    }
}

/// Feeds a connection's bytes to its mailbox.
final class LinkHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    let mailbox: Mailbox

    init(mailbox: Mailbox) {
        self.mailbox = mailbox
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        mailbox.deliver(Array(buffer.readableBytesView))
    }

    func channelInactive(context: ChannelHandlerContext) {
        mailbox.close()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// One logger's TCP connection to the platform.
struct DeviceLink: Sendable {
    let channel: any Channel
    let mailbox: Mailbox

    static func connect(host: String, port: Int, group: any EventLoopGroup) async throws -> DeviceLink {
        let mailbox = Mailbox()
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(5))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            // A logger's small send buffer: when the platform is slow, data waits in the logger
            // (where OverTime has not started) rather than in the kernel.
            .channelOption(.socketOption(.so_sndbuf), value: 16 * 1024)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(LinkHandler(mailbox: mailbox))
                }
            }
            .connect(host: host, port: port)
            .get()
        return DeviceLink(channel: channel, mailbox: mailbox)
    }

    func write(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Waits for bytes, closure or the wall deadline (seconds from now).
    func wait(seconds: Double) async {
        let nanos = Int64(max(0, min(seconds, 3600)) * 1e9)
        await mailbox.wait(until: .now() + .nanoseconds(nanos), on: channel.eventLoop)
    }

    func close() async {
        try? await channel.close()
    }
}
