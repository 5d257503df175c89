import Gateway
import HJ212
import MetricsTestKit
import Store
import Testing

/// The stages of an acknowledgement's time, as the gateway records them for `/metrics`.
@Suite("ack stage metrics over TCP", .serialized)
struct StageMetricsTests {
    @Test("an acknowledged upload records its commit wait, its commit, its ack latency and its answer write delay")
    func stagesRecorded() async throws {
        let factory = TestMetrics()
        let metrics = GatewayMetrics(factory: factory)
        // A 50 ms gathering delay: the frame waits in the queue at least that long before its commit.
        let gateway = try await TestGateway(batch: .init(maxFrames: 64, maxDelayMillis: 50), metrics: metrics)
        let device = try await DeviceConnection(port: gateway.port)
        try await device.send(Frames.upload(qn: "20261129080000123"))
        let ack = try #require(try await device.nextFrame())
        #expect(ack.header.cn == "9014")

        let wait = try factory.expectTimer(metrics.commitWait)
        let commit = try factory.expectTimer(metrics.commitLatency)
        let ackLatency = try factory.expectTimer(metrics.ackLatency)
        let writeDelay = try factory.expectTimer(metrics.answerWriteDelay)
        #expect(wait.values.count == 1)
        #expect(wait.values.allSatisfy { $0 >= 45_000_000 })
        #expect(commit.values.count == 1)
        #expect(ackLatency.values.count == 1)
        // Handed in until released covers the wait and the commit.
        #expect((ackLatency.values.first ?? 0) >= (wait.values.first ?? 0) + (commit.values.first ?? 0))
        #expect(writeDelay.values.count == 1)
        #expect(writeDelay.values.allSatisfy { $0 >= 0 })
        #expect(try factory.expectCounter("hj212_frames_total", [("result", "acked")]).totalValue == 1)
        await device.close()
        await gateway.stop()
    }
}
