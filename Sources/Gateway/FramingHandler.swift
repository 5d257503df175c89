import HJ212
import NIOCore

/// Frames HJ 212 on the event loop, with the protocol core's one framing routine
/// (`FrameLocator`), and hands on whole frames, malformed stretches and junk counts.
///
/// A frame split across reads or many frames in one read come out the same; junk is skipped
/// cheaply and counted, and nothing grows beyond the frame cap. Bytes are held only while a
/// frame is incomplete: an idle connection keeps no buffer.
///
/// Some loggers end a frame without CR LF. Such a frame is complete as soon as its CRC has
/// arrived, but the framing cannot know that no terminator follows until more bytes come, and a
/// device waiting for its answer sends nothing more. So when bytes are left waiting, a short
/// grace timer starts: if nothing arrives before it fires and the bytes hold a whole frame
/// without its terminator, that frame is taken (with a "missing terminator" warning). A frame
/// still missing bytes keeps waiting, so a slow link is not cut.
final class FramingHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = InboundEvent

    private let options: FramingOptions
    private let grace: TimeAmount
    private var buffer: ByteBuffer?
    private var resumeAt = 0
    private var streamOffset = 0
    private var graceTimer: Scheduled<Void>?
    private var ended = false

    init(options: FramingOptions, grace: TimeAmount) {
        self.options = options
        self.grace = grace
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !ended else { return }
        var incoming = unwrapInboundIn(data)
        if buffer == nil {
            buffer = incoming
        } else {
            buffer!.writeBuffer(&incoming)
        }
        graceTimer?.cancel()
        graceTimer = nil
        drain(context: context, endOfInput: false)
        if let readable = buffer?.readableBytes, readable > 0 {
            let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
            graceTimer = context.eventLoop.scheduleTask(in: grace) {
                bound.value.handler.graceExpired(context: bound.value.context)
            }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            finish(context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(context: context)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        graceTimer?.cancel()
        graceTimer = nil
        buffer = nil
    }

    /// No more bytes will come: what is held is a frame lacking its terminator, or cut off.
    private func finish(context: ChannelHandlerContext) {
        guard !ended else { return }
        graceTimer?.cancel()
        graceTimer = nil
        drain(context: context, endOfInput: true)
        ended = true
        buffer = nil
    }

    /// Nothing came for the grace period: take a whole frame that lacks its terminator, if the
    /// held bytes are one; otherwise keep waiting for the rest.
    private func graceExpired(context: ChannelHandlerContext) {
        graceTimer = nil
        guard !ended, let readable = buffer?.readableBytes, readable > 0 else { return }
        let options = options
        let location = buffer!.withUnsafeReadableBytes { FrameLocator.locate(in: $0, endOfInput: true, options: options) }
        guard case .frame(let found) = location else { return }
        emit(frame: found, context: context)
        drain(context: context, endOfInput: false)
        // Outside a read cycle: tell the next handler this batch of reads is complete.
        context.fireChannelReadComplete()
    }

    /// Hands on everything the held bytes decide.
    private func drain(context: ChannelHandlerContext, endOfInput: Bool) {
        while let readable = buffer?.readableBytes, readable > 0 {
            let options = options
            let resumeAt = resumeAt
            let location = buffer!.withUnsafeReadableBytes { bytes in
                FrameLocator.locate(in: bytes, endOfInput: endOfInput, options: options, resumeAt: resumeAt)
            }
            switch location {
            case .needMore(let hint):
                self.resumeAt = hint
                compact()
                return
            case .junk(let count):
                consume(count)
                context.fireChannelRead(wrapInboundOut(.junk(count)))
            case .frame(let found):
                emit(frame: found, context: context)
            case .malformed(let consumed, let kept, let problem):
                let evidence = buffer!.getBytes(at: buffer!.readerIndex, length: kept) ?? []
                let malformed = MalformedFrame(bytes: evidence, droppedBytes: consumed, problem: problem, streamOffset: streamOffset)
                consume(consumed)
                context.fireChannelRead(wrapInboundOut(.malformed(malformed)))
            }
        }
        buffer = nil
    }

    private func emit(frame found: FrameLocator.Found, context: ChannelHandlerContext) {
        guard buffer != nil else { return }
        let offset = streamOffset
        let frame = buffer!.withUnsafeReadableBytes { RawFrame(buffer: $0, found: found, streamOffset: offset) }
        consume(found.consumed)
        context.fireChannelRead(wrapInboundOut(.frame(frame)))
    }

    private func consume(_ count: Int) {
        buffer?.moveReaderIndex(forwardBy: count)
        streamOffset += count
        resumeAt = 0
        if buffer?.readableBytes == 0 { buffer = nil }
    }

    /// Drops consumed bytes once they are most of the storage, so a long run of small reads
    /// does not grow the buffer.
    private func compact() {
        guard let reader = buffer?.readerIndex, reader > 0, reader >= buffer!.readableBytes else { return }
        buffer!.discardReadBytes()
    }
}
