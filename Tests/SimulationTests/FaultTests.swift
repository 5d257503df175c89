import HJ212
@testable import Simulation
import Testing

/// Every fault, checked in the bytes a device writes.
@Suite("fault injection")
struct FaultTests {
    static let packet: OutgoingPacket = {
        var reading = Reading(code: "a21026")
        reading.avg = 21.5
        reading.flag = .normal
        return DataUploadBuilder(kind: .hour, dataTime: LocalDateTime(year: 2026, month: 3, day: 1, hour: 14), readings: [reading])
            .packet(qn: "20260301150000001", st: "31", pw: "123456", mn: "530000000000000000000001", edition: .hj2017, answerWanted: true)
    }()

    static func injector(_ configure: (inout FaultSpec) -> Void, seed: UInt64 = 9) -> FaultInjector {
        var faults = FaultSpec()
        configure(&faults)
        return FaultInjector(faults: faults, random: SeededRandom(seed: seed))
    }

    static func decode(_ bytes: [UInt8], _ options: DecodeOptions = DecodeOptions()) throws -> Packet {
        var scanner = FrameScanner()
        scanner.append(bytes)
        guard case .frame(let frame)? = scanner.next(endOfInput: true) else { throw FaultTestError.noFrame }
        return PacketDecoder.decode(frame, options: options)
    }

    enum FaultTestError: Error { case noFrame }

    /// Bytes equal except in `range`.
    static func sameOutside(_ a: [UInt8], _ b: [UInt8], _ range: Range<Int>) -> Bool {
        a.count == b.count && a.indices.allSatisfy { range.contains($0) || a[$0] == b[$0] }
    }

    @Test("without faults a frame is written as the encoder writes it, in one write")
    func clean() throws {
        var injector = Self.injector { _ in }
        let bytes = injector.encode(Self.packet, key: nil)
        #expect(bytes == Self.packet.encode())
        #expect(injector.writes(for: [bytes, bytes]) == [bytes, bytes])
        #expect(injector.counts.isEmpty)
    }

    @Test("bad CRC: only the four CRC digits differ, and the gateway's decoder refuses the frame")
    func badCRC() throws {
        var injector = Self.injector { $0.badCRC = 1 }
        let good = Self.packet.encode()
        let bad = injector.encode(Self.packet, key: nil)
        #expect(Self.sameOutside(good, bad, (good.count - 6)..<(good.count - 2)))
        #expect(good[(good.count - 6)..<(good.count - 2)] != bad[(bad.count - 6)..<(bad.count - 2)])
        let packet = try Self.decode(bad)
        #expect(!packet.isAccepted)
        #expect(packet.errors.map(\.code) == [.crcMismatch])
        #expect(injector.counts[.badCRC] == 1)
    }

    @Test("MODBUS CRC: the digits are CRC-16/MODBUS of the data segment; accepted only with the device's quirk")
    func modbusCRC() throws {
        var injector = Self.injector { $0.modbusCRC = 1 }
        let bytes = injector.encode(Self.packet, key: nil)
        let segment = Array(Self.packet.dataSegmentText.utf8)
        let expected = CRC16.hexBytes(CRCAlgorithm.modbus.checksum(segment))
        #expect(Array(bytes[(bytes.count - 6)..<(bytes.count - 2)]) == expected)
        #expect(try !Self.decode(bytes).isAccepted)
        let quirk = try Self.decode(bytes, DecodeOptions(extraCRCAlgorithms: [.modbus]))
        #expect(quirk.isAccepted)
        #expect(quirk.crc.matched == .modbus)
    }

    @Test("wrong length: the 4-digit length field no longer counts the data segment; lenient reading warns, strict refuses")
    func wrongLength() throws {
        var injector = Self.injector { $0.wrongLength = 1 }
        let good = Self.packet.encode()
        let bad = injector.encode(Self.packet, key: nil)
        #expect(Self.sameOutside(good, bad, 2..<6))
        #expect(FaultInjector.length(of: bad) != FaultInjector.length(of: good))
        #expect(FaultInjector.length(of: good) == Self.packet.dataSegmentText.utf8.count)
        let lenient = try Self.decode(bad)
        #expect(lenient.isAccepted)
        #expect(lenient.problems.contains { $0.code == .lengthMismatch })
        #expect(try !Self.decode(bad, DecodeOptions(policy: .strict)).isAccepted)
    }

    @Test("split writes: a frame is cut into two to four writes that join to the frame")
    func splitWrites() throws {
        var injector = Self.injector { $0.splitWrites = 1 }
        let frame = Self.packet.encode()
        for _ in 0..<20 {
            let writes = injector.writes(for: [frame])
            #expect((2...4).contains(writes.count))
            #expect(writes.allSatisfy { !$0.isEmpty })
            #expect(Array(writes.joined()) == frame)
        }
        // The scanner reassembles it however it is cut.
        var scanner = FrameScanner()
        for write in injector.writes(for: [frame]) {
            scanner.append(write)
        }
        #expect(scanner.drain().count == 1)
    }

    @Test("several frames in one write: held frames go out together, and the scanner finds them all")
    func severalPerWrite() throws {
        var injector = Self.injector { $0.severalPerWrite = 1 }
        let frames = (0..<3).map { index -> [UInt8] in
            var packet = Self.packet
            packet.header.qn = "2026030115000000\(index)"
            return packet.encode()
        }
        let writes = injector.writes(for: frames)
        #expect(writes == [Array(frames.joined())])
        var scanner = FrameScanner()
        scanner.append(writes[0])
        #expect(scanner.drain().count == 3)
        #expect(injector.counts[.severalPerWrite] == 1)
    }

    @Test("junk: bytes without a '#' before the frame, skipped by the scanner")
    func junk() throws {
        var injector = Self.injector { $0.junk = 1 }
        let frame = Self.packet.encode()
        for _ in 0..<10 {
            let writes = injector.writes(for: [frame])
            #expect(writes.count == 1)
            let write = writes[0]
            #expect(write.count > frame.count)
            #expect(Array(write.suffix(frame.count)) == frame)
            let prefix = write.prefix(write.count - frame.count)
            #expect(!prefix.contains(UInt8(ascii: "#")))
            var scanner = FrameScanner()
            scanner.append(write)
            let events = scanner.drain()
            #expect(events.count == 1)
            #expect(scanner.skippedBytes == prefix.count)
        }
    }

    @Test("rates: a fault at rate r hits about r of the frames, reproducibly for a seed")
    func rates() throws {
        var a = Self.injector({ $0.badCRC = 0.1 }, seed: 3)
        var b = Self.injector({ $0.badCRC = 0.1 }, seed: 3)
        let first = (0..<2000).map { _ in a.encode(Self.packet, key: nil) }
        let second = (0..<2000).map { _ in b.encode(Self.packet, key: nil) }
        #expect(first == second)
        let hits = a.counts[.badCRC] ?? 0
        #expect(hits > 140 && hits < 260)
    }
}

/// Faults that live in the logger: clock skew, duplicates, disconnects, wrong passwords, offline periods.
@Suite("logger faults")
struct LoggerFaultTests {
    static let clock = SimulatedClock(start: Fixture.day, speed: 60)   // a wall second is a simulated minute

    @Test("clock skew: DataTime and QN are shifted by the skew")
    func clockSkew() throws {
        let device = try Fixture.device(extra: ["faults: {clock_skew: 300}"])
        var machine = DataLoggerMachine(device: device, clock: Self.clock, seed: 1)
        _ = machine.connected(wall: 0)
        let packets = Fixture.packets(machine.tick(wall: 10.5))
        let realtime = packets.filter { $0.header.cn == "2011" }
        #expect(realtime.count == 21)   // 00:00:00 … 00:10:00 every 30 s
        #expect(realtime.first?.content.dataTime == Fixture.day.adding(seconds: 300))
        let minute = try #require(packets.first { $0.header.cn == "2051" })
        #expect(minute.content.dataTime == Fixture.day.adding(seconds: 300))
        let qn = try #require(minute.header.qn)
        #expect(qn.hasPrefix("20260301001"))   // 00:10:30 true time + 5 min
    }

    @Test("duplicates: each upload is sent twice, same data with a new QN")
    func duplicates() throws {
        let device = try Fixture.device(extra: ["faults: {duplicates: 1}"])
        var machine = DataLoggerMachine(device: device, clock: Self.clock, seed: 1)
        _ = machine.connected(wall: 0)
        let minutes = Fixture.packets(machine.tick(wall: 10.5)).filter { $0.header.cn == "2051" }
        #expect(minutes.count == 2)
        #expect(minutes[0].dataAreaBytes == minutes[1].dataAreaBytes)
        #expect(minutes[0].header.qn != minutes[1].header.qn)
        #expect(machine.stats.faults[.duplicate] ?? 0 >= 1)
    }

    @Test("wrong password: the upload carries a PW other than the device's")
    func wrongPassword() throws {
        let device = try Fixture.device(extra: ["faults: {wrong_password: 1}"])
        var machine = DataLoggerMachine(device: device, clock: Self.clock, seed: 1)
        _ = machine.connected(wall: 0)
        let packets = Fixture.packets(machine.tick(wall: 10.5)).filter { $0.kind != nil }
        #expect(!packets.isEmpty)
        #expect(packets.allSatisfy { $0.header.pw != nil && $0.header.pw != "123456" })
    }

    @Test("disconnects: the logger drops the connection every N simulated minutes")
    func disconnectEvery() throws {
        let device = try Fixture.device(extra: ["faults: {disconnect_every: 30}"])
        var machine = DataLoggerMachine(device: device, clock: Self.clock, seed: 1)
        _ = machine.connected(wall: 0)
        #expect(!machine.tick(wall: 29).contains(.disconnect))
        #expect(machine.tick(wall: 30.5).contains(.disconnect))
        machine.disconnected(wall: 30.5)
        _ = machine.connected(wall: 31)
        #expect(!machine.tick(wall: 45).contains(.disconnect))
        #expect(machine.tick(wall: 60.2).contains(.disconnect))
        #expect(machine.stats.faults[.disconnect] == 2)
    }

    @Test("offline periods: the logger wants no connection inside the window and drops one it has")
    func offline() throws {
        let device = try Fixture.device(extra: ["faults: {offline: [{from: \"00:20\", to: \"00:40\"}]}"])
        var machine = DataLoggerMachine(device: device, clock: Self.clock, seed: 1)
        #expect(machine.wantsConnection(wall: 10))
        #expect(!machine.wantsConnection(wall: 25))
        #expect(machine.wantsConnection(wall: 41))
        _ = machine.connected(wall: 0)
        #expect(machine.tick(wall: 21) == [.disconnect])
    }
}
