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
/// `enqueue` waits, the connection stops reading its socket, and TCP pushes back on the
/// device. Nothing queues without bound. Device "seen" events are coalesced per device and
/// batch (the store keeps only the latest anyway).
public final class GroupCommitter: Sendable {
    public struct Settings: Sendable {
        public var maxFrames: Int
        public var maxDelayMillis: Int
        public var capacity: Int

        public init(maxFrames: Int = 512, maxDelayMillis: Int = 5, capacity: Int = 4096) {
            self.maxFrames = max(1, maxFrames)
            self.maxDelayMillis = max(0, maxDelayMillis)
            self.capacity = max(self.maxFrames, capacity)
        }
    }

    /// Runs after the commit that holds a frame: its outcome, or the error that failed the commit.
    public typealias Completion = @Sendable (Result<FrameOutcome, any Error>) -> Void

    private struct Pending {
        var frame: IngestFrame
        var completion: Completion?
    }

    private enum Admission {
        case queued(CheckedContinuation<Void, Never>?)
        case full
        case stopped
    }

    private struct State {
        var frames: [Pending] = []
        var rejects: [RejectRecord] = []
        /// Command answers, in arrival order.
        var answers: [DeviceEvent] = []
        /// The latest "seen" event per device since the last commit.
        var seen: [String: DeviceEvent] = [:]
        var spaceWaiters: [CheckedContinuation<Void, Never>] = []
        var workWaiter: CheckedContinuation<Void, Never>?
        var stopping = false
        var stopped = false
        /// Frames committed since memory was last trimmed, and when that was.
        var committedSinceTrim = 0
        var lastTrim = ContinuousClock.now

        var isEmpty: Bool { frames.isEmpty && rejects.isEmpty && answers.isEmpty && seen.isEmpty }

        mutating func takeWorkWaiter() -> CheckedContinuation<Void, Never>? {
            defer { workWaiter = nil }
            return workWaiter
        }
    }

    private let store: any MonitoringStore
    private let settings: Settings
    private let logger: Logger
    private let metrics: GatewayMetrics
    private let state = NIOLockedValueBox(State())

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

    /// Hands in an accepted upload; waits only while the queue is full. `completion` runs after
    /// the commit that holds the frame (nil: nobody waits for it, e.g. no answer was asked for).
    /// - Throws: ``StoreError`` when the gateway is shutting down and no longer stores frames.
    public func enqueue(_ frame: IngestFrame, completion: Completion? = nil) async throws {
        while true {
            let admitted = state.withLockedValue { state -> Admission in
                if state.stopped { return .stopped }
                guard state.frames.count < settings.capacity else { return .full }
                state.frames.append(Pending(frame: frame, completion: completion))
                return .queued(state.takeWorkWaiter())
            }
            switch admitted {
            case .stopped:
                throw StoreError(operation: "storing a frame", reason: "the gateway is shutting down", remedy: "the device will resend it after reconnecting")
            case .queued(let worker):
                worker?.resume()
                return
            case .full:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let full = state.withLockedValue { state -> Bool in
                        guard state.frames.count >= settings.capacity && !state.stopped else { return false }
                        state.spaceWaiters.append(continuation)
                        return true
                    }
                    if !full { continuation.resume() }
                }
            }
        }
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
        if accepted == true { wake() }
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
        if accepted { wake() }
    }

    /// Commits batches until `finish()` is called and everything handed in is written.
    public func run() async {
        // Waiting `maxDelayMillis` gathers a batch when work arrives after a quiet spell. Under
        // load the previous commit's own duration has gathered the next batch, so it goes at once.
        var busy = false
        while true {
            let next = state.withLockedValue { state -> (empty: Bool, stopping: Bool, full: Bool) in
                (state.isEmpty, state.stopping, state.frames.count >= settings.maxFrames)
            }
            if next.empty {
                if next.stopping { break }
                trimAfterBurst()
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let idle = state.withLockedValue { state -> Bool in
                        guard state.isEmpty && !state.stopping else { return false }
                        state.workWaiter = continuation
                        return true
                    }
                    if !idle { continuation.resume() }
                }
                busy = false
                continue
            }
            if !busy && !next.full && settings.maxDelayMillis > 0 && !next.stopping {
                try? await Task.sleep(for: .milliseconds(settings.maxDelayMillis))
            }
            await commitOnce()
            busy = true
        }
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.stopped = true
            defer { state.spaceWaiters.removeAll() }
            return state.spaceWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Asks `run()` to write what is queued and return.
    public func finish() {
        state.withLockedValue { $0.stopping = true }
        wake()
    }

    private func commitOnce() async {
        let (pending, batch, waiters) = state.withLockedValue { state -> ([Pending], WriteBatch, [CheckedContinuation<Void, Never>]) in
            let take = min(state.frames.count, settings.maxFrames)
            state.committedSinceTrim += take
            let pending = Array(state.frames.prefix(take))
            state.frames.removeFirst(take)
            let batch = WriteBatch(frames: pending.map(\.frame), rejects: state.rejects, events: state.answers + state.seen.values)
            state.rejects.removeAll(keepingCapacity: true)
            state.answers.removeAll(keepingCapacity: true)
            state.seen.removeAll(keepingCapacity: true)
            defer { state.spaceWaiters.removeAll() }
            return (pending, batch, state.spaceWaiters)
        }
        for waiter in waiters { waiter.resume() }

        let started = ContinuousClock.now
        do {
            let outcome = try await store.commit(batch)
            metrics.commitLatency.recordNanoseconds(nanoseconds(since: started))
            metrics.batchFrames.record(batch.frames.count)
            metrics.readingsStored.increment(by: outcome.frames.reduce(0) { $0 + $1.inserted })
            metrics.readingConflicts.increment(by: outcome.conflicts.count)
            for (index, entry) in pending.enumerated() {
                entry.completion?(.success(index < outcome.frames.count ? outcome.frames[index] : FrameOutcome()))
            }
            if let onCommitted {
                let fresh = batch.frames.indices.filter { $0 < outcome.frames.count && outcome.frames[$0].inserted > 0 }
                if !fresh.isEmpty { onCommitted(fresh.map { batch.frames[$0] }) }
            }
        } catch {
            logger.error("commit failed; frames in it are not acknowledged and will be resent", metadata: [
                "frames": "\(batch.frames.count)", "rejects": "\(batch.rejects.count)", "error": "\(error)",
            ])
            metrics.commitFailures.increment()
            for entry in pending { entry.completion?(.failure(error)) }
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

    private func wake() {
        state.withLockedValue { $0.takeWorkWaiter() }?.resume()
    }
}

func nanoseconds(since start: ContinuousClock.Instant) -> Int64 {
    let elapsed = ContinuousClock.now - start
    return elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
}
