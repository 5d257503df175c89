import HJ212
@testable import LoadGenerator
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes the one frame in `bytes`.
private func decodeOne(_ bytes: [UInt8]) -> Packet? {
    var scanner = FrameScanner()
    scanner.append(bytes)
    guard case .frame(let frame) = scanner.next(endOfInput: true) else { return nil }
    return PacketDecoder.decode(frame)
}

@Suite("frame template")
struct FrameTemplateTests {
    let template = FrameTemplate(
        mnLength: 24, password: "123456", readings: FrameTemplate.cemsReadings(count: 10),
        firstDataTime: LocalDateTime(year: 2026, month: 11, day: 28, hour: 8))

    @Test("patched frames decode with a valid CRC and the intended MN, QN and DataTime",
          arguments: [0, 1, 59, 999, 1000, 59_999, 1_440, 3_599_999, 86_399_999])
    func patchedFramesDecode(sequence: Int) throws {
        let mn = "LOADTEST0000000000000042"
        let bytes = template.frame(mn: mn, sequence: sequence)
        #expect(bytes.count == template.frameSize)
        let packet = try #require(decodeOne(bytes))
        #expect(packet.crc.matched == .hj212, "CRC \(packet.crc.sent) should match the HJ 212 CRC")
        #expect(packet.isAccepted, "problems: \(packet.problems.map(\.message))")
        #expect(packet.header.mn == mn)
        #expect(packet.header.pw == "123456")
        #expect(packet.header.cn == "2051")
        #expect(packet.edition == .hj2017)
        #expect(packet.header.flag?.answerWanted == true)
        let qn = template.qn(forSequence: sequence)
        #expect(packet.header.qn == qn)
        #expect(qn.count == 17)
        #expect(LocalDateTime(hj212: qn) != nil, "the QN \(qn) should read as a time")
        #expect(FrameTemplate.sequence(fromQN: qn) == sequence)
        let expectedTime = LocalDateTime(year: 2026, month: 11, day: 28, hour: 8).adding(seconds: Int64(sequence) * 60)
        #expect(packet.content.dataTime == expectedTime)
        #expect(template.dataTime(forSequence: sequence) == expectedTime)
        #expect(packet.content.kind == .minute)
        #expect(packet.content.readings.count == 10)
        #expect(packet.content.readings.allSatisfy { $0.flag == .normal && $0.avg != nil && $0.min != nil && $0.max != nil })
    }

    @Test("the CEMS set has ten distinct pollutants and stays within the standard's 1024-byte segment")
    func cemsSet() {
        let readings = FrameTemplate.cemsReadings(count: 10)
        #expect(Set(readings.map(\.code)) == [
            "a34013", "a21026", "a21002", "a19001", "a00000", "a01011", "a01012", "a01013", "a01014", "a21005",
        ])
        #expect(template.frameSize - 12 <= 1024)
    }

    @Test("successive frames of one device differ in QN and DataTime only")
    func successiveFrames() throws {
        let first = try #require(decodeOne(template.frame(mn: "LOADTEST0000000000000001", sequence: 7)))
        let second = try #require(decodeOne(template.frame(mn: "LOADTEST0000000000000001", sequence: 8)))
        #expect(first.header.qn != second.header.qn)
        #expect(first.content.dataTime != second.content.dataTime)
        #expect(first.content.readings == second.content.readings)
    }

    @Test("QNs not written by the generator are not mistaken for sequences")
    func foreignQN() {
        #expect(FrameTemplate.sequence(fromQN: "20261128086100000") == nil)  // minute 61
        #expect(FrameTemplate.sequence(fromQN: "2026112808000000") == nil)  // 16 digits
        #expect(FrameTemplate.sequence(fromQN: "2026112808000000x") == nil)
    }
}

@Suite("minimal ack server")
struct MinimalAckServerTests {
    @Test("its answer is a valid 9014 with the upload's QN")
    func answerDecodes() throws {
        let template = FrameTemplate(mnLength: 24, readings: FrameTemplate.cemsReadings(count: 3))
        let upload = template.frame(mn: "LOADTEST0000000000000005", sequence: 4321)
        let answer = try #require(MinimalAckServer.answer(to: upload))
        let packet = try #require(decodeOne(answer))
        #expect(packet.crc.matched == .hj212)
        #expect(packet.header.cn == "9014")
        #expect(packet.header.st == "91")
        #expect(packet.header.qn == template.qn(forSequence: 4321))
        #expect(packet.header.mn == "LOADTEST0000000000000005")
        #expect(packet.header.flag?.answerWanted == false)
    }
}

@Suite("load generator on loopback", .serialized)
struct LoadGeneratorRunTests {
    @Test("closed loop: every frame is acknowledged and the counts agree")
    func closedLoop() async throws {
        let server = try await MinimalAckServer.start(threads: 1)
        let plan = LoadPlan(
            port: server.port, connections: 4, window: 2, duration: .seconds(60), maxFrames: 500, mnPrefix: "TESTC",
            threads: 1)
        let report = try await LoadGenerator.run(plan)
        try await server.close()

        #expect(report.connectionsOpened == 4)
        #expect(report.framesSent == 500)
        #expect(report.framesAcknowledged == 500)
        #expect(report.errorCount == 0, "\(report.summary())")
        #expect(report.latency.totalCount == 500)
        #expect(report.p50 != nil && report.p999 != nil && report.maxLatency != nil)
        #expect(report.p50! <= report.p99! && report.p99! <= report.maxLatency!)
        #expect(report.readingsPerFrame == 10)
        #expect(report.readingsPerSecond == report.ackedFramesPerSecond * 10)
        #expect(report.summary().contains("500 acknowledged"))
        // Every answer is in one second of the run, and no second has a slower one than the run.
        #expect(report.seconds.reduce(0) { $0 + $1.answers } == 500)
        // (The histogram keeps three significant digits, the seconds the exact value.)
        let slowest = try #require(report.seconds.map(\.maxMicros).max())
        let maxLatency = try #require(report.maxLatency)
        #expect(abs(Int(slowest) - Int(maxLatency)) <= Int(maxLatency) / 1_000 + 1)
    }

    @Test("open loop: frames fall due at a rate and are all acknowledged")
    func openLoop() async throws {
        let server = try await MinimalAckServer.start(threads: 1)
        let plan = LoadPlan(
            port: server.port, connections: 3, window: 4, rate: 5_000, duration: .seconds(60), maxFrames: 300,
            mnPrefix: "TESTO", readingsPerFrame: 5, threads: 1)
        let report = try await LoadGenerator.run(plan)
        try await server.close()

        #expect(report.framesSent == 300)
        #expect(report.framesAcknowledged == 300)
        #expect(report.framesDueNotSent == 0)
        #expect(report.errorCount == 0, "\(report.summary())")
        #expect(report.latency.totalCount == 300)
    }

    @Test("the callback runs while the connections are still open")
    func whileConnected() async throws {
        let server = try await MinimalAckServer.start(threads: 1)
        let plan = LoadPlan(port: server.port, connections: 5, duration: .seconds(60), maxFrames: 5, threads: 1)
        let called = Flag()
        let report = try await LoadGenerator.run(plan, whileConnected: { await called.set() })
        try await server.close()
        #expect(await called.value)
        #expect(report.framesAcknowledged == 5)
        #expect(report.disconnects == 0)
    }

    @Test("an invalid plan is refused before connecting")
    func invalidPlan() async {
        await #expect(throws: LoadGeneratorError.self) {
            _ = try await LoadGenerator.run(LoadPlan(port: 1, connections: 0))
        }
    }

    @Test("nothing listening: the run fails with the connection error")
    func refused() async throws {
        let silent = try SilentListener()
        let port = silent.port
        silent.close()
        await #expect(throws: LoadGeneratorError.self) {
            _ = try await LoadGenerator.run(LoadPlan(port: port, connections: 2, maxFrames: 2, threads: 1))
        }
    }

    @Test("a server that never answers: every frame sent counts as a timeout")
    func unanswered() async throws {
        let silent = try SilentListener()
        defer { silent.close() }
        let plan = LoadPlan(
            port: silent.port, connections: 2, window: 2, duration: .milliseconds(200), maxFrames: 4,
            drainTimeout: .milliseconds(200), threads: 1)
        let report = try await LoadGenerator.run(plan)
        #expect(report.connectionsOpened == 2)
        #expect(report.framesSent == 4)
        #expect(report.framesAcknowledged == 0)
        #expect(report.timeouts == 4)
        #expect(report.latency.totalCount == 0)
        #expect(report.p99 == nil)
    }

    @Test("MNs have a fixed width and are distinct")
    func mns() {
        let plan = LoadPlan(port: 1, connections: 12, mnPrefix: "BENCH")
        #expect(plan.mn(for: 0) == "BENCH0000000000000000000")
        #expect(plan.mn(for: 11) == "BENCH0000000000000000011")
        #expect(Set(plan.mns).count == 12)
        #expect(plan.mns.allSatisfy { $0.count == 24 })
    }
}

private actor Flag {
    private(set) var value = false
    func set() { value = true }
}

/// A loopback socket that listens but never accepts: connections complete in the kernel and
/// nothing is ever answered.
private final class SilentListener: Sendable {
    let descriptor: Int32
    let port: Int

    init() throws {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw LoadGeneratorError("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            closeDescriptor(fd)
            throw LoadGeneratorError("bind/listen failed")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() {
        closeDescriptor(descriptor)
    }
}

private func closeDescriptor(_ descriptor: Int32) {
    #if canImport(Glibc)
    _ = Glibc.close(descriptor)
    #else
    _ = Darwin.close(descriptor)
    #endif
}

@Suite("answers by second of a run")
struct SecondOfRunTests {
    @Test("a second counts its answers, those over 50 ms, and its slowest")
    func counts() {
        var second = SecondOfRun()
        for micros: UInt64 in [900, 50_000, 50_001, 120_000] { second.record(micros) }
        #expect(second.answers == 4)
        #expect(second.slow == 2)
        #expect(second.maxMicros == 120_000)
    }

    @Test("the loops' seconds add up second by second, however many each loop saw")
    func adds() {
        var total: [SecondOfRun] = []
        var a = SecondOfRun()
        a.record(60_000)
        var b = SecondOfRun()
        b.record(1_000)
        SecondOfRun.add([a], to: &total)
        SecondOfRun.add([b, a, b], to: &total)
        #expect(total.map(\.answers) == [2, 1, 1])
        #expect(total.map(\.slow) == [1, 1, 0])
        #expect(total.map(\.maxMicros) == [60_000, 60_000, 1_000])
    }
}
