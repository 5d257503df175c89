import Histogram

/// What a load run measured.
///
/// Rates are over ``elapsedSeconds``: from the moment sending started to the last answer.
/// Latency is from sending a frame (closed loop) or from the moment it fell due (open loop) to
/// reading its 9014, in microseconds, in an HdrHistogram with three significant digits.
public struct LoadReport: Sendable {
    public var plan: LoadPlan
    /// Connections that opened, and attempts that failed.
    public var connectionsOpened: Int
    public var connectFailures: Int
    /// Seconds spent opening the connections (before the measured run).
    public var connectSeconds: Double

    public var framesSent: Int
    public var framesAcknowledged: Int
    public var readingsPerFrame: Int
    /// Bytes of one upload frame on the wire.
    public var frameBytes: Int
    public var elapsedSeconds: Double

    /// Frames still unanswered when the drain timeout expired.
    public var timeouts: Int
    /// Connections closed by the peer (or by an error) before the generator closed them.
    public var disconnects: Int
    /// Frames in flight on connections that were lost.
    public var lostInFlight: Int
    /// Answers that were not a 9014 matching a frame in flight, or came after the drain timeout
    /// (those frames are already counted in ``timeouts``).
    public var unexpectedReplies: Int
    /// Answer bytes that could not be framed.
    public var malformedReplies: Int
    /// Open loop: frames that fell due but were never sent (the window stayed full, or the
    /// connection was gone). Zero when the target rate was offered in full.
    public var framesDueNotSent: Int
    /// Channel errors by description.
    public var errors: [String: Int]
    /// The first connection error, if any attempt failed.
    public var firstConnectError: String?

    /// Ack latency in microseconds.
    public var latency: Histogram<UInt64>
    /// Answers by second of the run, from the start of sending: shows whether slow answers
    /// come in episodes or all along.
    public var seconds: [SecondOfRun] = []

    public var ackedFramesPerSecond: Double { elapsedSeconds > 0 ? Double(framesAcknowledged) / elapsedSeconds : 0 }
    public var readingsPerSecond: Double { ackedFramesPerSecond * Double(readingsPerFrame) }

    /// The latency at `percentile` (0–100), in microseconds; nil when nothing was answered.
    public func latencyMicroseconds(atPercentile percentile: Double) -> UInt64? {
        latency.totalCount == 0 ? nil : latency.valueAtPercentile(percentile)
    }

    public var p50: UInt64? { latencyMicroseconds(atPercentile: 50) }
    public var p90: UInt64? { latencyMicroseconds(atPercentile: 90) }
    public var p99: UInt64? { latencyMicroseconds(atPercentile: 99) }
    public var p999: UInt64? { latencyMicroseconds(atPercentile: 99.9) }
    public var maxLatency: UInt64? { latency.totalCount == 0 ? nil : latency.max }

    /// Every error counter added up; zero for a clean run.
    public var errorCount: Int {
        timeouts + disconnects + lostInFlight + unexpectedReplies + malformedReplies + connectFailures
            + errors.values.reduce(0, +)
    }

    /// A few lines for people.
    public func summary() -> String {
        let mode = plan.rate.map { "open loop at \($0) frames/s" } ?? "closed loop"
        var lines: [String] = []
        lines.append(
            "load: \(plan.connections) connections to \(plan.host):\(plan.port), \(mode), window \(plan.window), "
                + "\(readingsPerFrame) readings/frame (\(frameBytes) bytes)")
        lines.append(
            "connections: \(connectionsOpened) opened, \(connectFailures) failed, in \(Self.fixed(connectSeconds, 2)) s"
                + (firstConnectError.map { " (first error: \($0))" } ?? ""))
        lines.append(
            "frames: \(framesSent) sent, \(framesAcknowledged) acknowledged in \(Self.fixed(elapsedSeconds, 2)) s")
        lines.append(
            "rate: \(Self.grouped(ackedFramesPerSecond)) acked frames/s, \(Self.grouped(readingsPerSecond)) readings/s")
        lines.append(
            "ack latency: p50 \(Self.millis(p50)), p90 \(Self.millis(p90)), p99 \(Self.millis(p99)), "
                + "p99.9 \(Self.millis(p999)), max \(Self.millis(maxLatency))")
        var problems = [
            "timeouts \(timeouts)", "disconnects \(disconnects)", "lost in flight \(lostInFlight)",
            "unexpected replies \(unexpectedReplies)", "malformed replies \(malformedReplies)",
        ]
        if plan.rate != nil { problems.append("due but not sent \(framesDueNotSent)") }
        for (error, count) in errors.sorted(by: { $0.value > $1.value }).prefix(3) { problems.append("\(error) ×\(count)") }
        lines.append("errors: " + problems.joined(separator: ", "))
        if seconds.count > 1 {
            let threshold = SecondOfRun.slowMicros / 1000
            lines.append(
                "answers over \(threshold) ms, by second of the run: "
                    + seconds.map { String($0.slow) }.joined(separator: " "))
            lines.append(
                "slowest answer, by second of the run (ms): "
                    + seconds.map { String(($0.maxMicros + 500) / 1000) }.joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }

    /// Microseconds as milliseconds with three decimals ("—" when nil).
    public static func millis(_ micros: UInt64?) -> String {
        guard let micros else { return "—" }
        return fixed(Double(micros) / 1000, 3) + " ms"
    }

    /// `value` with `places` decimals.
    public static func fixed(_ value: Double, _ places: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        var digits = String(UInt64(scaled))
        if places > 0 {
            if digits.count <= places { digits = String(repeating: "0", count: places - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -places))
        }
        return (value < 0 && scaled != 0 ? "-" : "") + digits
    }

    /// A whole number with thousands separators: 52,318.
    public static func grouped(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        let whole = Int(value.rounded())
        var text = String(abs(whole))
        var index = text.count - 3
        while index > 0 {
            text.insert(",", at: text.index(text.startIndex, offsetBy: index))
            index -= 3
        }
        return (whole < 0 ? "-" : "") + text
    }
}
