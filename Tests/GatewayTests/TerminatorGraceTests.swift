import Foundation
import Gateway
import HJ212
import Store
import Testing

/// Frames that arrive without CR LF, over real loopback TCP: a whole frame is taken after a short
/// grace and answered; a frame still missing bytes keeps waiting for them.
@Suite("frames without a terminator", .serialized)
struct TerminatorGraceTests {
    @Test("a whole frame without CR LF is answered after the grace, though nothing follows it")
    func unterminatedFrameIsAnswered() async throws {
        let gateway = try await TestGateway()
        let device = try await DeviceConnection(port: gateway.port)
        let frame = Frames.upload(qn: "20261128080000501")
        #expect(frame.suffix(2) == Array("\r\n".utf8))
        try await device.send(Array(frame.dropLast(2)))
        let ack = try #require(try await device.nextFrame(timeout: .seconds(5)))
        #expect(ack.header.cn == "9014")
        #expect(ack.header.qn == "20261128080000501")
        #expect(try await gateway.store.frameStored(mn: TestGateway.mn2017, qn: "20261128080000501"))
        // The next frame, sent properly, is read as usual.
        try await device.send(Frames.upload(qn: "20261128080000502", time: LocalDateTime(year: 2026, month: 11, day: 28, hour: 8, minute: 1)))
        let second = try #require(try await device.nextFrame(timeout: .seconds(5)))
        #expect(second.header.qn == "20261128080000502")
        await device.close()
        await gateway.stop()
    }

    @Test("a frame cut in two by a pause longer than the grace is still read whole")
    func pauseInsideFrameDoesNotCutIt() async throws {
        let gateway = try await TestGateway()
        let device = try await DeviceConnection(port: gateway.port)
        let frame = Frames.upload(qn: "20261128080000503")
        let cut = frame.count / 2
        try await device.send(Array(frame[..<cut]))
        // Well past the 300 ms grace: the bytes held are not a whole frame, so they wait.
        try await Task.sleep(for: .milliseconds(900))
        try await device.send(Array(frame[cut...]))
        let ack = try #require(try await device.nextFrame(timeout: .seconds(5)))
        #expect(ack.header.qn == "20261128080000503")
        let rejects = try await gateway.store.rejects(RejectQuery())
        #expect(rejects.isEmpty)
        await device.close()
        await gateway.stop()
    }
}
