import Logging
import Metrics
import Store

/// Batches what all connections hand in and commits it in one transaction, by size or after a
/// few milliseconds, whichever comes first. A frame's submitter is resumed only after the
/// commit that holds it, so the connection acknowledges only durable data.
///
/// The queue is bounded: when it is full, `submit` waits, the connection stops reading its
/// socket, and TCP pushes back on the device. Nothing queues without bound.
public actor GroupCommitter {
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

    private let store: any MonitoringStore
    private let settings: Settings
    private let logger: Logger
    private let metrics: GatewayMetrics

    private var frames: [(IngestFrame, CheckedContinuation<FrameOutcome, any Error>?)] = []
    private var rejects: [RejectRecord] = []
    private var events: [DeviceEvent] = []
    private var spaceWaiters: [CheckedContinuation<Void, Never>] = []
    private var workWaiter: CheckedContinuation<Void, Never>?
    private var stopping = false
    private var stopped = false

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

    /// Hands in an accepted upload and waits until it is committed.
    public func submit(_ frame: IngestFrame) async throws -> FrameOutcome {
        while frames.count >= settings.capacity && !stopped {
            await withCheckedContinuation { spaceWaiters.append($0) }
        }
        guard !stopped else {
            throw StoreError(operation: "storing a frame", reason: "the gateway is shutting down", remedy: "the device will resend it after reconnecting")
        }
        return try await withCheckedThrowingContinuation { continuation in
            frames.append((frame, continuation))
            wake()
        }
    }

    /// Hands in an upload that wants no answer: waits only for room in the queue, not for the
    /// commit, so a device that does not ask for acknowledgements is not slowed by them.
    public func enqueue(_ frame: IngestFrame) async throws {
        while frames.count >= settings.capacity && !stopped {
            await withCheckedContinuation { spaceWaiters.append($0) }
        }
        guard !stopped else {
            throw StoreError(operation: "storing a frame", reason: "the gateway is shutting down", remedy: "the device will resend it after reconnecting")
        }
        frames.append((frame, nil))
        wake()
    }

    /// Hands in a reject; it is written with the next batch.
    public func record(_ reject: RejectRecord) {
        guard !stopped else { return }
        if rejects.count < settings.capacity { rejects.append(reject) } else { metrics.rejectsDropped.increment() }
        wake()
    }

    /// Hands in a device event; it is written with the next batch.
    public func record(_ event: DeviceEvent) {
        guard !stopped else { return }
        if events.count < settings.capacity { events.append(event) }
        wake()
    }

    /// Commits batches until `finish()` is called and everything handed in is written.
    public func run() async {
        while true {
            if frames.isEmpty && rejects.isEmpty && events.isEmpty {
                if stopping { break }
                await withCheckedContinuation { workWaiter = $0 }
                continue
            }
            if frames.count < settings.maxFrames && settings.maxDelayMillis > 0 && !stopping {
                try? await Task.sleep(for: .milliseconds(settings.maxDelayMillis))
            }
            await commitOnce()
        }
        stopped = true
        for waiter in spaceWaiters { waiter.resume() }
        spaceWaiters.removeAll()
    }

    /// Asks `run()` to write what is queued and return.
    public func finish() {
        stopping = true
        wake()
    }

    private func commitOnce() async {
        let take = min(frames.count, settings.maxFrames)
        let batchFrames = Array(frames.prefix(take))
        frames.removeFirst(take)
        let batch = WriteBatch(frames: batchFrames.map(\.0), rejects: rejects, events: events)
        rejects.removeAll(keepingCapacity: true)
        events.removeAll(keepingCapacity: true)
        let waiters = spaceWaiters
        spaceWaiters.removeAll()
        for waiter in waiters { waiter.resume() }

        let started = ContinuousClock.now
        do {
            let outcome = try await store.commit(batch)
            metrics.commitLatency.recordNanoseconds(nanoseconds(since: started))
            metrics.batchFrames.record(batch.frames.count)
            metrics.readingsStored.increment(by: outcome.frames.reduce(0) { $0 + $1.inserted })
            metrics.readingConflicts.increment(by: outcome.conflicts.count)
            for (index, entry) in batchFrames.enumerated() {
                entry.1?.resume(returning: index < outcome.frames.count ? outcome.frames[index] : FrameOutcome())
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
            for entry in batchFrames { entry.1?.resume(throwing: error) }
        }
    }

    private func wake() {
        if let waiter = workWaiter {
            workWaiter = nil
            waiter.resume()
        }
    }
}

func nanoseconds(since start: ContinuousClock.Instant) -> Int64 {
    let elapsed = ContinuousClock.now - start
    return elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
}
