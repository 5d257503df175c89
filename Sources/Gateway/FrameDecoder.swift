import HJ212
import NIOCore

/// What the framing stage hands to a connection: a frame, a stretch that could not be one,
/// or a count of junk bytes skipped (scanner traffic, banners, noise).
public enum InboundEvent: Sendable {
    case frame(RawFrame)
    case malformed(MalformedFrame)
    case junk(Int)
}

/// Frames HJ 212 on the event loop, with the protocol core's one framing routine.
///
/// It emits buffer copies of whole frames only, so a frame split across reads or many frames
/// in one read come out the same; junk is skipped cheaply and counted, and nothing grows
/// beyond the frame cap.
struct HJ212FrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = InboundEvent

    let options: FramingOptions
    private var resumeAt = 0
    private var streamOffset = 0

    init(options: FramingOptions) {
        self.options = options
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        step(context: context, buffer: &buffer, endOfInput: false)
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while buffer.readableBytes > 0 {
            if case .needMoreData = step(context: context, buffer: &buffer, endOfInput: true) { break }
        }
        return .needMoreData
    }

    private mutating func step(context: ChannelHandlerContext, buffer: inout ByteBuffer, endOfInput: Bool) -> DecodingState {
        let options = options
        let resumeAt = resumeAt
        let location = buffer.withUnsafeReadableBytes { bytes in
            FrameLocator.locate(in: bytes, endOfInput: endOfInput, options: options, resumeAt: resumeAt)
        }
        switch location {
        case .needMore(let hint):
            self.resumeAt = hint
            return .needMoreData
        case .junk(let count):
            buffer.moveReaderIndex(forwardBy: count)
            advance(count)
            context.fireChannelRead(wrapInboundOut(.junk(count)))
            return .continue
        case .frame(let found):
            let offset = streamOffset
            let frame = buffer.withUnsafeReadableBytes { bytes in
                RawFrame(buffer: bytes, found: found, streamOffset: offset)
            }
            buffer.moveReaderIndex(forwardBy: found.consumed)
            advance(found.consumed)
            context.fireChannelRead(wrapInboundOut(.frame(frame)))
            return .continue
        case .malformed(let consumed, let kept, let problem):
            let evidence = buffer.getBytes(at: buffer.readerIndex, length: kept) ?? []
            let malformed = MalformedFrame(bytes: evidence, droppedBytes: consumed, problem: problem, streamOffset: streamOffset)
            buffer.moveReaderIndex(forwardBy: consumed)
            advance(consumed)
            context.fireChannelRead(wrapInboundOut(.malformed(malformed)))
            return .continue
        }
    }

    private mutating func advance(_ count: Int) {
        streamOffset += count
        resumeAt = 0
    }
}

/// Closes a connection when the idle-state handler says it has been quiet too long.
final class IdleConnectionCloser: ChannelInboundHandler, Sendable {
    typealias InboundIn = InboundEvent

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
