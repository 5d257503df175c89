import Metrics

/// The gateway's measurements, through swift-metrics: whatever backend the process installs
/// (Prometheus on `/metrics` for `hj212 serve`) receives them.
public struct GatewayMetrics: Sendable {
    public let connectionsOpened = Counter(label: "hj212_connections_opened_total")
    public let connectionsClosed = Counter(label: "hj212_connections_closed_total")
    public let connectionsRefused = Counter(label: "hj212_connections_refused_total")
    public let connectionsActive = Gauge(label: "hj212_connections_active")
    public let readingsStored = Counter(label: "hj212_readings_stored_total")
    public let readingConflicts = Counter(label: "hj212_reading_conflicts_total")
    public let batchFrames = Recorder(label: "hj212_batch_frames", aggregate: true)
    public let commitLatency = Timer(label: "hj212_commit_latency_seconds", preferredDisplayUnit: .seconds)
    public let ackLatency = Timer(label: "hj212_ack_latency_seconds", preferredDisplayUnit: .seconds)
    public let commitFailures = Counter(label: "hj212_commit_failures_total")
    public let junkBytes = Counter(label: "hj212_junk_bytes_total")
    public let rejectsDropped = Counter(label: "hj212_rejects_dropped_total")
    public let incompleteSplits = Counter(label: "hj212_split_packets_incomplete_total")

    /// One counter per frame result, made once rather than looked up on every frame.
    private let frameCounters: [String: Counter]

    public init() {
        var counters: [String: Counter] = [:]
        for result in ["acked", "stored", "duplicate", "rejected", "heartbeat", "answer", "other"] {
            counters[result] = Counter(label: "hj212_frames_total", dimensions: [("result", result)])
        }
        frameCounters = counters
    }

    /// Frames by result: `acked`, `stored` (no answer wanted), `duplicate`, `rejected`,
    /// `heartbeat`, `answer`, `other`.
    public func frame(_ result: String) {
        (frameCounters[result] ?? Counter(label: "hj212_frames_total", dimensions: [("result", result)])).increment()
    }

    /// Rejects by reason code.
    public func reject(_ reason: String) {
        Counter(label: "hj212_rejects_total", dimensions: [("reason", reason)]).increment()
    }
}
