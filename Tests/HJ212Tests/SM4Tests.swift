import Foundation
import Testing
@testable import HJ212

/// SM4-ECB through OpenSSL, and the 2025 data-area cipher around it.
@Suite("SM4")
struct SM4Tests {
    static func hex(_ text: String) -> [UInt8] {
        let digits = Array(text.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<($0 + 2)], as: UTF8.self), radix: 16)! }
    }

    @Test("GB/T 32907-2016 appendix A example 1")
    func standardVector() throws {
        let key = try #require(SM4Key(hex: "0123456789ABCDEFFEDCBA9876543210"))
        let plain = Self.hex("0123456789ABCDEFFEDCBA9876543210")
        let cipher = try #require(SM4.ecb(plain, key: key, encrypt: true))
        #expect(cipher == Self.hex("681EDF34D206965E86B3E94F536E4246"))
        #expect(SM4.ecb(cipher, key: key, encrypt: false) == plain)
    }

    @Test("ECB: blocks are independent, partial blocks are refused, empty is empty")
    func ecb() throws {
        let key = Fixtures.exampleKey
        let block = Array("0123456789abcdef".utf8)
        let one = try #require(SM4.ecb(block, key: key, encrypt: true))
        let two = try #require(SM4.ecb(block + block, key: key, encrypt: true))
        #expect(two == one + one)
        #expect(SM4.ecb(Array(block.prefix(15)), key: key, encrypt: true) == nil)
        #expect(SM4.ecb([], key: key, encrypt: false) == [])
    }

    @Test("HJ 212-2025 Appendix H authorisation vector (SM4-ECB, PKCS#7, Base64)")
    func appendixH() throws {
        let key = try #require(SM4Key(bytes: Array("msbE74gsiSHSEh5e".utf8)))
        var data = Array("testuser:AezF0nZRs4kypuGO".utf8)
        let pad = 16 - data.count % 16
        data += Array(repeating: UInt8(pad), count: pad)
        let cipher = try #require(SM4.ecb(data, key: key, encrypt: true))
        #expect(Data(cipher).base64EncodedString() == "LG/m7lsFU/taig+vbQsDJXy4NGAaE2j2lplPwhZM7iM=")
    }

    @Test("keys: 16 bytes or 32 hex digits, never printed")
    func keys() {
        #expect(SM4Key(hex: "30303030303030303030303030303030")?.bytes == Array(repeating: 0x30, count: 16))
        #expect(SM4Key(hex: "3030303030303030303030303030303")  == nil)
        #expect(SM4Key(hex: "303030303030303030303030303030303") == nil)
        #expect(SM4Key(hex: "3030303030303030303030303030303g") == nil)
        #expect(SM4Key(hex: "abcdefABCDEF0123456789abcdef0123") != nil)
        #expect(SM4Key(bytes: Array(repeating: 0, count: 15)) == nil)
        #expect(SM4Key(bytes: Array(repeating: 0, count: 17)) == nil)
        #expect(Fixtures.exampleKey.description == "SM4Key(***)")
        #expect(!"\(Fixtures.exampleKey)".contains("30"))
        #expect(SM4Key(hex: "30303030303030303030303030303030") == SM4Key(bytes: Array("0000000000000000".utf8)))
    }

    @Test("data-area cipher round-trips for every length, whole blocks and clear tails", arguments: Array(0...50))
    func cipherRoundTrip(_ length: Int) throws {
        let plain = Array(String(repeating: "DataTime=20240520210600;a01011-Avg=1.35", count: 2).utf8.prefix(length))
        let wire = try #require(DataAreaCipher.encrypt(plain, key: Fixtures.exampleKey))
        let blocks = length / 16
        #expect(wire.first == UInt8(ascii: "{"))
        #expect(wire.count == (blocks == 0 ? 2 : blocks * 16 * 5 + 1) + length % 16)
        #expect(Array(wire.suffix(length % 16)) == Array(plain.suffix(length % 16)))
        #expect(DataAreaCipher.isEncrypted(wire))
        #expect(try DataAreaCipher.decrypt(wire, key: Fixtures.exampleKey).get() == plain)
    }

    @Test("a short 2025 data area, encrypted and decoded, reads back")
    func shortAreaFrame() throws {
        let header = Header(qn: "20240601085857223", st: "32", cn: "2081", pw: "123456", mn: "010000A8900016F000169DC0", flag: PacketFlag(rawValue: 8))
        let wire = OutgoingPacket(header: header, dataArea: DataArea(groups: [[("RestartTime", "1")]]))
            .encode(options: EncodeOptions(sm4Key: Fixtures.exampleKey, encryptedLength: .transmitted))
        let packet = try decode(String(decoding: wire.dropLast(2), as: UTF8.self), options: DecodeOptions(sm4Key: Fixtures.exampleKey))
        #expect(packet.crc.matched == .hj212)
        #expect(packet.dataArea["RestartTime"] == "1")
        #expect(packet.isAccepted, "\(packet.problems)")
    }

    @Test("isEncrypted looks at the first non-space byte")
    func isEncrypted() {
        #expect(DataAreaCipher.isEncrypted(Array("  {0x00}".utf8)))
        #expect(!DataAreaCipher.isEncrypted(Array("DataTime={".utf8)))
        #expect(!DataAreaCipher.isEncrypted([UInt8]()))
        #expect(!DataAreaCipher.isEncrypted(Array("   ".utf8)))
    }

    @Test("malformed encrypted areas are refused with the reason", arguments: [
        ("0x00}", "expected"), ("{0xZZ}", "0xHH"), ("{0x01;0x02}", "\",\" or \"}\""), ("{0x01,0x02", "closing"), ("{0x01,0x0", "cut off"),
        ("{0x01", "closing"), ("{0x01,", "cut off"), ("{", "cut off"),
    ])
    func malformed(_ text: String, _ reason: String) {
        switch DataAreaCipher.decrypt(Array(text.utf8), key: Fixtures.exampleKey) {
        case .failure(.malformed(_, let message)): #expect(message.contains(reason), "\(message)")
        case let other: Issue.record("expected malformed, got \(other)")
        }
    }

    @Test("a byte list that is not whole blocks is refused as partialBlock")
    func partialBlock() {
        let area = Array("{0x01,0x02,0x03}tail".utf8)
        #expect(DataAreaCipher.decrypt(area, key: Fixtures.exampleKey) == .failure(.partialBlock(byteCount: 3)))
    }

    @Test("a malformed encrypted frame is refused with encrypted_malformed, its CRC unverifiable")
    func malformedFrame() throws {
        let text = framed("QN=20240601085857223;ST=32;CN=2051;PW=1;MN=M;Flag=8;CP=&&{0x01,0x02}&&")
        let packet = try decode(text, options: DecodeOptions(sm4Key: Fixtures.exampleKey))
        #expect(packet.wasEncrypted)
        #expect(packet.problem(.encryptedMalformed)?.isError == true)
        #expect(packet.crc.computed == nil)
        #expect(!packet.isAccepted)
    }
}
