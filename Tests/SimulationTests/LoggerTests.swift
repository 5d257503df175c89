import HJ212
@testable import Simulation
import Testing

/// The logger's protocol behaviour, driven by hand: no sockets, no clocks.
@Suite("logger behaviour")
struct LoggerTests {
    static let clock = SimulatedClock(start: Fixture.day, speed: 60)   // a wall second is a simulated minute
    static let key = SM4Key(hex: Fixture.key)!

    static func ack(_ packet: Packet, edition: Edition = .hj2017) -> [UInt8] {
        Reply.dataAck(to: packet.header, edition: edition).encode()
    }

    @Test("with the A bit it waits for 9014 and resends the same data after OverTime, then stops when answered")
    func resendAfterNoAck() throws {
        let device = try Fixture.device(extra: ["over_time: 10", "re_count: 3", "upload: [minute]"])
        var machine = DataLoggerMachine(device: device, clock: Self.clock, seed: 1)
        _ = machine.connected(wall: 0)
        let first = try #require(Fixture.packets(machine.tick(wall: 10.2)).first)
        #expect(first.header.cn == "2051" && first.header.flag?.answerWanted == true)
        #expect(Fixture.packets(machine.tick(wall: 15)).isEmpty)
        // No answer within OverTime: the same record again, with a new QN.
        let again = Fixture.packets(machine.tick(wall: 20.3)).filter { $0.content.dataTime == first.content.dataTime }
        #expect(again.count == 1)
        #expect(again[0].header.qn != first.header.qn)
        #expect(again[0].dataAreaBytes == first.dataAreaBytes)
        #expect(machine.stats.resends == 1)
        // Answering the resend ends it; the answer to the first QN is simply ignored.
        _ = machine.receive(Self.ack(again[0]) + Self.ack(first), wall: 21)
        #expect(machine.stats.acknowledged == 1)
        let later = Fixture.packets(machine.tick(wall: 40)).filter { $0.content.dataTime == first.content.dataTime }
        #expect(later.isEmpty)
    }

    @Test("after ReCount resends without an answer the record is back-filled later (RF=1 in 2025)")
    func giveUpThenBackfill() throws {
        let device = try Fixture.device(edition: "2025", extra: ["over_time: 1", "re_count: 2", "upload: [hour]", "heartbeat: off"])
        let clock = SimulatedClock(start: Fixture.day, speed: 3600)   // a wall second is a simulated hour
        var machine = DataLoggerMachine(device: device, clock: clock, seed: 1)
        _ = machine.connected(wall: 0)
        var sent: [Packet] = []
        var wall = 1.01
        sent += Fixture.packets(machine.tick(wall: wall), key: Self.key).filter { $0.content.dataTime == Fixture.day }
        for _ in 0..<3 {
            wall += 1.01
            sent += Fixture.packets(machine.tick(wall: wall), key: Self.key).filter { $0.content.dataTime == Fixture.day }
        }
        #expect(sent.count == 4)    // the first try, two resends, then the back-fill
        #expect(sent.prefix(3).allSatisfy { $0.header.rf == nil })
        #expect(sent[3].header.rf == "1")
        #expect(machine.stats.gaveUp == 1 && machine.stats.backfilled == 1)
    }

    @Test("while offline it buffers interval data and back-fills after reconnecting, with RF=1 in 2025, fresh data first")
    func backfillAfterReconnect() throws {
        let device = try Fixture.device(edition: "2025", extra: ["heartbeat: off"])
        var machine = DataLoggerMachine(device: device, clock: Self.clock, seed: 1)
        _ = machine.connected(wall: 0)
        let live = Fixture.packets(machine.tick(wall: 10.2), key: Self.key)
        #expect(live.contains { $0.header.cn == "2051" && $0.header.rf == nil })
        for packet in live where packet.header.flag?.answerWanted == true {
            _ = machine.receive(Self.ack(packet, edition: .hj2025), wall: 10.3)
        }
        machine.disconnected(wall: 11)
        // 50 simulated minutes offline: minute records are kept, real-time ones are lost.
        #expect(machine.tick(wall: 61).isEmpty)
        #expect(machine.stats.realtimeLost == 101)
        let reconnect = Fixture.packets(machine.connected(wall: 61.05), key: Self.key)
        let backfilled = reconnect.filter { $0.header.rf == "1" }
        #expect(backfilled.map(\.header.cn) == Array(repeating: "2051", count: 5) + ["2061"])
        #expect(backfilled.filter { $0.header.cn == "2051" }.map { $0.content.dataTime!.minute } == [10, 20, 30, 40, 50])
        #expect(backfilled.allSatisfy { $0.wasEncrypted && $0.isAccepted && $0.header.flag?.rawValue == 9 })
        // Fresh data (the 01:01 real-time sample) goes before the back-fill.
        let firstBackfill = reconnect.firstIndex { $0.header.rf == "1" }!
        #expect(reconnect.prefix(firstBackfill).contains { $0.header.cn == "2011" && $0.header.rf == nil })
        #expect(machine.stats.backfilled == 6)
    }

    @Test("a 2017 logger back-fills without RF; a 2005 logger sends old codes, no QN and no Flag")
    func editions() throws {
        var machine2017 = DataLoggerMachine(device: try Fixture.device(extra: ["upload: [minute]"]), clock: Self.clock, seed: 1)
        machine2017.disconnected(wall: 0)
        _ = machine2017.tick(wall: 20.5)
        let backfilled = Fixture.packets(machine2017.connected(wall: 20.6))
        #expect(backfilled.count == 2 && backfilled.allSatisfy { $0.header.rf == nil && $0.edition == .hj2017 })

        let device2005 = try Fixture.device(edition: "2005", medium: "water")
        var machine2005 = DataLoggerMachine(device: device2005, clock: Self.clock, seed: 1)
        _ = machine2005.connected(wall: 0)
        let frames = Fixture.frames(machine2005.tick(wall: 10.2))
        let text = String(decoding: frames[0].bytes, as: UTF8.self)
        #expect(text.contains("011-Rtd=") && text.contains("B01-Rtd="))
        #expect(!text.contains("QN=") && !text.contains(";Flag="))
        let minute = try #require(frames.map { PacketDecoder.decode($0) }.first { $0.header.cn == "2051" })
        #expect(minute.edition == .hj2005 && minute.isAccepted)
        #expect(minute.content.reading("w01018")?.rawCode == "011")
        #expect(machine2005.pendingCount == 0)   // nothing waits for a 9014
    }

    static func command(_ command: DownlinkCommand, qn: String = "20260301120000000", password: String = "123456", edition: Edition = .hj2017) -> [UInt8] {
        command.packet(qn: qn, st: "31", pw: password, mn: "530000000000000000000001", edition: edition).encode()
    }

    @Test("platform commands: 1011/1012 time, 1061–1064 intervals, 1000 timeouts — 9011, the answer, 9012")
    func commands() throws {
        var machine = DataLoggerMachine(device: try Fixture.device(extra: ["faults: {clock_skew: 60}"]), clock: Self.clock, seed: 1)
        _ = machine.connected(wall: 0)
        _ = machine.tick(wall: 5)

        let time = Fixture.packets(machine.receive(Self.command(.getTime(polId: nil)), wall: 5))
        #expect(time.map { $0.header.cn } == ["9011", "1011", "9012"])
        #expect(time.allSatisfy { $0.header.qn == "20260301120000000" })
        #expect(time[0].dataArea["QnRtn"] == "1" && time[2].dataArea["ExeRtn"] == "1")
        #expect(time[1].dataArea["SystemTime"] == "20260301000600")   // 00:05 plus a minute fast

        let set = Fixture.packets(machine.receive(Self.command(.setTime(LocalDateTime(year: 2026, month: 3, day: 1, hour: 0, minute: 5), polId: nil)), wall: 5))
        #expect(set.map { $0.header.cn } == ["9011", "9012"])
        #expect(machine.skew == 0)

        _ = machine.receive(Self.command(.setRealtimeInterval(seconds: 60)), wall: 5)
        _ = machine.receive(Self.command(.setMinuteInterval(minutes: 5)), wall: 5)
        let rtd = Fixture.packets(machine.receive(Self.command(.getRealtimeInterval), wall: 5))
        #expect(rtd[1].dataArea["RtdInterval"] == "60")
        let min = Fixture.packets(machine.receive(Self.command(.getMinuteInterval), wall: 5))
        #expect(min[1].dataArea["MinInterval"] == "5")
        let bad = Fixture.packets(machine.receive(Self.command(.setMinuteInterval(minutes: 7)), wall: 5))
        #expect(bad.map { $0.dataArea["QnRtn"] } == ["2"])

        _ = machine.receive(Self.command(.setTimeoutAndRetries(overTime: 7, reCount: 1)), wall: 5)
        #expect(machine.overTime == 7 && machine.reCount == 1)

        let wrong = Fixture.packets(machine.receive(Self.command(.getTime(polId: nil), password: "999999"), wall: 5))
        #expect(wrong.map { $0.dataArea["QnRtn"] } == ["3"])

        let stop = Fixture.packets(machine.receive(Self.command(.stopRealtimeData), wall: 5))
        #expect(stop.map { $0.header.cn } == ["9013"])
        #expect(!Fixture.packets(machine.tick(wall: 8)).contains { $0.header.cn == "2011" })
        _ = machine.receive(Self.command(.startRealtimeData), wall: 8)
        #expect(Fixture.packets(machine.tick(wall: 10)).contains { $0.header.cn == "2011" })
    }

    @Test("history requests 2031/2051/2061: 9011, the records in the range, then 9012 (100 when there are none)")
    func historyRequests() throws {
        var machine = DataLoggerMachine(device: try Fixture.device(), clock: SimulatedClock(start: Fixture.day, speed: 3600), seed: 1)
        _ = machine.connected(wall: 0)
        _ = machine.tick(wall: 6.01)   // six simulated hours produced
        let begin = LocalDateTime(year: 2026, month: 3, day: 1, hour: 1)
        let end = LocalDateTime(year: 2026, month: 3, day: 1, hour: 3)
        let answer = Fixture.packets(machine.receive(Self.command(.history(.hour, begin: begin, end: end)), wall: 6.02))
        #expect(answer.map { $0.header.cn } == ["9011", "2061", "2061", "2061", "9012"])
        #expect(answer[1...3].map { $0.content.dataTime!.hour } == [1, 2, 3])
        #expect(answer[1...3].allSatisfy { $0.header.qn != "20260301120000000" && $0.header.rf == nil })
        #expect(answer[4].dataArea["ExeRtn"] == "1")
        // The same values as the live upload of that hour.
        let minutes = Fixture.packets(machine.receive(Self.command(.history(.minute, begin: begin, end: begin.adding(seconds: 1200))), wall: 6.03))
        #expect(minutes.filter { $0.header.cn == "2051" }.count == 3)
        let future = Fixture.packets(machine.receive(Self.command(.history(.day, begin: Fixture.day, end: Fixture.day)), wall: 6.04))
        #expect(future.map { $0.header.cn } == ["9011", "9012"])
        #expect(future[1].dataArea["ExeRtn"] == "100")
    }

    @Test("2025 loggers send 9015 heartbeats with the A bit while connected")
    func heartbeats() throws {
        var machine = DataLoggerMachine(device: try Fixture.device(edition: "2025", extra: ["heartbeat: 2", "upload: [hour]"]), clock: Self.clock, seed: 1)
        _ = machine.connected(wall: 0)
        #expect(Fixture.packets(machine.tick(wall: 1)).isEmpty)
        let beat = Fixture.packets(machine.tick(wall: 2.1))
        #expect(beat.map { $0.header.cn } == ["9015"])
        #expect(beat[0].header.flag?.rawValue == 9)
        #expect(machine.nextWake(wall: 2.1) <= 4.1 + 1e-9)
        var old = DataLoggerMachine(device: try Fixture.device(extra: ["heartbeat: 2", "upload: [hour]"]), clock: Self.clock, seed: 1)
        _ = old.connected(wall: 0)
        #expect(Fixture.packets(old.tick(wall: 2.1)).isEmpty)
    }

    @Test("a run with an end finishes: everything answered, nothing buffered")
    func finishes() throws {
        let clock = SimulatedClock(start: Fixture.day, speed: 3600)
        var machine = DataLoggerMachine(device: try Fixture.device(extra: ["upload: [hour, day]"]), clock: clock, seed: 1, end: clock.startSeconds + 86_400)
        _ = machine.connected(wall: 0)
        let packets = Fixture.packets(machine.tick(wall: 30))
        #expect(packets.map { $0.header.cn }.filter { $0 == "2061" }.count == 24)
        #expect(packets.contains { $0.header.cn == "2031" })
        #expect(machine.isDoneGenerating && !machine.isFinished)
        var answers: [UInt8] = []
        for packet in packets { answers += Self.ack(packet) }
        _ = machine.receive(answers, wall: 30.1)
        #expect(machine.isFinished)
        #expect(machine.stats.acknowledged == 25)
    }
}
