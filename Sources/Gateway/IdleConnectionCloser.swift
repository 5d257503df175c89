import NIOCore

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
