import NIOConcurrencyHelpers
import NIOCore

/// Sends one connection's answers in the order of the frames that asked for them, whatever
/// order they become ready in, and bounds how many may be outstanding.
///
/// The connection reserves a ticket for each frame that will be answered, in frame order. An
/// upload's ticket is fulfilled by the group committer after the commit that holds it (with
/// the 9014, or with nothing when the commit failed); a heartbeat's at once. Answers leave as
/// soon as every earlier ticket is settled, written straight to the channel. No task waits per
/// connection or per frame, which keeps an idle connection small and a busy one cheap.
final class AnswerSequencer: Sendable {
    /// A place in the connection's answer order.
    struct Ticket: Sendable {
        fileprivate let number: UInt64
    }

    private struct State {
        /// The next ticket to hand out.
        var next: UInt64 = 0
        /// Every ticket below this one has been written (or settled without an answer).
        var flushed: UInt64 = 0
        /// Settled tickets waiting for an earlier one; nil values mean "no answer".
        var settled: [UInt64: [UInt8]?] = [:]
        /// The reader's wake-up for when the window has room again.
        var roomWaiter: (@Sendable () -> Void)?
        /// Whoever waits until every ticket is settled (the connection, before it closes).
        var drainWaiter: (@Sendable () -> Void)?
        /// Answers in order, not yet handed to the channel; one write on the event loop takes
        /// all that gathered meanwhile (a commit settles many tickets of a connection at once).
        var outgoing: [UInt8] = []
        var writeScheduled = false
        /// When the write now scheduled was asked for (its answers were released).
        var writeRequested = ContinuousClock.now

        var outstanding: Int { Int(next - flushed) }
    }

    private let channel: any Channel
    private let limit: Int
    private let state = NIOLockedValueBox(State())
    /// Where the delay between releasing answers and writing them is recorded.
    private let metrics: GatewayMetrics?

    /// - Parameters:
    ///   - channel: Where answers are written.
    ///   - limit: The most tickets outstanding at once (frames read ahead of their answers).
    ///   - metrics: Records `answerWriteDelay` for each write (nil: nothing is recorded).
    init(channel: any Channel, limit: Int, metrics: GatewayMetrics? = nil) {
        self.channel = channel
        self.limit = max(1, limit)
        self.metrics = metrics
    }

    /// The next ticket when fewer than `limit` are outstanding; otherwise nil, and `whenRoom`
    /// runs (on whichever thread settles a ticket) once there is room. Only the connection's
    /// reader calls this, one call at a time.
    func reserve(whenRoom: @escaping @Sendable () -> Void) -> Ticket? {
        state.withLockedValue { state -> Ticket? in
            guard state.outstanding < limit else {
                state.roomWaiter = whenRoom
                return nil
            }
            defer { state.next += 1 }
            return Ticket(number: state.next)
        }
    }

    /// Settles a ticket with its answer (nil: nothing is sent for it) and writes every answer
    /// that is now in order. Callable from any thread.
    func fulfil(_ ticket: Ticket, with answer: [UInt8]?) {
        let wake = state.withLockedValue { state -> (room: (@Sendable () -> Void)?, drained: (@Sendable () -> Void)?, write: Bool) in
            var scheduleWrite = false
            if ticket.number == state.flushed {
                if let answer { state.outgoing += answer }
                state.flushed += 1
            } else {
                state.settled[ticket.number] = .some(answer)
            }
            while !state.settled.isEmpty, let next = state.settled.removeValue(forKey: state.flushed) {
                if let next { state.outgoing += next }
                state.flushed += 1
            }
            if !state.outgoing.isEmpty && !state.writeScheduled {
                state.writeScheduled = true
                state.writeRequested = .now
                scheduleWrite = true
            }
            var room: (@Sendable () -> Void)?
            if state.outstanding < limit, let waiter = state.roomWaiter {
                state.roomWaiter = nil
                room = waiter
            }
            var drained: (@Sendable () -> Void)?
            if state.outstanding == 0, let waiter = state.drainWaiter {
                state.drainWaiter = nil
                drained = waiter
            }
            return (room, drained, scheduleWrite)
        }
        if wake.write { channel.eventLoop.execute { self.writeOutgoing() } }
        wake.room?()
        wake.drained?()
    }

    /// Hands every gathered answer to the channel in one write (on the event loop).
    private func writeOutgoing() {
        let (bytes, requested) = state.withLockedValue { state -> ([UInt8], ContinuousClock.Instant) in
            state.writeScheduled = false
            defer { state.outgoing.removeAll(keepingCapacity: false) }
            return (state.outgoing, state.writeRequested)
        }
        guard !bytes.isEmpty else { return }
        metrics?.answerWriteDelay.recordNanoseconds(nanoseconds(since: requested))
        channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
    }

    /// Runs `done` once every ticket handed out is settled and its answer handed to the channel
    /// (at once, on this thread, when none is outstanding).
    func whenDrained(_ done: @escaping @Sendable () -> Void) {
        let now = state.withLockedValue { state -> Bool in
            if state.outstanding == 0 { return true }
            state.drainWaiter = done
            return false
        }
        if now { done() }
    }
}
