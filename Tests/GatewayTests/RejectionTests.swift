import Foundation
import Gateway
import HJ212
import Store
import Testing

/// What is not accepted is not acknowledged, and is kept with its reason.
@Suite("gateway rejects and bounds", .serialized)
struct RejectionTests {
    func waitForRejects(_ store: SQLiteStore, count: Int) async throws -> [StoredReject] {
        for _ in 0..<200 {
            let rejects = try await store.rejects(RejectQuery())
            if rejects.count >= count { return rejects }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await store.rejects(RejectQuery())
    }

    @Test("bad CRC, wrong password and unknown MN are refused, each with its reason")
    func refusals() async throws {
        let gateway = try await TestGateway()
        let device = try await DeviceConnection(port: gateway.port)
        var badCRC = Frames.upload(qn: "20261128080000401")
        let crcAt = badCRC.count - 6
        badCRC[crcAt] = badCRC[crcAt] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        try await device.send(badCRC)
        try await device.send(Frames.upload(password: "999999", qn: "20261128080000402"))
        try await device.send(Frames.upload(mn: "FFFF00000000000000000000", qn: "20261128080000403"))
        #expect(try await device.nextFrame(timeout: .milliseconds(800)) == nil)
        let rejects = try await waitForRejects(gateway.store, count: 3)
        #expect(rejects.map(\.record.reason) == ["crc_mismatch", "wrong_password", "unknown_mn"])
        #expect(rejects[0].record.raw == badCRC.dropLast(2).map { $0 })
        #expect(rejects.allSatisfy { !$0.record.detail.isEmpty })
        #expect(try await gateway.store.counts().readings == 0)
        await device.close()
        await gateway.stop()
    }

    @Test("a source that keeps sending wrong passwords is blocked")
    func passwordGuessing() async throws {
        let gateway = try await TestGateway(access: .init(badPasswordThreshold: 3, badPasswordWindowSeconds: 60, blockSeconds: 60))
        let device = try await DeviceConnection(port: gateway.port)
        for index in 0..<3 {
            try await device.send(Frames.upload(password: "00000\(index)", qn: Frames.qn(500 + index)))
        }
        #expect(try await device.waitForClose(timeout: .seconds(10)))
        // Blocked: a new connection from the same address is closed at once.
        let again = try await DeviceConnection(port: gateway.port)
        #expect(try await again.waitForClose(timeout: .seconds(3)))
        await gateway.stop()
    }

    @Test("a 1 MB junk flood is skipped and the connection closed; the gateway keeps serving")
    func junkFlood() async throws {
        let gateway = try await TestGateway()
        let flooder = try await DeviceConnection(port: gateway.port)
        var junk = [UInt8](repeating: 0, count: 1 << 20)
        var state: UInt64 = 42
        for index in junk.indices {
            state = state &* 6_364_136_223_846_793_005 &+ 1
            junk[index] = UInt8(truncatingIfNeeded: state >> 33)
        }
        try? await flooder.send(junk)
        #expect(try await flooder.waitForClose(timeout: .seconds(10)))
        let device = try await DeviceConnection(port: gateway.port)
        try await device.send(Frames.upload(qn: "20261128080000601"))
        #expect(try await device.nextFrame()?.header.cn == "9014")
        await device.close()
        await gateway.stop()
    }

    @Test("a slow-loris connection that never completes a frame is closed")
    func slowLoris() async throws {
        let gateway = try await TestGateway(settings: GatewaySettings(noValidFrameSeconds: 1))
        let device = try await DeviceConnection(port: gateway.port)
        let frame = Frames.upload(qn: "20261128080000701")
        var closed = false
        for byte in frame.prefix(40) {
            try? await device.send([byte])
            try await Task.sleep(for: .milliseconds(100))
            if try await device.waitForClose(timeout: .milliseconds(1)) { closed = true; break }
        }
        if !closed { closed = try await device.waitForClose(timeout: .seconds(5)) }
        #expect(closed)
        await gateway.stop()
    }

    @Test("connections over the per-address limit are refused")
    func perAddressLimit() async throws {
        let gateway = try await TestGateway(access: .init(maxConnectionsPerIP: 2))
        let first = try await DeviceConnection(port: gateway.port)
        let second = try await DeviceConnection(port: gateway.port)
        try await first.send(Frames.upload(qn: Frames.qn(801)))
        _ = try await first.nextFrame()
        try await second.send(Frames.upload(qn: Frames.qn(802)))
        _ = try await second.nextFrame()
        let third = try await DeviceConnection(port: gateway.port)
        #expect(try await third.waitForClose(timeout: .seconds(5)))
        await first.close()
        await second.close()
        await gateway.stop()
    }
}

/// Onboarding: with `unregistered: accept`, an unknown device's data is kept (it shows as pending).
@Suite("gateway onboarding")
struct OnboardingTests {
    @Test("an unregistered MN is stored and answered when the gateway accepts unregistered devices")
    func acceptUnregistered() async throws {
        let gateway = try await TestGateway(settings: GatewaySettings(acceptUnregistered: true))
        let device = try await DeviceConnection(port: gateway.port)
        let mn = "NEW0000000000000000000001"
        try await device.send(Frames.upload(mn: mn, password: "anything", qn: "20261128080000901"))
        let ack = try #require(try await device.nextFrame())
        #expect(ack.header.cn == "9014")
        #expect(try await gateway.store.readings(ReadingQuery(mn: mn)).count == 3)
        #expect(try await gateway.store.rejects(RejectQuery()).isEmpty)
        await device.close()
        await gateway.stop()
    }
}
