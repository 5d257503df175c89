import Testing
@testable import HJ212

/// The real device in tonyxia2016/HJ212Receiver's rx.log (samples #30–#32) prints CRC-16/MODBUS
/// low byte first (hj212-reference.md §2.5). A per-device quirk accepts it.
@Suite("MODBUS-CRC devices")
struct ModbusSamplesTests {
    static let deviceSamples: [Sample] = Fixtures.samples.filter { !$0.crcOK && $0.source.contains("tonyxia2016") }

    @Test("three real-device samples carry a MODBUS CRC")
    func found() {
        #expect(Self.deviceSamples.count == 3)
        #expect(Set(Self.deviceSamples.map { String($0.frame.suffix(4)) }) == ["A6EC", "7865", "0681"])
    }

    @Test("the printed value is MODBUS with its bytes swapped, not plain MODBUS", arguments: deviceSamples)
    func whichVariant(_ sample: Sample) throws {
        let frame = try rawFrame(sample.frame)
        let data = Array(frame.dataSegment)
        let sent = try #require(UInt16(frame.crcText, radix: 16))
        #expect(referenceMODBUS(data).byteSwapped == sent)
        #expect(referenceMODBUS(data) != sent)
        #expect(CRCAlgorithm.modbusSwapped.checksum(data) == sent)
        #expect(CRCAlgorithm.modbus.checksum(data) != sent)
        #expect(CRC16.hj212(data) != sent)
    }

    @Test("accepted with a crc_variant warning when the device's quirk allows it", arguments: deviceSamples)
    func acceptedWithQuirk(_ sample: Sample) throws {
        let packet = try decode(sample.frame, options: DecodeOptions(extraCRCAlgorithms: [.modbusSwapped]))
        #expect(packet.crc.matched == .modbusSwapped)
        #expect(!packet.has(.crcMismatch))
        let warning = try #require(packet.problem(.crcVariantAccepted))
        #expect(warning.severity == .warning)
        #expect(warning.message.contains("MODBUS"))
        #expect(warning.message.contains(CRC16.hexString(try #require(packet.crc.computed))))
        #expect(packet.isAccepted, "\(packet.errors)")
        #expect(!packet.content.readings.isEmpty)
    }

    @Test("allowing plain MODBUS only does not accept the swapped value", arguments: deviceSamples)
    func wrongVariantNotAccepted(_ sample: Sample) throws {
        let packet = try decode(sample.frame, options: DecodeOptions(extraCRCAlgorithms: [.modbus]))
        #expect(packet.crc.matched == nil)
        #expect(packet.has(.crcMismatch))
        #expect(!packet.isAccepted)
    }

    @Test("refused without the quirk, and the message names MODBUS", arguments: deviceSamples)
    func refusedWithoutQuirk(_ sample: Sample) throws {
        let packet = try decode(sample.frame)
        #expect(packet.crc.matched == nil)
        let problem = try #require(packet.problem(.crcMismatch))
        #expect(problem.isError)
        #expect(problem.message.contains("CRC-16/MODBUS (byte-swapped)"))
        #expect(problem.message.contains(CRCAlgorithm.modbusSwapped.rawValue))
        #expect(!packet.has(.crcVariantAccepted))
        #expect(!packet.isAccepted)
    }

    @Test("the edited fixtures are not MODBUS either: even with both variants allowed they are refused")
    func editedFixturesStayRefused() throws {
        let edited = Fixtures.samples.filter { !$0.crcOK && !$0.source.contains("tonyxia2016") }
        #expect(edited.count == 4)
        for sample in edited {
            let packet = try decode(sample.frame, options: DecodeOptions(extraCRCAlgorithms: [.modbus, .modbusSwapped]))
            #expect(packet.has(.crcMismatch), "\(sample.testDescription)")
            #expect(packet.problem(.crcMismatch)?.message.contains("MODBUS") == false)
        }
    }

    @Test("a frame written with plain MODBUS is accepted under the plain quirk")
    func plainModbus() throws {
        let header = Header(qn: "20240101000000000", st: "32", cn: "2011", pw: "123456", mn: "MN1", flag: PacketFlag(rawValue: 4))
        let area = DataArea(groups: [[("DataTime", "20240101000000")], [("w01018-Rtd", "12.5"), ("w01018-Flag", "N")]])
        let wire = OutgoingPacket(header: header, dataArea: area).encode(options: EncodeOptions(crcAlgorithm: .modbus))
        let text = String(decoding: wire.dropLast(2), as: UTF8.self)
        let plain = try decode(text, options: DecodeOptions(extraCRCAlgorithms: [.modbus]))
        #expect(plain.crc.matched == .modbus)
        #expect(plain.isAccepted)
        let refused = try decode(text)
        #expect(refused.problem(.crcMismatch)?.message.contains("CRC-16/MODBUS") == true)
        #expect(refused.problem(.crcMismatch)?.message.contains("byte-swapped") == false)
    }
}
