import Histogram
import NIOCore

/// Everything one event loop of the generator owns: its connections, the open-loop pacer, and
/// the counters and latency histogram its connections report to. Confined to that loop, so no
/// locks: the run reads it through `submit` at the end.
final class LoopState {
    let eventLoop: any EventLoop
    let plan: LoadPlan
    let template: FrameTemplate
    let loopIndex: Int
    let loopCount: Int
    let isOpenLoop: Bool

    /// Connection `loopIndex + loopCount * j` sits at `handlers[j]`.
    private var handlers: [LoadConnectionHandler?]

    private(set) var started = false
    private(set) var sendingOpen = false
    private var startNanos: UInt64 = 0
    private var nanosPerFrame: Double = 0
    private var pacer: RepeatedTask?
    private var deadlineTask: Scheduled<Void>?
    private var cutoffTask: Scheduled<Void>?
    /// Open loop: the next frame (in global order) to fall due.
    private var cursor = 0
    private var totalFrames = Int.max
    private var active = 0
    private var done: EventLoopPromise<Void>?
    private var touched: [LoadConnectionHandler] = []
    /// Open loop: frames that fell due for connections that never opened.
    private var dueWithoutConnection = 0
    private var closing = false

    // Counters.
    var sent = 0
    private var answered = 0
    var unexpectedReplies = 0
    var malformedReplies = 0
    private var disconnects = 0
    private var lostInFlight = 0
    private var timeouts = 0
    private var lastAnswerNanos: UInt64 = 0
    private var errors: [String: Int] = [:]
    private var histogram = Histogram<UInt64>(
        lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    /// Answers by second of the run (counted from the start of sending).
    private var seconds: [SecondOfRun] = []

    init(eventLoop: any EventLoop, plan: LoadPlan, template: FrameTemplate, loopIndex: Int, loopCount: Int) {
        self.eventLoop = eventLoop
        self.plan = plan
        self.template = template
        self.loopIndex = loopIndex
        self.loopCount = loopCount
        isOpenLoop = plan.rate != nil
        let local = plan.connections > loopIndex ? (plan.connections - loopIndex + loopCount - 1) / loopCount : 0
        handlers = Array(repeating: nil, count: local)
    }

    func register(_ handler: LoadConnectionHandler) {
        handlers[(handler.index - loopIndex) / loopCount] = handler
    }

    // MARK: - Run

    /// Starts sending; the returned future completes when every connection on this loop has
    /// finished (or at `cutoff`, when what is still unanswered counts as timed out).
    func start(at start: NIODeadline, deadline: NIODeadline, cutoff: NIODeadline) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        done = promise
        started = true
        sendingOpen = true
        startNanos = start.uptimeNanoseconds
        if let maxFrames = plan.maxFrames { totalFrames = maxFrames }
        // Only connections open now take part; one that closed while the others connected is
        // already counted as a disconnect.
        for case let handler? in handlers where handler.isActive {
            handler.takesPart = true
            active += 1
        }

        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        deadlineTask = eventLoop.scheduleTask(deadline: deadline) { bound.value.stopSending() }
        cutoffTask = eventLoop.scheduleTask(deadline: cutoff) { bound.value.forceFinish() }
        if let rate = plan.rate {
            nanosPerFrame = 1e9 / Double(rate)
            pacer = eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(1)) { _ in bound.value.tick() }
        } else {
            let now = monotonicNanoseconds()
            for case let handler? in handlers {
                handler.fill(now: now)
                handler.checkFinished()
            }
        }
        if active == 0 { complete() }
        return promise.futureResult
    }

    /// When frame `sequence` of connection `connection` fell due (open loop).
    func intendedStart(connection: Int, sequence: Int) -> UInt64 {
        let global = Double(sequence) * Double(plan.connections) + Double(connection)
        return startNanos + UInt64(global * nanosPerFrame)
    }

    /// Open loop: hands the frames that fell due since the last tick to their connections.
    private func tick() {
        let now = monotonicNanoseconds()
        guard sendingOpen else { return }
        let elapsed = Double(now &- startNanos)
        let dueUpTo = min(Int(elapsed / nanosPerFrame) + 1, totalFrames)
        let connections = plan.connections
        while cursor < dueUpTo {
            let connection = cursor % connections
            cursor += 1
            guard connection % loopCount == loopIndex else { continue }
            guard let handler = handlers[connection / loopCount] else {
                dueWithoutConnection += 1
                continue
            }
            handler.due += 1
            if !handler.touched {
                handler.touched = true
                touched.append(handler)
            }
        }
        for handler in touched {
            handler.touched = false
            handler.fill(now: now)
            handler.checkFinished()
        }
        touched.removeAll(keepingCapacity: true)
        if cursor >= totalFrames {
            pacer?.cancel()
            pacer = nil
        }
    }

    private func stopSending() {
        guard sendingOpen else { return }
        sendingOpen = false
        pacer?.cancel()
        pacer = nil
        for case let handler? in handlers { handler.checkFinished() }
    }

    private func forceFinish() {
        guard done != nil else { return }
        stopSending()
        for case let handler? in handlers where !handler.finished { timeouts += handler.inFlight }
        complete()
    }

    private func complete() {
        guard let promise = done else { return }
        done = nil
        deadlineTask?.cancel()
        cutoffTask?.cancel()
        if sendingOpen {
            sendingOpen = false
            pacer?.cancel()
            pacer = nil
        }
        promise.succeed(())
    }

    // MARK: - Reports from connections

    func connectionFinished() {
        active -= 1
        if active == 0 { complete() }
    }

    func connectionLost(unanswered: Int) {
        guard !closing else { return }
        disconnects += 1
        if started { lostInFlight += unanswered }
    }

    /// The run is over for this loop (answers arriving now came after the drain timeout).
    var isComplete: Bool { started && done == nil }

    func recordAnswer(latencyNanoseconds: UInt64, at now: UInt64) {
        answered += 1
        lastAnswerNanos = now
        let micros = max(1, (latencyNanoseconds + 500) / 1000)
        _ = histogram.record(micros)
        if started, now >= startNanos {
            let second = Int((now - startNanos) / 1_000_000_000)
            if second >= seconds.count { seconds.append(contentsOf: repeatElement(SecondOfRun(), count: second + 1 - seconds.count)) }
            seconds[second].record(micros)
        }
    }

    func countError(_ error: any Error) {
        let key = String(describing: error)
        errors[key, default: 0] += 1
    }

    // MARK: - End

    /// Closes every connection; completes when all are closed.
    func closeAll() -> EventLoopFuture<Void> {
        closing = true
        var closed: [EventLoopFuture<Void>] = []
        for case let handler? in handlers {
            if let future = handler.close() { closed.append(future) }
        }
        return EventLoopFuture.andAllComplete(closed, on: eventLoop)
    }

    var connectedCount: Int { handlers.reduce(0) { $0 + (($1?.isActive ?? false) ? 1 : 0) } }

    func snapshot() -> LoopSnapshot {
        var dueNotSent = dueWithoutConnection
        for case let handler? in handlers { dueNotSent += handler.dueNotSent }
        return LoopSnapshot(
            sent: sent, answered: answered, unexpectedReplies: unexpectedReplies, malformedReplies: malformedReplies,
            disconnects: disconnects, lostInFlight: lostInFlight, timeouts: timeouts, dueNotSent: dueNotSent,
            lastAnswerNanos: lastAnswerNanos, errors: errors, histogram: histogram, seconds: seconds)
    }

    /// Drops the references between the state and its handlers.
    func release() {
        handlers.removeAll()
        touched.removeAll()
    }
}

/// One loop's figures at the end of a run.
struct LoopSnapshot: Sendable {
    var sent: Int
    var answered: Int
    var unexpectedReplies: Int
    var malformedReplies: Int
    var disconnects: Int
    var lostInFlight: Int
    var timeouts: Int
    var dueNotSent: Int
    var lastAnswerNanos: UInt64
    var errors: [String: Int]
    var histogram: Histogram<UInt64>
    var seconds: [SecondOfRun]
}
