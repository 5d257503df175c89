import Foundation
import Gateway
import HJ212
import Store
import Testing

/// Uploads over real loopback TCP: stored before acknowledged, exactly once, in every edition.
@Suite("gateway ingest over TCP", .serialized)
struct IngestTests {
    @Test("a 2017 upload is acknowledged with 9014 only after its readings are in the database")
    func ack2017() async throws {
        let gateway = try await TestGateway()
        let device = try await DeviceConnection(port: gateway.port)
        try await device.send(Frames.upload(qn: "20261128080000123"))
        let ack = try #require(try await device.nextFrame())
        // The ack has been read: the readings must already be durable.
        let stored = try await gateway.store.readings(ReadingQuery(mn: TestGateway.mn2017))
        #expect(stored.count == 3)
        #expect(ack.header.cn == "9014")
        #expect(ack.header.qn == "20261128080000123")
        #expect(ack.header.st == "91")
        #expect(ack.header.flag?.rawValue == 4)
        #expect(ack.dataArea.isEmpty)
        #expect(try await gateway.store.frameStored(mn: TestGateway.mn2017, qn: "20261128080000123"))
        await device.close()
        await gateway.stop()
    }

    @Test("a 2025 SM4 upload is decrypted with the device's key and answered with Flag=8")
    func ack2025() async throws {
        let gateway = try await TestGateway()
        let device = try await DeviceConnection(port: gateway.port)
        try await device.send(Frames.upload(mn: TestGateway.mn2025, password: "654321", edition: .hj2025, key: TestGateway.key, backfill: true))
        let ack = try #require(try await device.nextFrame())
        #expect(ack.header.cn == "9014")
        #expect(ack.header.flag?.rawValue == 8)
        let stored = try await gateway.store.readings(ReadingQuery(mn: TestGateway.mn2025))
        #expect(stored.count == 3)
        #expect(stored.allSatisfy { $0.backfill == .rf && $0.edition == .hj2025 })
        #expect(stored.first { $0.reading.code == "a21026" }?.reading.avg == 10)
        await device.close()
        await gateway.stop()
    }

    @Test("a 2005 upload with old codes is stored under current codes; without the A bit it gets no answer")
    func store2005() async throws {
        let gateway = try await TestGateway()
        let device = try await DeviceConnection(port: gateway.port)
        var reading = Reading(code: "011")
        reading.rtd = 231
        reading.flag = .normal
        try await device.send(Frames.upload(
            mn: TestGateway.mn2005, edition: .hj2005, qn: nil, kind: .realtime, readings: [reading], answer: false, st: "32"))
        #expect(try await device.nextFrame(timeout: .milliseconds(600)) == nil)
        var stored: [StoredReading] = []
        for _ in 0..<100 where stored.isEmpty {
            stored = try await gateway.store.readings(ReadingQuery(mn: TestGateway.mn2005))
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(stored.count == 1)
        #expect(stored.first?.reading.code == "w01018")
        #expect(stored.first?.reading.rawCode == "011")
        #expect(stored.first?.edition == .hj2005)
        await device.close()
        await gateway.stop()
    }

    @Test("a 2005 upload that sets the A bit is answered the 2005 way, QN inside CP")
    func ack2005() async throws {
        let gateway = try await TestGateway()
        let device = try await DeviceConnection(port: gateway.port)
        try await device.send(Frames.upload(mn: TestGateway.mn2005, edition: .hj2005, qn: "20261128080000777", answer: true))
        let ack = try #require(try await device.nextFrame())
        #expect(ack.header.cn == "9014")
        #expect(ack.header.qn == nil)
        #expect(ack.dataArea["QN"] == "20261128080000777")
        await device.close()
        await gateway.stop()
    }

    @Test("a resend is acknowledged again and stored once")
    func resend() async throws {
        let gateway = try await TestGateway()
        let device = try await DeviceConnection(port: gateway.port)
        let frame = Frames.upload(qn: "20261128080000200")
        for _ in 0..<3 {
            try await device.send(frame)
            let ack = try #require(try await device.nextFrame())
            #expect(ack.header.qn == "20261128080000200")
        }
        // A resend with a new QN (devices often do that) is stored once too.
        try await device.send(Frames.upload(qn: "20261128080000201"))
        _ = try #require(try await device.nextFrame())
        let counts = try await gateway.store.counts()
        #expect(counts.readings == 3)
        await device.close()
        await gateway.stop()
    }

    @Test("frames split at every byte are each read and acknowledged")
    func everySplit() async throws {
        let gateway = try await TestGateway()
        let device = try await DeviceConnection(port: gateway.port)
        let frame = Frames.upload(qn: "20261128080000300", readings: Frames.readings(2))
        for split in 1..<frame.count {
            try await device.send(Array(frame[..<split]))
            try await device.send(Array(frame[split...]))
            let ack = try #require(try await device.nextFrame(), "no answer with the split at byte \(split)")
            #expect(ack.header.qn == "20261128080000300")
        }
        await device.close()
        await gateway.stop()
    }

    @Test("100 frames in one write get 100 answers, with junk between them skipped")
    func manyInOneWrite() async throws {
        let gateway = try await TestGateway()
        let device = try await DeviceConnection(port: gateway.port)
        var bytes: [UInt8] = []
        for index in 0..<100 {
            bytes += Frames.upload(qn: Frames.qn(index), time: Frames.time.adding(seconds: Int64(index) * 60))
            if index % 10 == 0 { bytes += Array("GET / HTTP/1.1\r\n\r\n".utf8) + [0x16, 0x03, 0x01, 0x02, 0x00] }
        }
        try await device.send(bytes)
        var qns: [String] = []
        for _ in 0..<100 {
            let ack = try #require(try await device.nextFrame())
            qns.append(ack.header.qn ?? "")
        }
        #expect(qns == (0..<100).map(Frames.qn))
        #expect(try await gateway.store.counts().readings == 300)
        await device.close()
        await gateway.stop()
    }
}
