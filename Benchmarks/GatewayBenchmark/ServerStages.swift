import Foundation
import LoadGenerator

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Where the gateway's acknowledgements spent their time in a run, read from its own `/metrics`
/// before it stops: the wait for a commit, the commit, and the wait for the event loop to write
/// the answer. The load generator sees only the sum (plus the network and its own scheduling);
/// these stages say which part of the server a slow p99 comes from.
struct ServerStages {
    struct Stage {
        var title: String
        var count: Int
        var meanMillis: Double
        /// The upper bound of the histogram bucket that holds the 99th percentile (nil above the last).
        var p99AtMostMillis: Double?
    }

    var stages: [Stage]
    var meanBatchFrames: Double?

    /// The metrics read, with the title each stage is printed under.
    static let timers: [(metric: String, title: String)] = [
        ("hj212_commit_wait_seconds", "queued until its batch's commit began (per batch, oldest frame)"),
        ("hj212_commit_latency_seconds", "commit (per batch)"),
        ("hj212_ack_latency_seconds", "handed in until committed and released (per frame)"),
        ("hj212_answer_write_delay_seconds", "released until written by the event loop (per write)"),
    ]

    /// Reads `http://127.0.0.1:port/metrics`; nil when it cannot be read.
    static func scrape(port: Int) -> ServerStages? {
        guard let url = URL(string: "http://127.0.0.1:\(port)/metrics"),
              let data = try? Data(contentsOf: url),
              let text = String(data: data, encoding: .utf8)
        else { return nil }
        return parse(text)
    }

    /// Reads the stage timers from Prometheus text.
    static func parse(_ text: String) -> ServerStages {
        var values: [String: Double] = [:]
        var buckets: [String: [(le: Double, count: Double)]] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            guard parts.count >= 2, let value = Double(parts[parts.count - 1]) else { continue }
            let name = String(parts[0])
            if let brace = name.firstIndex(of: "{"), name[..<brace].hasSuffix("_bucket"),
               let le = name.range(of: #"le="([^"]+)""#, options: .regularExpression) {
                let bound = name[le].dropFirst(4).dropLast()
                let metric = String(name[..<brace].dropLast("_bucket".count))
                buckets[metric, default: []].append((bound == "+Inf" ? .infinity : Double(bound) ?? .infinity, value))
            } else {
                values[name] = value
            }
        }
        var stages: [Stage] = []
        for (metric, title) in timers {
            guard let count = values["\(metric)_count"], count > 0, let sum = values["\(metric)_sum"] else { continue }
            let sorted = (buckets[metric] ?? []).sorted { $0.le < $1.le }
            let p99 = sorted.first { $0.count >= 0.99 * count }.map(\.le)
            stages.append(Stage(
                title: title, count: Int(count), meanMillis: sum / count * 1000,
                p99AtMostMillis: p99.flatMap { $0.isFinite ? $0 * 1000 : nil }))
        }
        var meanBatch: Double?
        if let count = values["hj212_batch_frames_count"], count > 0, let sum = values["hj212_batch_frames_sum"] {
            meanBatch = sum / count
        }
        return ServerStages(stages: stages, meanBatchFrames: meanBatch)
    }

    /// One line per stage.
    var lines: [String] {
        var lines = stages.map { stage in
            let p99 = stage.p99AtMostMillis.map { "p99 ≤ \(LoadReport.fixed($0, 0)) ms" } ?? "p99 above the last bucket"
            return "server stage: \(stage.title): mean \(LoadReport.fixed(stage.meanMillis, 1)) ms, \(p99) (\(stage.count))"
        }
        if let meanBatchFrames { lines.append("server stage: mean batch \(LoadReport.fixed(meanBatchFrames, 0)) frames") }
        return lines
    }
}
