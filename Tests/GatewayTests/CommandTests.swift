import Foundation
import Gateway
import HJ212
import Store
import Testing

/// Platform commands reach the device's connection; its 9011/9012 answers are recorded against
/// the command's QN, and the uploads a history request brings back are marked as such.
@Suite("gateway commands", .serialized)
struct CommandTests {
    @Test("a history request: 9011 and 9012 recorded against its QN, the data marked as a history answer")
    func historyRequest() async throws {
        let gateway = try await TestGateway()
        let device = try await DeviceConnection(port: gateway.port)
        // The device must have spoken first, so the gateway knows its connection.
        try await device.send(Frames.upload(qn: "20261128090000001"))
        _ = try #require(try await device.nextFrame())

        let begin = LocalDateTime(year: 2026, month: 11, day: 27, hour: 0)
        let end = LocalDateTime(year: 2026, month: 11, day: 27, hour: 23)
        let requestQN = "20261128091500123"
        let sent = await gateway.sessions.send(.history(.hour, begin: begin, end: end), to: TestGateway.mn2017, qn: requestQN)
        #expect(sent)
        let request = try #require(try await device.nextFrame())
        #expect(request.header.cn == "2061")
        #expect(request.header.qn == requestQN)
        #expect(request.header.flag?.answerWanted == true)
        #expect(request.dataArea["BeginTime"] == "20261127000000")

        // The device answers as the standard says: 9011, the data, 9012.
        let header = request.header
        try await device.send(Reply.requestAnswer(to: header, edition: .hj2017, qnRtn: .ready).encode())
        try await device.send(Frames.upload(qn: "20261128091501000", time: LocalDateTime(year: 2026, month: 11, day: 27, hour: 5), kind: .hour))
        let dataAck = try #require(try await device.nextFrame())
        #expect(dataAck.header.qn == "20261128091501000")
        try await device.send(Reply.executionResult(to: header, edition: .hj2017, exeRtn: .success).encode())

        var answers: [StoredCommandAnswer] = []
        for _ in 0..<200 where answers.count < 2 {
            answers = try await gateway.store.commandAnswers(mn: TestGateway.mn2017, qn: requestQN)
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(answers.map(\.cn) == ["9011", "9012"])
        #expect(answers.first?.detail?.contains("QnRtn=1") == true)
        let history = try await gateway.store.readings(ReadingQuery(mn: TestGateway.mn2017, kind: .hour))
        #expect(!history.isEmpty)
        #expect(history.allSatisfy { $0.backfill == .historyAnswer })
        let record = await gateway.sessions.record(qn: requestQN)
        #expect(record?.answers.count == 2)
        await device.close()
        await gateway.stop()
    }

    @Test("a device that is not connected cannot be sent a command")
    func notConnected() async throws {
        let gateway = try await TestGateway()
        let sent = await gateway.sessions.send(.getTime(polId: nil), to: TestGateway.mn2017, qn: "20261128091500124")
        #expect(!sent)
        await gateway.stop()
    }

    @Test("a 2025 heartbeat (9015) that asks for an answer gets 9013; the device counts as seen")
    func heartbeat() async throws {
        let gateway = try await TestGateway()
        let device = try await DeviceConnection(port: gateway.port)
        var header = Header(qn: "20261128091600000", st: "31", cn: "9015", pw: "654321", mn: TestGateway.mn2025)
        header.flag = PacketFlag(edition: .hj2025, answerWanted: true)
        try await device.send(OutgoingPacket(header: header).encode())
        let answer = try #require(try await device.nextFrame())
        #expect(answer.header.cn == "9013")
        #expect(answer.header.flag?.rawValue == 8)
        var seen: [DeviceActivity] = []
        for _ in 0..<200 where seen.isEmpty {
            seen = try await gateway.store.deviceActivity(dayStart: 0, until: Int64.max).filter { $0.mn == TestGateway.mn2025 }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(seen.first?.lastQN == "20261128091600000")
        await device.close()
        await gateway.stop()
    }
}
