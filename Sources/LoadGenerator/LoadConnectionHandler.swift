import HJ212
import NIOCore

/// One simulated device on one TCP connection: writes patched uploads, reads the answers,
/// matches each 9014 to its frame by QN and records the latency.
///
/// Confined to its channel's event loop, like the ``LoopState`` it reports to.
final class LoadConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The connection number (0-based) across the whole run.
    let index: Int
    private let mn: [UInt8]
    /// Frames this connection sends at most.
    let quota: Int
    private let state: LoopState
    private let template: FrameTemplate
    private let window: Int

    private var context: ChannelHandlerContext?
    private(set) var isActive = false
    private(set) var finished = false
    /// Open when sending started, so counted among the loop's active connections.
    var takesPart = false
    /// The next sequence number to send; also the number of frames sent.
    private(set) var nextSequence = 0
    /// Frames sent and not yet answered.
    private(set) var inFlight = 0
    /// Open loop: frames that have fallen due.
    var due = 0
    /// Open loop: already listed for sending in the current pacer tick.
    var touched = false

    // In-flight frames by slot (sequence & mask): the time the latency counts from (0 = free).
    private var starts: [UInt64]
    private var sequences: [Int]
    private let mask: Int
    /// Answer bytes waiting for the rest of a frame.
    private var pending: ByteBuffer?

    init(index: Int, mn: [UInt8], quota: Int, state: LoopState) {
        self.index = index
        self.mn = mn
        self.quota = quota
        self.state = state
        template = state.template
        window = state.plan.window
        var capacity = 1
        while capacity < window { capacity <<= 1 }
        starts = [UInt64](repeating: 0, count: capacity)
        sequences = [Int](repeating: -1, count: capacity)
        mask = capacity - 1
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        isActive = true
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        let wasActive = isActive
        isActive = false
        if wasActive { state.connectionLost(unanswered: inFlight) }
        inFlight = 0
        checkFinished()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        state.countError(error)
        context.close(promise: nil)
    }

    // MARK: - Sending

    /// Sends what the window and the schedule allow, in one write.
    func fill(now: UInt64) {
        guard let context, isActive, state.sendingOpen, !finished else { return }
        var limit = quota
        if state.isOpenLoop { limit = min(limit, due) }
        var count = 0
        while nextSequence + count < limit && inFlight + count < window && starts[(nextSequence + count) & mask] == 0 {
            count += 1
        }
        guard count > 0 else { return }
        let size = template.frameSize
        var buffer = context.channel.allocator.buffer(capacity: count * size)
        for _ in 0..<count {
            let sequence = nextSequence
            let slot = sequence & mask
            starts[slot] = state.isOpenLoop ? state.intendedStart(connection: index, sequence: sequence) : now
            sequences[slot] = sequence
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { destination in
                mn.withUnsafeBytes { template.write(into: destination, mn: $0, sequence: sequence) }
            }
            nextSequence += 1
        }
        inFlight += count
        state.sent += count
        context.writeAndFlush(NIOAny(buffer), promise: nil)
    }

    /// Marks the connection finished once nothing is in flight and nothing more will be sent.
    func checkFinished() {
        guard !finished, takesPart, state.started else { return }
        if !isActive || (inFlight == 0 && (nextSequence >= quota || !state.sendingOpen)) {
            finished = true
            state.connectionFinished()
        }
    }

    /// Frames that fell due (open loop) but were never sent.
    var dueNotSent: Int { max(0, min(due, quota) - nextSequence) }

    /// Closes the connection; returns when it is closed.
    func close() -> EventLoopFuture<Void>? {
        guard let context else { return nil }
        let closed = context.channel.closeFuture
        context.close(promise: nil)
        return closed
    }

    // MARK: - Answers

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        let now = monotonicNanoseconds()
        if var held = pending {
            pending = nil
            held.writeBuffer(&incoming)
            scan(&held, now: now)
            if held.readableBytes > 0 {
                held.discardReadBytes()
                pending = held
            }
        } else {
            scan(&incoming, now: now)
            if incoming.readableBytes > 0 { pending = incoming }
        }
        fill(now: now)
        checkFinished()
    }

    private func scan(_ buffer: inout ByteBuffer, now: UInt64) {
        while buffer.readableBytes > 0 {
            let (location, sequence, isDataAck) = buffer.withUnsafeReadableBytes { bytes -> (FrameLocator.Location, Int?, Bool) in
                let location = FrameLocator.locate(in: bytes, endOfInput: false)
                guard case .frame(let found) = location else { return (location, nil, false) }
                let fields = ReplyPeek.fields(in: bytes, dataEnd: found.dataEnd)
                guard let qn = fields.qn else { return (location, nil, fields.isDataAck) }
                return (location, FrameTemplate.sequence(fromQN: UnsafeRawBufferPointer(rebasing: bytes[qn])), fields.isDataAck)
            }
            switch location {
            case .needMore:
                return
            case .junk(let count):
                buffer.moveReaderIndex(forwardBy: count)
            case .malformed(let consumed, _, _):
                state.malformedReplies += 1
                buffer.moveReaderIndex(forwardBy: consumed)
            case .frame(let found):
                buffer.moveReaderIndex(forwardBy: found.consumed)
                if isDataAck, let sequence {
                    answered(sequence, now: now)
                } else {
                    state.unexpectedReplies += 1
                }
            }
        }
    }

    private func answered(_ sequence: Int, now: UInt64) {
        let slot = sequence & mask
        guard sequence >= 0, sequence < nextSequence, starts[slot] != 0, sequences[slot] == sequence, !state.isComplete else {
            state.unexpectedReplies += 1
            return
        }
        let start = starts[slot]
        starts[slot] = 0
        inFlight -= 1
        state.recordAnswer(latencyNanoseconds: now > start ? now - start : 0, at: now)
    }
}

/// Monotonic nanoseconds (the clock NIO's deadlines use).
@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    NIODeadline.now().uptimeNanoseconds
}
