import NIOConcurrencyHelpers
import NIOCore

/// The device port's open connections, so that shutdown can reach every one of them and wait
/// until all have closed: connections run as handlers on their event loops, with no task that
/// a task group could wait for.
final class ConnectionTracker: Sendable {
    /// What a connection that has just opened should do.
    enum Disposition {
        case open
        /// Shutdown has begun: handle what was read, answer it, close.
        case finish
        /// The port was cancelled: close at once.
        case close
    }

    private struct State {
        var open: [Int: NIOLoopBound<ConnectionHandler>] = [:]
        var mode: Disposition = .open
        var emptyWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = NIOLockedValueBox(State())

    /// Registers an open connection (on its event loop).
    func add(_ id: Int, _ handler: NIOLoopBound<ConnectionHandler>) -> Disposition {
        state.withLockedValue { state in
            state.open[id] = handler
            return state.mode
        }
    }

    /// Forgets a connection that has closed and finished its frames.
    func remove(_ id: Int) {
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.open[id] = nil
            guard state.open.isEmpty else { return [] }
            defer { state.emptyWaiters.removeAll() }
            return state.emptyWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Graceful shutdown: every connection stops reading, handles and answers what it has read,
    /// then closes. Connections opening from now on do the same.
    func finishAll() {
        for handler in switchMode(to: .finish) {
            handler.eventLoop.execute { handler.value.finishGracefully() }
        }
    }

    /// Closes every connection at once.
    func closeAll() {
        for handler in switchMode(to: .close) {
            handler.eventLoop.execute { handler.value.closeNow() }
        }
    }

    private func switchMode(to mode: Disposition) -> [NIOLoopBound<ConnectionHandler>] {
        state.withLockedValue { state in
            state.mode = mode
            return Array(state.open.values)
        }
    }

    /// Returns once no connection is open.
    func waitUntilEmpty() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let empty = state.withLockedValue { state -> Bool in
                if state.open.isEmpty { return true }
                state.emptyWaiters.append(continuation)
                return false
            }
            if empty { continuation.resume() }
        }
    }
}
