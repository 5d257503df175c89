import HJ212
import Logging
import NIOCore
import Store

/// One device connection, run on its event loop: it takes the framing stage's events in
/// order, decides each frame (``FrameProcessor``), hands uploads to the group committer and has
/// their answers written in frame order after the commits that hold them.
///
/// Nothing here blocks the event loop. When a frame must wait (the answer window is full, the
/// commit queue is full, a wrong password is being slowed down, or a step needs the session
/// registry), the connection parks that frame, holds back `read()` so the socket is not read
/// meanwhile (TCP then pushes back on the device), and goes on when the wait ends. Frames are
/// handled where they are read, with no task per connection: no hop between threads per frame,
/// and an idle connection holds only its handlers.
final class ConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = InboundEvent
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What every connection of the device port shares.
    struct Environment: Sendable {
        var processor: FrameProcessor
        var settings: GatewaySettings
        var access: AccessGuard
        var metrics: GatewayMetrics
        var logger: Logger
        var tracker: ConnectionTracker
    }

    /// A frame's handling that had to wait, and where it goes on from.
    private enum Parked {
        /// Apply a decided action (waiting for room in the answer window, or after a delay).
        case action(FrameProcessor.Action, frameBytes: Int)
        /// Hand an upload to the committer (waiting for room in its queue).
        case hand(IngestFrame, answer: [UInt8]?, ticket: AnswerSequencer.Ticket?)
    }

    private let environment: Environment
    private let id: Int
    private let name: String
    private var context: ChannelHandlerContext?
    private var channel: (any Channel)?
    private var logger: Logger
    private var address = "unknown"
    private var admitted = false

    private var state: FrameProcessor.ConnectionState
    private var answers: AnswerSequencer?
    private var processorContext: FrameProcessor.Context?
    private var watchdog: RepeatedTask?
    private var lastValid = monotonicSeconds()
    private var junkSinceValid = 0

    /// Events read but not handled yet (at most what one read brought while a frame waited).
    private var queue = CircularBuffer<InboundEvent>(initialCapacity: 4)
    /// A frame is waiting; the queue stands still meanwhile.
    private var waiting = false
    /// Where the waiting frame goes on from, when its wait is for room (answers or commits).
    private var parked: Parked?
    /// Tells this connection, from any thread, that the room it waits for is there. Made once,
    /// so that handing in a frame allocates no closure.
    private var wakeUp: (@Sendable () -> Void)?
    private var handling = false
    /// NIO asked for a read while the connection could not take more.
    private var readHeld = false
    /// No more events will come (graceful shutdown, or the framing stage ended).
    private var inputEnded = false
    /// Closing: nothing more is handled, the answers owed go out, then the channel closes.
    private var closing = false
    private var inactive = false
    private var finished = false

    init(environment: Environment, id: Int) {
        self.environment = environment
        self.id = id
        name = "\(environment.settings.nodeName)/\(id)"
        logger = environment.logger
        state = FrameProcessor.ConnectionState(reassembler: SplitReassembler(timeout: environment.settings.splitTimeoutSeconds))
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        channel = context.channel
        if context.channel.isActive { start(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        inactive = true
        finishIfDone()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard admitted, !closing else { return }
        queue.append(unwrapInboundIn(data))
        handleQueue()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            inputEnded = true
            handleQueue()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A reset or a failed read: the connection is over. What was read is still handled.
        logger.debug("connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    func read(context: ChannelHandlerContext) {
        if waiting || !queue.isEmpty || inputEnded || closing {
            readHeld = true
        } else {
            context.read()
        }
    }

    // MARK: Start and end

    private func start(context: ChannelHandlerContext) {
        guard !admitted, !closing, let channel else { return }
        let remote = channel.remoteAddress
        address = remote?.ipAddress ?? "unknown"
        let peer = "\(address):\(remote?.port ?? 0)"
        logger[metadataKey: "connection"] = "\(name)"
        logger[metadataKey: "peer"] = "\(peer)"
        let environment = environment

        if let refusal = environment.access.open(address: address, now: monotonicSeconds()) {
            environment.metrics.connectionsRefused.increment()
            logger.info("connection refused", metadata: ["reason": "\(refusal.rawValue)"])
            closing = true
            finished = true
            context.close(promise: nil)
            return
        }
        admitted = true
        environment.metrics.connectionsOpened.increment()
        environment.metrics.connectionsActive.record(environment.access.activeConnections)
        answers = AnswerSequencer(channel: channel, limit: environment.settings.pipelineDepth, metrics: environment.metrics)
        let wakeTarget = NIOLoopBound(self, eventLoop: context.eventLoop)
        wakeUp = { wakeTarget.eventLoop.execute { wakeTarget.value.wake() } }
        processorContext = FrameProcessor.Context(connection: name, peer: peer, address: address, logger: logger, channel: channel)

        let limit = environment.settings.noValidFrameSeconds
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        watchdog = context.eventLoop.scheduleRepeatedTask(
            initialDelay: .milliseconds(Int64(limit * 1000)), delay: .milliseconds(Int64(max(1, limit / 4) * 1000))
        ) { _ in
            let handler = bound.value
            if monotonicSeconds() - handler.lastValid > limit {
                handler.logger.info("closing: no valid frame in \(Int(limit)) s")
                handler.channel?.close(promise: nil)
            }
        }
        switch environment.tracker.add(id, bound) {
        case .open: break
        case .finish: finishGracefully()
        case .close: channel.close(promise: nil)
        }
    }

    /// Graceful shutdown: read nothing more, handle what was read, answer it, then close.
    func finishGracefully() {
        guard admitted, !closing, !inputEnded else { return }
        // The framing stage hands on what it holds and then passes the end of input along.
        channel?.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
    }

    /// Closes at once (the device port was cancelled).
    func closeNow() {
        closing = true
        queue.removeAll()
        channel?.close(promise: nil)
    }

    /// Stops handling frames and closes once the answers owed have gone out.
    private func close(reason: String) {
        guard !closing else { return }
        logger.info("closing connection", metadata: ["reason": "\(reason)"])
        closing = true
        queue.removeAll()
        closeAfterAnswers()
    }

    private func closeAfterAnswers() {
        guard let answers, let channel else { return }
        let bound = NIOLoopBound(self, eventLoop: channel.eventLoop)
        answers.whenDrained {
            bound.eventLoop.execute { bound.value.channel?.close(promise: nil) }
        }
    }

    /// The channel is closed and nothing read is left to handle: let go of the connection.
    private func finishIfDone() {
        guard inactive, admitted, !finished, !waiting, queue.isEmpty || closing else { return }
        finished = true
        queue.removeAll()
        wakeUp = nil
        watchdog?.cancel()
        watchdog = nil
        if !state.attached.isEmpty { environment.processor.sessions.detach(connection: name) }
        environment.access.close(address: address)
        environment.metrics.connectionsClosed.increment()
        environment.metrics.connectionsActive.record(environment.access.activeConnections)
        environment.tracker.remove(id)
    }

    // MARK: Handling frames

    /// Handles queued events in order until one must wait or none is left.
    private func handleQueue() {
        guard !handling else { return }
        handling = true
        defer { handling = false }
        while !waiting, !closing, let event = queue.popFirst() {
            handle(event)
        }
        guard !waiting, !closing, queue.isEmpty else { return }
        if inputEnded {
            closing = true
            closeAfterAnswers()
        } else if readHeld, let context {
            readHeld = false
            context.read()
        }
        finishIfDone()
    }

    private func handle(_ event: InboundEvent) {
        guard let processorContext else { return }
        switch event {
        case .junk(let count):
            environment.metrics.junkBytes.increment(by: count)
            junkSinceValid += count
            afterFrame()
        case .malformed(let malformed):
            junkSinceValid += malformed.droppedBytes
            environment.processor.reject(malformed, context: processorContext, at: wallClockMillis())
            afterFrame()
        case .frame(let frame):
            let step = environment.processor.decide(
                frame, context: processorContext, state: &state, now: monotonicSeconds(), wallMillis: wallClockMillis())
            follow(step, frameBytes: frame.bytes.count)
        }
    }

    /// Goes on with a decided frame: at once, or after the wait its step needs.
    private func follow(_ step: FrameProcessor.Step, frameBytes: Int) {
        switch step {
        case .done(let action):
            apply(action, frameBytes: frameBytes)
        case .refuseAfter(let seconds):
            // Slows a password guesser: this connection reads nothing meanwhile.
            park { resume in
                channel?.eventLoop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) {
                    resume(.action(.refused, frameBytes: frameBytes))
                }
            }
        case .commandAnswer(let mn, let qn, let cn, let detail):
            let sessions = environment.processor.sessions
            park { resume in
                Task {
                    await sessions.answered(mn: mn, qn: qn, cn: cn, detail: detail)
                    resume(.action(.accepted(reply: nil), frameBytes: frameBytes))
                }
            }
        case .upload(let ingest, let answer, let checkHistory):
            markValid()
            guard checkHistory else {
                // Wants no answer: stored with nothing waiting on the commit.
                hand(ingest, answer: nil, ticket: nil)
                return
            }
            let sessions = environment.processor.sessions
            park { resume in
                Task {
                    var ingest = ingest
                    if await sessions.isHistoryAnswer(mn: ingest.mn, cn: ingest.cn, dataTime: ingest.dataTime) {
                        ingest.backfill = .historyAnswer
                    }
                    if let answer {
                        resume(.action(.upload(ingest, answer: answer), frameBytes: frameBytes))
                    } else {
                        resume(.hand(ingest, answer: nil, ticket: nil))
                    }
                }
            }
        }
    }

    private func apply(_ action: FrameProcessor.Action, frameBytes: Int) {
        switch action {
        case .refused:
            junkSinceValid += frameBytes
            afterFrame()
        case .accepted(let reply):
            markValid()
            guard let reply else { return afterFrame() }
            guard let ticket = reserveTicket(retry: .action(action, frameBytes: frameBytes)) else { return }
            answers?.fulfil(ticket, with: reply)
            afterFrame()
        case .upload(let ingest, let answer):
            markValid()
            guard let ticket = reserveTicket(retry: .action(action, frameBytes: frameBytes)) else { return }
            hand(ingest, answer: answer, ticket: ticket)
        case .close(let reason):
            close(reason: reason)
        }
    }

    private func hand(_ ingest: IngestFrame, answer: [UInt8]?, ticket: AnswerSequencer.Ticket?) {
        guard let answers, let wakeUp else { return }
        switch environment.processor.hand(ingest, answer: answer, ticket: ticket, answers: answers, logger: logger, whenSpace: wakeUp) {
        case .done:
            afterFrame()
        case .full:
            parked = .hand(ingest, answer: answer, ticket: ticket)
            waiting = true
        }
    }

    /// A place in the answer order, or nil when the window is full: the frame then waits and
    /// `retry` runs when a commit frees room.
    private func reserveTicket(retry: Parked) -> AnswerSequencer.Ticket? {
        guard let answers, let wakeUp else { return nil }
        if let ticket = answers.reserve(whenRoom: wakeUp) { return ticket }
        parked = retry
        waiting = true
        return nil
    }

    /// The room a parked frame waits for is there (on the event loop).
    private func wake() {
        guard waiting, let parked else { return }
        self.parked = nil
        resume(parked)
    }

    /// Parks the frame: `start` begins the wait and gets the function that ends it (callable from
    /// any thread).
    private func park(_ start: (@escaping @Sendable (Parked) -> Void) -> Void) {
        guard let channel else { return }
        waiting = true
        let bound = NIOLoopBound(self, eventLoop: channel.eventLoop)
        start { parked in
            bound.eventLoop.execute { bound.value.resume(parked) }
        }
    }

    /// A wait has ended (on the event loop): go on with the parked frame, then with the queue.
    private func resume(_ parked: Parked) {
        guard waiting else { return }
        waiting = false
        switch parked {
        case .action(let action, let frameBytes): apply(action, frameBytes: frameBytes)
        case .hand(let ingest, let answer, let ticket): hand(ingest, answer: answer, ticket: ticket)
        }
        guard !waiting else { return }
        handleQueue()
        finishIfDone()
    }

    private func markValid() {
        junkSinceValid = 0
        lastValid = monotonicSeconds()
    }

    /// What follows every event: the junk limit, and split packets that stopped coming.
    private func afterFrame() {
        let settings = environment.settings
        if junkSinceValid > settings.junkBytesLimit {
            close(reason: "\(junkSinceValid) bytes without a valid frame")
            return
        }
        if state.reassembler.pendingCount > 0 {
            environment.processor.expireSplits(&state.reassembler, now: monotonicSeconds(), logger: logger)
        }
    }
}
