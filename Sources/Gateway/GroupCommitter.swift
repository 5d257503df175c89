import Dispatch
import Logging
import Metrics
import NIOConcurrencyHelpers
import Store

/// Batches what all connections hand in and commits it in one transaction, by size or after a
/// few milliseconds, whichever comes first. A frame's completion runs only after the commit
/// that holds it, so the connection acknowledges only durable data.
///
/// Handing in is a short critical section, not an actor hop: at tens of thousands of frames
/// a second the queue must cost less than the frame. The queue is bounded: when it is full,
/// `offer` turns the frame away until there is room, the connection stops reading its socket
/// meanwhile, and TCP pushes back on the device. Nothing queues without bound. Device "seen" events are coalesced per device and
/// batch (the store keeps only the latest anyway).
///
/// The commit loop runs on callbacks, not in a task: when a commit returns (on the store's
/// writer thread) the next batch is taken and its commit queued at once, and the finished
/// batch's completions run on a serial queue of their own while the writer works on. A task
/// would wait for a turn on the shared pool, behind every connection's work, between commits.
public final class GroupCommitter: Sendable {
    public struct Settings: Sendable {
        public var maxFrames: Int
        public var maxDelayMillis: Int
        public var capacity: Int

        public init(maxFrames: Int = 2048, maxDelayMillis: Int = 5, capacity: Int = 8192) {
            self.maxFrames = max(1, maxFrames)
            self.maxDelayMillis = max(0, maxDelayMillis)
            self.capacity = max(self.maxFrames, capacity)
        }
    }

    /// Runs after the commit that holds a frame: its outcome, or the error that failed the commit.
    public typealias Completion = @Sendable (Result<FrameOutcome, any Error>) -> Void

    /// What became of a frame offered to the queue.
    public enum Offer: Sendable {
        case queued
        /// Not queued: the queue is full. The offer's `whenSpace` runs once it has room.
        case full
        /// Not queued: the gateway is shutting down and stores nothing more.
        case stopped
    }

    /// A batch taken from the queue, with the completions of its frames (same order).
    private struct Taken: Sendable {
        var batch: WriteBatch
        var completions: [Completion?]
        /// How long the batch's oldest frame waited in the queue (nil: the batch has no frames).
        var oldestWait: Duration?
    }

    /// What the commit loop does next, decided under the lock and done outside it.
    private enum Step {
        case nothing
        case wait(trim: Bool)
        case delay
        case commit(Taken, spaceWaiters: [@Sendable () -> Void])
        case done(CheckedContinuation<Void, Never>?, spaceWaiters: [@Sendable () -> Void])
    }

    private struct State {
        /// Queued frames and their completions, index for index.
        var frames: [IngestFrame] = []
        var completions: [Completion?] = []
        /// When each queued frame was handed in, index for index.
        var queuedAt: [ContinuousClock.Instant] = []
        var rejects: [RejectRecord] = []
        /// Command answers, in arrival order.
        var answers: [DeviceEvent] = []
        /// The latest "seen" event per device since the last commit.
        var seen: [String: DeviceEvent] = [:]
        /// Offers turned away while the queue was full, to be told when it has room.
        var spaceWaiters: [@Sendable () -> Void] = []
        /// `run()`, waiting for everything to be written after `finish()`.
        var runWaiter: CheckedContinuation<Void, Never>?
        /// `run()` was called: commits may start.
        var started = false
        /// A commit is with the store.
        var committing = false
        /// Commits returned whose completions have not all run yet.
        var unsettled = 0
        /// A delayed start (to gather a batch after a quiet spell) is scheduled.
        var delayScheduled = false
        var stopping = false
        var stopped = false
        /// Frames committed since memory was last trimmed, and when that was.
        var committedSinceTrim = 0
        var lastTrim = ContinuousClock.now

        var isEmpty: Bool { frames.isEmpty && rejects.isEmpty && answers.isEmpty && seen.isEmpty }
    }

    private let store: any MonitoringStore
    private let settings: Settings
    private let logger: Logger
    private let metrics: GatewayMetrics
    private let state = NIOLockedValueBox(State())
    /// Where completions run, one batch after the other.
    private let settling = DispatchQueue(label: "hj212.commit.settle")

    /// Called after each successful commit with the frames that stored something new (not
    /// resends), e.g. so compliance can evaluate the periods they touch. Must be cheap.
    private let onCommitted: (@Sendable ([IngestFrame]) -> Void)?

    public init(
        store: any MonitoringStore, settings: Settings, logger: Logger, metrics: GatewayMetrics,
        onCommitted: (@Sendable ([IngestFrame]) -> Void)? = nil
    ) {
        self.onCommitted = onCommitted
        self.store = store
        self.settings = settings
        self.logger = logger
        self.metrics = metrics
    }

    /// Hands in an accepted upload without waiting. `completion` runs after the commit that
    /// holds the frame (nil: nobody waits for it, e.g. no answer was asked for). When the queue
    /// is full nothing is queued and `whenSpace` runs, on any thread, once it has room: the
    /// connection stops reading until then.
    public func offer(_ frame: IngestFrame, completion: Completion? = nil, whenSpace: @escaping @Sendable () -> Void) -> Offer {
        let offer = state.withLockedValue { state -> Offer in
            if state.stopped { return .stopped }
            guard state.frames.count < settings.capacity else {
                state.spaceWaiters.append(whenSpace)
                return .full
            }
            state.frames.append(frame)
            state.completions.append(completion)
            state.queuedAt.append(.now)
            return .queued
        }
        if case .queued = offer { advance(afterCommit: false) }
        return offer
    }

    /// Hands in a reject; it is written with the next batch.
    public func record(_ reject: RejectRecord) {
        let accepted = state.withLockedValue { state -> Bool? in
            guard !state.stopped else { return nil }
            guard state.rejects.count < settings.capacity else { return false }
            state.rejects.append(reject)
            return true
        }
        if accepted == false { metrics.rejectsDropped.increment() }
        if accepted == true { advance(afterCommit: false) }
    }

    /// Hands in a device event; it is written with the next batch.
    public func record(_ event: DeviceEvent) {
        let accepted = state.withLockedValue { state -> Bool in
            guard !state.stopped else { return false }
            switch event.kind {
            case .seen:
                var latest = event
                if let earlier = state.seen[event.mn] {
                    let (newer, older) = earlier.atMillis > event.atMillis ? (earlier, event) : (event, earlier)
                    latest = newer
                    latest.qn = newer.qn ?? older.qn
                }
                state.seen[event.mn] = latest
                return true
            case .commandAnswer:
                guard state.answers.count < settings.capacity else { return false }
                state.answers.append(event)
                return true
            }
        }
        if accepted { advance(afterCommit: false) }
    }

    /// Commits batches until `finish()` is called and everything handed in is written and
    /// settled (its completions run).
    public func run() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let stopped = state.withLockedValue { state -> Bool in
                if state.stopped { return true }
                state.started = true
                state.runWaiter = continuation
                return false
            }
            if stopped {
                continuation.resume()
            } else {
                advance(afterCommit: true)
            }
        }
    }

    /// Asks `run()` to write what is queued and return.
    public func finish() {
        state.withLockedValue { $0.stopping = true }
        advance(afterCommit: true)
    }

    /// Starts the next commit if one is due. After a commit (or when told to hurry) a waiting
    /// batch goes at once; work arriving after a quiet spell waits `maxDelayMillis` to gather.
    private func advance(afterCommit: Bool) {
        let step = state.withLockedValue { state -> Step in
            guard state.started, !state.committing, !state.stopped else { return .nothing }
            if state.isEmpty {
                guard state.stopping else { return .wait(trim: afterCommit) }
                guard state.unsettled == 0 else { return .nothing }
                state.stopped = true
                defer {
                    state.runWaiter = nil
                    state.spaceWaiters.removeAll()
                }
                return .done(state.runWaiter, spaceWaiters: state.spaceWaiters)
            }
            // One batch commits while the one before settles, no more: answers cannot fall
            // further behind the commits than that.
            guard state.unsettled < 2 else { return .nothing }
            let full = state.frames.count >= settings.maxFrames
            if !afterCommit && !full && !state.stopping && settings.maxDelayMillis > 0 {
                if state.delayScheduled { return .nothing }
                state.delayScheduled = true
                return .delay
            }
            state.delayScheduled = false
            state.committing = true
            state.unsettled += 1
            let taken = Self.take(from: &state, maxFrames: settings.maxFrames)
            defer { state.spaceWaiters.removeAll() }
            return .commit(taken, spaceWaiters: state.spaceWaiters)
        }
        switch step {
        case .nothing:
            break
        case .wait(let trim):
            if trim { trimAfterBurst() }
        case .delay:
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(settings.maxDelayMillis)) { [self] in
                state.withLockedValue { $0.delayScheduled = false }
                advance(afterCommit: true)
            }
        case .commit(let taken, let waiters):
            for waiter in waiters { waiter() }
            let started = ContinuousClock.now
            if let waited = taken.oldestWait { metrics.commitWait.recordNanoseconds(waited.nanoseconds) }
            store.commit(taken.batch) { [self] result in
                if case .success = result { metrics.commitLatency.recordNanoseconds(nanoseconds(since: started)) }
                settling.async { [self] in
                    settle(taken, result)
                    state.withLockedValue { $0.unsettled -= 1 }
                    advance(afterCommit: true)
                }
                state.withLockedValue { $0.committing = false }
                advance(afterCommit: true)
            }
        case .done(let runWaiter, let waiters):
            for waiter in waiters { waiter() }
            runWaiter?.resume()
        }
    }

    /// Takes up to `maxFrames` queued frames, and every queued reject and event, as one batch.
    private static func take(from state: inout State, maxFrames: Int) -> Taken {
        let count = min(state.frames.count, maxFrames)
        state.committedSinceTrim += count
        var frames: [IngestFrame] = []
        var completions: [Completion?] = []
        let oldestWait = count > 0 ? ContinuousClock.now - state.queuedAt[0] : nil
        if count == state.frames.count {
            // The usual case under load: the whole queue goes, without copying it.
            swap(&frames, &state.frames)
            swap(&completions, &state.completions)
            state.frames.reserveCapacity(count)
            state.completions.reserveCapacity(count)
            state.queuedAt.removeAll(keepingCapacity: true)
        } else {
            frames = Array(state.frames[..<count])
            completions = Array(state.completions[..<count])
            state.frames.removeFirst(count)
            state.completions.removeFirst(count)
            state.queuedAt.removeFirst(count)
        }
        let batch = WriteBatch(frames: frames, rejects: state.rejects, events: state.answers + state.seen.values)
        state.rejects.removeAll(keepingCapacity: true)
        state.answers.removeAll(keepingCapacity: true)
        state.seen.removeAll(keepingCapacity: true)
        return Taken(batch: batch, completions: completions, oldestWait: oldestWait)
    }

    /// After a batch's commit: runs its frames' completions and tells `onCommitted`.
    private func settle(_ taken: Taken, _ result: Result<BatchOutcome, any Error>) {
        let batch = taken.batch
        switch result {
        case .success(let outcome):
            metrics.batchFrames.record(batch.frames.count)
            metrics.readingsStored.increment(by: outcome.frames.reduce(0) { $0 + $1.inserted })
            metrics.readingConflicts.increment(by: outcome.conflicts.count)
            for (index, completion) in taken.completions.enumerated() {
                completion?(.success(index < outcome.frames.count ? outcome.frames[index] : FrameOutcome()))
            }
            if let onCommitted {
                let fresh = batch.frames.indices.filter { $0 < outcome.frames.count && outcome.frames[$0].inserted > 0 }
                if !fresh.isEmpty { onCommitted(fresh.map { batch.frames[$0] }) }
            }
        case .failure(let error):
            logger.error("commit failed; frames in it are not acknowledged and will be resent", metadata: [
                "frames": "\(batch.frames.count)", "rejects": "\(batch.rejects.count)", "error": "\(error)",
            ])
            metrics.commitFailures.increment()
            for completion in taken.completions { completion?(.failure(error)) }
        }
    }

    /// Trims the heap in the background when the queue has just run empty after a burst.
    private func trimAfterBurst() {
        let due = state.withLockedValue { state -> Bool in
            guard state.committedSinceTrim >= MemoryTrimmer.burstFrames, ContinuousClock.now - state.lastTrim > .seconds(1) else { return false }
            state.committedSinceTrim = 0
            state.lastTrim = .now
            return true
        }
        if due { Task.detached(priority: .background) { MemoryTrimmer.trim() } }
    }
}

func nanoseconds(since start: ContinuousClock.Instant) -> Int64 {
    (ContinuousClock.now - start).nanoseconds
}

extension Duration {
    /// The duration in whole nanoseconds, as the metrics timers take it.
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}

