import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import NIOPosix
import Prometheus
import PublicHTTP
import Testing

/// `/metrics` and `/health` on a real loopback port.
@Suite("http front")
struct HTTPFrontTests {
    /// A bare HTTP/1.1 GET over TCP, returning the status line and body.
    static func get(_ path: String, port: Int) async throws -> (status: String, headers: String, body: String) {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        var received = ""
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: "GET \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
            for try await buffer in inbound { received += String(buffer: buffer) }
        }
        let parts = received.components(separatedBy: "\r\n\r\n")
        let head = parts.first ?? ""
        return (head.components(separatedBy: "\r\n").first ?? "", head, parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    @Test("/metrics serves Prometheus text with the gateway's counters; /health says ok")
    func metricsAndHealth() async throws {
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        factory.makeCounter(label: "hj212_frames_total", dimensions: [("result", "acked")]).increment(by: 3)
        var logger = Logger(label: "test.http")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = HTTPFront.application(
            host: "127.0.0.1", port: 0, registry: registry, logger: logger,
            health: { .init(ok: true, detail: "store reachable") },
            onRunning: { continuation.yield($0) })
        let server = Task { try await app.runService() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())

        let metrics = try await Self.get("/metrics", port: port)
        #expect(metrics.status.contains("200"))
        #expect(metrics.headers.lowercased().contains("content-type: text/plain"))
        #expect(metrics.body.contains(#"hj212_frames_total{result="acked"} 3"#))

        let health = try await Self.get("/health", port: port)
        #expect(health.status.contains("200"))
        #expect(health.body.hasPrefix("ok"))

        // Read-only: nothing answers a write.
        let missing = try await Self.get("/config", port: port)
        #expect(missing.status.contains("404"))
        server.cancel()
    }
}
