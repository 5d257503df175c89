import HJ212
import NIOCore

/// What the framing stage hands to a connection: a frame, a stretch that could not be one,
/// or a count of junk bytes skipped (scanner traffic, banners, noise).
public enum InboundEvent: Sendable {
    case frame(RawFrame)
    case malformed(MalformedFrame)
    case junk(Int)
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
