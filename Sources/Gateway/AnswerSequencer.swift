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
        /// The reader, parked until the window has room.
        var roomWaiter: CheckedContinuation<Void, Never>?
        /// Whoever waits until every ticket is settled (shutdown of the connection).
        var drainWaiter: CheckedContinuation<Void, Never>?
        /// Answers in order, not yet handed to the channel; one write on the event loop takes
        /// all that gathered meanwhile (a commit settles many tickets of a connection at once).
        var outgoing: [UInt8] = []
        var writeScheduled = false

        var outstanding: Int { Int(next - flushed) }
    }

    private let channel: any Channel
    private let limit: Int
    private let state = NIOLockedValueBox(State())

    /// - Parameters:
    ///   - channel: Where answers are written.
    ///   - limit: The most tickets outstanding at once (frames read ahead of their answers).
    init(channel: any Channel, limit: Int) {
        self.channel = channel
        self.limit = max(1, limit)
    }

    /// Waits until fewer than `limit` tickets are outstanding, then hands out the next one.
    /// Only the connection's reader calls this, one call at a time.
    @inline(never)
    func reserve() async -> Ticket {
        if let ticket = takeTicketIfRoom() { return ticket }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLockedValue { state -> Bool in
                if state.outstanding < limit { return true }
                state.roomWaiter = continuation
                return false
            }
            if ready { continuation.resume() }
        }
        return state.withLockedValue { state in
            defer { state.next += 1 }
            return Ticket(number: state.next)
        }
    }

    /// The next ticket when the window has room (the common case: no suspension).
    private func takeTicketIfRoom() -> Ticket? {
        state.withLockedValue { state -> Ticket? in
            guard state.outstanding < limit else { return nil }
            defer { state.next += 1 }
            return Ticket(number: state.next)
        }
    }

    /// Settles a ticket with its answer (nil: nothing is sent for it) and writes every answer
    /// that is now in order. Callable from any thread.
    func fulfil(_ ticket: Ticket, with answer: [UInt8]?) {
        let wake = state.withLockedValue { state -> (room: CheckedContinuation<Void, Never>?, drained: CheckedContinuation<Void, Never>?, write: Bool) in
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
                scheduleWrite = true
            }
            var room: CheckedContinuation<Void, Never>?
            if state.outstanding < limit, let waiter = state.roomWaiter {
                state.roomWaiter = nil
                room = waiter
            }
            var drained: CheckedContinuation<Void, Never>?
            if state.outstanding == 0, let waiter = state.drainWaiter {
                state.drainWaiter = nil
                drained = waiter
            }
            return (room, drained, scheduleWrite)
        }
        if wake.write { channel.eventLoop.execute { self.writeOutgoing() } }
        wake.room?.resume()
        wake.drained?.resume()
    }

    /// Hands every gathered answer to the channel in one write (on the event loop).
    private func writeOutgoing() {
        let bytes = state.withLockedValue { state -> [UInt8] in
            state.writeScheduled = false
            defer { state.outgoing.removeAll(keepingCapacity: false) }
            return state.outgoing
        }
        if !bytes.isEmpty { channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil) }
    }

    /// Waits until every ticket handed out is settled and its answer written.
    @inline(never)
    func drain() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLockedValue { state -> Bool in
                if state.outstanding == 0 { return true }
                state.drainWaiter = continuation
                return false
            }
            if done { continuation.resume() }
        }
    }
}
