import Metrics

/// The gateway's measurements, through swift-metrics: whatever backend the process installs
/// (Prometheus on `/metrics` for `hj212 serve`) receives them.
///
/// A class, shared by reference: every connection, frame and commit callback holds it, and a
/// struct of this many handles would be retained handle by handle at each copy.
///
/// An acknowledgement's time is split into stages, so that an operator can see where a slow
/// answer waited: `hj212_commit_wait_seconds` (queued until its batch's commit began, the
/// batch's longest wait), `hj212_commit_latency_seconds` (the commit), `hj212_ack_latency_seconds`
/// (handed in until committed and released, per frame) and `hj212_answer_write_delay_seconds`
/// (released until its connection's event loop wrote it).
public final class GatewayMetrics: Sendable {
    public let connectionsOpened: Counter
    public let connectionsClosed: Counter
    public let connectionsRefused: Counter
    public let connectionsActive: Gauge
    public let readingsStored: Counter
    public let readingConflicts: Counter
    public let batchFrames: Recorder
    public let commitLatency: Timer
    public let ackLatency: Timer
    public let commitWait: Timer
    public let answerWriteDelay: Timer
    public let commitFailures: Counter
    public let junkBytes: Counter
    public let rejectsDropped: Counter
    public let incompleteSplits: Counter

    private let factory: any MetricsFactory
    /// One counter per frame result, made once rather than looked up on every frame.
    private let frameCounters: [String: Counter]

    /// - Parameter factory: Where the measurements go: the process's backend by default, a
    ///   test's own factory in tests.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        connectionsOpened = Counter(label: "hj212_connections_opened_total", factory: factory)
        connectionsClosed = Counter(label: "hj212_connections_closed_total", factory: factory)
        connectionsRefused = Counter(label: "hj212_connections_refused_total", factory: factory)
        connectionsActive = Gauge(label: "hj212_connections_active", factory: factory)
        readingsStored = Counter(label: "hj212_readings_stored_total", factory: factory)
        readingConflicts = Counter(label: "hj212_reading_conflicts_total", factory: factory)
        batchFrames = Recorder(label: "hj212_batch_frames", aggregate: true, factory: factory)
        commitLatency = Timer(label: "hj212_commit_latency_seconds", preferredDisplayUnit: .seconds, factory: factory)
        ackLatency = Timer(label: "hj212_ack_latency_seconds", preferredDisplayUnit: .seconds, factory: factory)
        commitWait = Timer(label: "hj212_commit_wait_seconds", preferredDisplayUnit: .seconds, factory: factory)
        answerWriteDelay = Timer(label: "hj212_answer_write_delay_seconds", preferredDisplayUnit: .seconds, factory: factory)
        commitFailures = Counter(label: "hj212_commit_failures_total", factory: factory)
        junkBytes = Counter(label: "hj212_junk_bytes_total", factory: factory)
        rejectsDropped = Counter(label: "hj212_rejects_dropped_total", factory: factory)
        incompleteSplits = Counter(label: "hj212_split_packets_incomplete_total", factory: factory)
        var counters: [String: Counter] = [:]
        for result in ["acked", "stored", "duplicate", "rejected", "heartbeat", "answer", "other"] {
            counters[result] = Counter(label: "hj212_frames_total", dimensions: [("result", result)], factory: factory)
        }
        frameCounters = counters
    }

    /// Frames by result: `acked`, `stored` (no answer wanted), `duplicate`, `rejected`,
    /// `heartbeat`, `answer`, `other`.
    public func frame(_ result: String) {
        (frameCounters[result] ?? Counter(label: "hj212_frames_total", dimensions: [("result", result)], factory: factory)).increment()
    }

    /// Rejects by reason code.
    public func reject(_ reason: String) {
        Counter(label: "hj212_rejects_total", dimensions: [("reason", reason)], factory: factory).increment()
    }
}
