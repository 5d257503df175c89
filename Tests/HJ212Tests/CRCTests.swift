import Testing
@testable import HJ212

/// The HJ 212 checksum (HJ 212-2017 Appendix A) and the MODBUS variants some devices send.
@Suite("CRC")
struct CRCTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var input: String
        var hj212: UInt16
        var modbus: UInt16
        var testDescription: String { input.isEmpty ? "<empty>" : String(input.prefix(24)) }
    }

    /// hj212-reference.md §2.2 test vectors.
    static let vectors: [Vector] = [
        Vector(input: "", hj212: 0xFFFF, modbus: 0xFFFF),
        Vector(input: "A", hj212: 0x7080, modbus: 0x707F),
        Vector(input: "123456789", hj212: 0x2F80, modbus: 0x4B37),
        Vector(
            input: "QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&",
            hj212: 0x1C80, modbus: 0x0759),
    ]

    @Test("reference vectors", arguments: vectors)
    func referenceVectors(_ vector: Vector) {
        let data = bytes(vector.input)
        #expect(CRC16.hj212(data) == vector.hj212)
        #expect(data.withUnsafeBytes { CRC16.hj212($0) } == vector.hj212)
        #expect(CRCAlgorithm.hj212.checksum(data) == vector.hj212)
        #expect(data.withUnsafeBytes { CRC16.modbus($0) } == vector.modbus)
        #expect(CRCAlgorithm.modbus.checksum(data) == vector.modbus)
        #expect(CRCAlgorithm.modbusSwapped.checksum(data) == vector.modbus.byteSwapped)
        // The independent bit-by-bit reference agrees.
        #expect(referenceCRC(data) == vector.hj212)
        #expect(referenceMODBUS(data) == vector.modbus)
    }

    @Test("the standard's example is 101 characters and its CRC prints as 1C80, not 1C08")
    func standardExample() {
        let data = bytes(Self.vectors[3].input)
        #expect(data.count == 101)
        #expect(CRC16.hexString(CRC16.hj212(data)) == "1C80")
    }

    @Test("non-contiguous collections give the same checksum as arrays")
    func nonContiguousInput() {
        let lazy = (0..<9).lazy.map { UInt8(0x31 + $0) } // "123456789"
        #expect(CRC16.hj212(lazy) == 0x2F80)
        #expect(CRCAlgorithm.modbus.checksum(lazy) == 0x4B37)
        let slice = bytes("xx123456789yy")[2..<11]
        #expect(CRC16.hj212(slice) == 0x2F80)
        #expect(CRC16.hj212("123456789".utf8) == 0x2F80)
    }

    @Test("table-driven routines agree with the bit-by-bit reference on random data")
    func randomAgreement() {
        var rng = SplitMix64(seed: 212)
        for _ in 0..<500 {
            let length = Int.random(in: 0...300, using: &rng)
            let data = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            #expect(CRC16.hj212(data) == referenceCRC(data))
            #expect(CRCAlgorithm.modbus.checksum(data) == referenceMODBUS(data))
        }
    }

    @Test("the high-byte map H is linear and H^8 is the identity (what the folded CRC rests on)")
    func highByteMap() {
        func h(_ x: Int) -> Int { Int(CRC16.table[x] >> 8) }
        for a in 0..<256 {
            for b in 0..<256 where h(a ^ b) != h(a) ^ h(b) { Issue.record("H not linear at \(a), \(b)") }
            var x = a
            for _ in 0..<8 { x = h(x) }
            #expect(x == a)
            for k in 0..<8 {
                var y = a
                for _ in 0..<k { y = h(y) }
                #expect(Int(CRC16.highPowers[k * 256 + a]) == y)
            }
        }
    }

    @Test("the ready-made CRC texts are the table values' hex digits, and the index names the CRC")
    func tableTexts() {
        for index in 0..<256 { #expect(CRC16.tableTexts[index] == CRC16.hexString(CRC16.table[index])) }
        var rng = SplitMix64(seed: 9)
        for _ in 0..<200 {
            let data = (0..<Int.random(in: 1...100, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            #expect(data.withUnsafeBytes { CRC16.table[CRC16.hj212Index($0)] } == referenceCRC(data))
        }
    }

    @Test("the folded CRC equals the byte-at-a-time one, at every length and alignment")
    func slicedAgreesWithBytewise() {
        var rng = SplitMix64(seed: 16)
        let data = (0..<2100).map { _ in UInt8.random(in: 0...255, using: &rng) }
        data.withUnsafeBytes { raw in
            for length in 0...80 {
                for offset in 0..<3 {
                    let slice = UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + length)])
                    #expect(CRC16.hj212(slice) == CRC16.hj212Reference(slice), "length \(length) offset \(offset)")
                }
            }
            for _ in 0..<300 {
                let offset = Int.random(in: 0..<16, using: &rng)
                let length = Int.random(in: 0...2000, using: &rng)
                let slice = UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + length)])
                #expect(CRC16.hj212(slice) == CRC16.hj212Reference(slice))
                #expect(CRC16.hj212(slice) == referenceCRC(Array(slice)))
            }
        }
    }

    @Test("hexString pads to four uppercase digits", arguments: [
        (UInt16(0x0A1), "00A1"), (0, "0000"), (0xF, "000F"), (0xABC, "0ABC"), (0x1C80, "1C80"),
        (0xFFFF, "FFFF"), (0xcc01, "CC01"), (0x0880, "0880"),
    ])
    func hexString(_ value: UInt16, _ expected: String) {
        #expect(CRC16.hexString(value) == expected)
        #expect(CRC16.hexBytes(value) == bytes(expected))
    }

    @Test("isPlausibleHJ212 accepts exactly the eight possible low bytes")
    func plausibleLowBytes() {
        let allowed: Set<UInt16> = [0x00, 0x01, 0x40, 0x41, 0x80, 0x81, 0xC0, 0xC1]
        for low in UInt16(0)...0xFF {
            #expect(CRC16.isPlausibleHJ212(0x1200 | low) == allowed.contains(low), "low byte \(low)")
        }
        // The real-device MODBUS values of samples #30 and #31 are caught; the HJ 212 ones pass.
        #expect(!CRC16.isPlausibleHJ212(0xA6EC))
        #expect(!CRC16.isPlausibleHJ212(0x7865))
        #expect(CRC16.isPlausibleHJ212(0x0681)) // #32: MODBUS by chance looks plausible
        #expect(CRC16.isPlausibleHJ212(0x1C80))
        #expect(CRC16.isPlausibleHJ212(0x2200))
    }

    @Test("every HJ 212 CRC is plausible, and only 256 values occur")
    func onlyTableValues() {
        var rng = SplitMix64(seed: 7)
        var seen: Set<UInt16> = []
        for _ in 0..<3000 {
            let length = Int.random(in: 1...40, using: &rng)
            let data = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let crc = CRC16.hj212(data)
            #expect(CRC16.isPlausibleHJ212(crc))
            seen.insert(crc)
        }
        #expect(seen.count <= 256)
        // Over all single bytes every one of the 256 table values appears.
        let singles = Set((0...255).map { CRC16.hj212([UInt8($0)]) })
        #expect(singles.count == 256)
        #expect(singles.allSatisfy(CRC16.isPlausibleHJ212))
    }

    @Test("algorithm names for messages and config", arguments: CRCAlgorithm.allCases)
    func names(_ algorithm: CRCAlgorithm) {
        #expect(!algorithm.displayName.isEmpty)
        #expect(CRCAlgorithm(rawValue: algorithm.rawValue) == algorithm)
        if algorithm != .hj212 { #expect(algorithm.displayName.contains("MODBUS")) }
    }
}
