import Foundation
import Gateway
import HJ212
import Store
import Testing

/// A connection whose frames must wait (answer window full, commit queue full) parks them,
/// stops reading, and goes on in order once there is room: nothing is lost or reordered.
@Suite("gateway back-pressure", .serialized)
struct BackPressureTests {
    @Test("with a one-frame commit queue and a one-answer window, 60 frames in one write are all stored and answered in order")
    func tinyQueueAndWindow() async throws {
        var settings = GatewaySettings()
        settings.pipelineDepth = 1
        let gateway = try await TestGateway(settings: settings, batch: .init(maxFrames: 1, maxDelayMillis: 0, capacity: 1))
        let device = try await DeviceConnection(port: gateway.port)
        var bytes: [UInt8] = []
        for index in 0..<60 {
            // Every third upload asks for no answer: it waits only for room in the queue.
            bytes += Frames.upload(qn: Frames.qn(index), time: Frames.time.adding(seconds: Int64(index) * 60), answer: index % 3 != 2)
        }
        try await device.send(bytes)
        var qns: [String] = []
        for _ in 0..<40 {
            let ack = try #require(try await device.nextFrame())
            #expect(ack.header.cn == "9014")
            qns.append(ack.header.qn ?? "")
        }
        #expect(qns == (0..<60).filter { $0 % 3 != 2 }.map(Frames.qn))
        // The unanswered uploads are stored too; wait for the last commit to land.
        var readings = 0
        for _ in 0..<100 {
            readings = try await gateway.store.counts().readings
            if readings == 180 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(readings == 180)
        await device.close()
        await gateway.stop()
    }

    @Test("a second connection keeps being served while the first one's frames wait for room")
    func otherConnectionsGoOn() async throws {
        var settings = GatewaySettings()
        settings.pipelineDepth = 1
        let gateway = try await TestGateway(settings: settings, batch: .init(maxFrames: 2, maxDelayMillis: 0, capacity: 2))
        let busy = try await DeviceConnection(port: gateway.port)
        let other = try await DeviceConnection(port: gateway.port)
        var bytes: [UInt8] = []
        for index in 0..<50 {
            bytes += Frames.upload(qn: Frames.qn(index), time: Frames.time.adding(seconds: Int64(index) * 60))
        }
        try await busy.send(bytes)
        try await other.send(Frames.upload(mn: TestGateway.mn2005, edition: .hj2005, qn: nil, time: Frames.time, answer: true))
        let answer = try #require(try await other.nextFrame())
        #expect(answer.header.cn == "9014")
        for index in 0..<50 {
            let ack = try #require(try await busy.nextFrame())
            #expect(ack.header.qn == Frames.qn(index))
        }
        await busy.close()
        await other.close()
        await gateway.stop()
    }
}
