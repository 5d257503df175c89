import Foundation
import Testing
@testable import HJ212

/// The HJ 212-2025 standard's own example packets (Appendix A.1 and A.2, hj212-2025.md §5).
@Suite("HJ 212-2025 examples")
struct HJ2025ExamplesTests {
    static let keyOptions = DecodeOptions(sm4Key: Fixtures.exampleKey)

    /// The text between `CP=&&` and the closing `&&`.
    static func dataArea(of frame: String) throws -> [UInt8] {
        let all = bytes(frame)
        let start = try #require(PacketDecoder.find(bytes("CP=&&"), in: all, from: 0, to: all.count)) + 5
        return Array(all[start..<(all.count - 6)])
    }

    @Test("the fixture holds the five example packets")
    func fixture() throws {
        let examples = try Fixtures.loadExamples()
        #expect(examples.count == 5)
        #expect(examples.allSatisfy { $0.frame.hasPrefix("##0") && !$0.name.isEmpty })
        #expect(examples[2].frame.hasPrefix("##0295") && examples[2].frame.utf8.count == 6 + 1128 + 4)
        #expect(examples[4].frame.hasPrefix("##0234") && examples[4].frame.utf8.count == 6 + 811 + 4)
    }

    @Test("A.1: CRC 2200 under HJ 212 (MODBUS would give CCF4), edition 2025")
    func a1() throws {
        let text = try Fixtures.example(0)
        let packet = try decode(text)
        #expect(packet.crc == CRCCheck(sent: "2200", computed: 0x2200, matched: .hj212))
        let segment = Array(bytes(text)[6..<(text.utf8.count - 4)])
        #expect(CRCAlgorithm.modbus.checksum(segment) == 0xCCF4)
        #expect(packet.edition == .hj2025)
        #expect(packet.header.flag == PacketFlag(edition: .hj2025, answerWanted: true))
        #expect(packet.header.cn == "1011")
        #expect(packet.dataArea.isEmpty)
        #expect(packet.problems == [])
    }

    @Test("examples 1 and 3 in clear decode without a problem", arguments: [1, 3])
    func clearExamples(_ index: Int) throws {
        let packet = try decode(try Fixtures.example(index))
        #expect(packet.problems == [])
        #expect(packet.crc.matched == .hj212)
        #expect(!packet.wasEncrypted)
        #expect(packet.edition == .hj2025)
        #expect(packet.kind == .minute)
        #expect(packet.content.dataTime == LocalDateTime(year: 2024, month: 5, day: 20, hour: 21, minute: 6))
        let velocity = try #require(packet.content.reading("a01011"))
        #expect(velocity.min == 1.35 && velocity.avg == 1.35 && velocity.max == 1.35)
        #expect(velocity.flag == .normal)
    }

    @Test("example 1's readings, by hand")
    func example1Values() throws {
        let packet = try decode(try Fixtures.example(1))
        #expect(packet.content.readings.map(\.code) == ["a01011", "a01012", "a01014"])
        let temperature = try #require(packet.content.reading("a01012"))
        #expect(temperature.min == 9.3 && temperature.avg == 9.3 && temperature.max == 9.3)
        let humidity = try #require(packet.content.reading("a01014"))
        #expect(humidity.min == 3.20)
        #expect(humidity.avg == 3.211)
        #expect(humidity.max == 3.212)
        #expect(humidity.flag == .normal)
    }

    @Test("examples 2 and 4, decrypted with the key, read exactly like examples 1 and 3", arguments: [(2, 1), (4, 3)])
    func decrypted(_ encryptedIndex: Int, _ clearIndex: Int) throws {
        let clear = try decode(try Fixtures.example(clearIndex))
        let packet = try decode(try Fixtures.example(encryptedIndex), options: Self.keyOptions)
        #expect(packet.wasEncrypted)
        #expect(packet.crc.matched == .hj212)
        #expect(packet.crc.computed == clear.crc.computed)
        #expect(packet.header == clear.header)
        #expect(packet.dataArea == clear.dataArea)
        #expect(packet.content == clear.content)
        #expect(packet.content.readings == clear.content.readings)
        #expect(packet.content.readings.count == clear.content.readings.count && !packet.content.readings.isEmpty)
        let warning = try #require(packet.problem(.lengthIsPlaintext))
        #expect(warning.severity == .warning)
        // The only deviation of the standard's own encrypted example is its plaintext length.
        #expect(packet.problemCodes == [.lengthIsPlaintext])
        #expect(packet.isAccepted)
    }

    @Test("without a key: encrypted_no_key, CRC unverifiable, data unread", arguments: [2, 4])
    func noKey(_ index: Int) throws {
        let packet = try decode(try Fixtures.example(index))
        #expect(packet.wasEncrypted)
        let error = try #require(packet.problem(.encryptedWithoutKey))
        #expect(error.isError)
        #expect(error.field == "CP")
        #expect(packet.crc.computed == nil)
        #expect(packet.crc.matched == nil)
        #expect(!packet.has(.crcMismatch))
        #expect(packet.dataArea.isEmpty)
        #expect(packet.content.readings.isEmpty)
        #expect(!packet.isAccepted)
        // The header is still read, so the device can be identified.
        #expect(packet.header.mn == "010000A8900016F000169DC0")
        #expect(packet.edition == .hj2025)
    }

    @Test("with the wrong key the CRC over the garbage plaintext fails")
    func wrongKey() throws {
        let key = try #require(SM4Key(hex: "31313131313131313131313131313131"))
        let packet = try decode(try Fixtures.example(2), options: DecodeOptions(sm4Key: key))
        #expect(packet.wasEncrypted)
        #expect(packet.has(.crcMismatch))
        #expect(!packet.isAccepted)
        #expect(packet.content.reading("a01011") == nil)
    }

    @Test("DataAreaCipher.encrypt of example 1's data area gives example 2's wire bytes", arguments: [(1, 2), (3, 4)])
    func encryptDataArea(_ clearIndex: Int, _ encryptedIndex: Int) throws {
        let plain = try Self.dataArea(of: try Fixtures.example(clearIndex))
        let wire = try Self.dataArea(of: try Fixtures.example(encryptedIndex))
        #expect(DataAreaCipher.encrypt(plain, key: Fixtures.exampleKey) == wire)
        #expect(DataAreaCipher.isEncrypted(wire))
        #expect(!DataAreaCipher.isEncrypted(plain))
        #expect(try DataAreaCipher.decrypt(wire, key: Fixtures.exampleKey).get() == plain)
    }

    @Test("example 1's data area is 13 whole blocks; example 3's leaves g=N in clear")
    func blockLayout() throws {
        let plain1 = try Self.dataArea(of: try Fixtures.example(1))
        let plain3 = try Self.dataArea(of: try Fixtures.example(3))
        #expect(plain1.count == 208)
        #expect(plain3.count == 147)
        let wire3 = try #require(DataAreaCipher.encrypt(plain3, key: Fixtures.exampleKey))
        #expect(String(decoding: wire3.suffix(4), as: UTF8.self) == "}g=N")
        #expect(wire3.count == 1 + 144 * 5 - 1 + 1 + 3)
    }

    @Test("PacketEncoder reproduces the whole encrypted frame, ##0295 included", arguments: [(1, 2), (3, 4)])
    func encodeWholeFrame(_ clearIndex: Int, _ encryptedIndex: Int) throws {
        let clearText = try Fixtures.example(clearIndex)
        let expected = bytes(try Fixtures.example(encryptedIndex)) + crlf
        let clear = try decode(clearText)
        let options = EncodeOptions(sm4Key: Fixtures.exampleKey)
        let viaEncoder = PacketEncoder.encode(header: clear.header, dataAreaText: try Self.dataArea(of: clearText), options: options)
        #expect(viaEncoder == expected)
        let viaPacket = OutgoingPacket(header: clear.header, dataArea: clear.dataArea).encode(options: options)
        #expect(viaPacket == expected)
        // Unencrypted, the same packet is the clear example byte for byte.
        #expect(OutgoingPacket(header: clear.header, dataArea: clear.dataArea).encode() == bytes(clearText) + crlf)
    }

    @Test("with the transmitted length the frame declares its real size and decodes without a length warning")
    func transmittedLength() throws {
        let clear = try decode(try Fixtures.example(1))
        let wire = OutgoingPacket(header: clear.header, dataArea: clear.dataArea)
            .encode(options: EncodeOptions(sm4Key: Fixtures.exampleKey, encryptedLength: .transmitted))
        #expect(String(decoding: wire.prefix(6), as: UTF8.self) == "##1128")
        let text = String(decoding: wire.dropLast(2), as: UTF8.self)
        let packet = try decode(text, options: Self.keyOptions)
        #expect(packet.wasEncrypted)
        #expect(packet.crc.matched == .hj212)
        #expect(!packet.has(.lengthIsPlaintext))
        #expect(!packet.has(.lengthMismatch))
        #expect(packet.content == clear.content)
    }

    @Test("a plaintext length that does not match the decrypted segment becomes length_mismatch")
    func wrongPlaintextLength() throws {
        let text = try Fixtures.example(2).replacingOccurrences(of: "##0295", with: "##0290")
        let packet = try decode(text, options: Self.keyOptions)
        #expect(packet.has(.lengthMismatch))
        #expect(!packet.has(.lengthIsPlaintext))
        #expect(packet.crc.matched == .hj212)
        #expect(packet.isAccepted)
    }

    @Test("the 2025 reply to example 1 carries Flag=8")
    func reply() throws {
        let upload = try decode(try Fixtures.example(1))
        let reply = Reply.dataAck(to: upload.header, edition: upload.edition)
        #expect(reply.dataSegmentText == "QN=20240520210700000;ST=91;CN=9014;PW=123456;MN=010000A8900016F000169DC0;Flag=8;CP=&&&&")
        let decoded = try decode(String(decoding: reply.encode().dropLast(2), as: UTF8.self))
        #expect(decoded.edition == .hj2025)
        #expect(decoded.header.flag?.answerWanted == false)
        #expect(decoded.problems == [])
    }
}
