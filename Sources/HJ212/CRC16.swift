/// The checksums HJ 212 frames carry.
///
/// The standard's algorithm (HJ 212-2017 Appendix A) is *not* CRC-16/MODBUS: each byte is
/// combined with the register's old high byte, not its low byte. Some field devices send
/// MODBUS instead (printed plain or byte-swapped), which a per-device quirk may accept.
public enum CRCAlgorithm: String, Sendable, Hashable, CaseIterable, Codable {
    /// HJ 212 Appendix A: `R = T[(R >> 8) ^ b]`.
    case hj212
    /// CRC-16/MODBUS printed high byte first.
    case modbus
    /// CRC-16/MODBUS printed low byte first (the MODBUS wire order).
    case modbusSwapped = "modbus-swapped"

    /// A name a field engineer recognises.
    public var displayName: String {
        switch self {
        case .hj212: "HJ 212"
        case .modbus: "CRC-16/MODBUS"
        case .modbusSwapped: "CRC-16/MODBUS (byte-swapped)"
        }
    }

    /// The checksum of `bytes` under this algorithm.
    public func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt16 {
        switch self {
        case .hj212: CRC16.hj212(bytes)
        case .modbus: CRC16.modbus(bytes)
        case .modbusSwapped: CRC16.modbus(bytes).byteSwapped
        }
    }

    /// The checksum of `bytes` under this algorithm.
    public func checksum(_ bytes: some Collection<UInt8>) -> UInt16 {
        if let value = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0)) }) {
            return value
        }
        return Array(bytes).withUnsafeBytes { checksum($0) }
    }
}

/// Table-driven CRC-16 routines for HJ 212 frames.
public enum CRC16 {
    /// The reflected 0xA001 table shared by both algorithms.
    static let table: [UInt16] = (0..<256).map { index in
        var value = UInt16(index)
        for _ in 0..<8 {
            value = (value & 1) == 1 ? (value >> 1) ^ 0xA001 : value >> 1
        }
        return value
    }

    /// `highPowers[k * 256 + x]` is H^k(x) for k in 0...7, where H(x) = `table[x] >> 8` is what one
    /// byte of zero does to the register's high byte (the only part of the register that carries
    /// from one byte to the next: `R = T[(R >> 8) ^ b]`).
    static let highPowers: [UInt8] = {
        var powers = [UInt8](repeating: 0, count: 8 * 256)
        for x in 0..<256 {
            var value = UInt8(x)
            for k in 0..<8 {
                powers[k * 256 + x] = value
                value = UInt8(truncatingIfNeeded: table[Int(value)] >> 8)
            }
        }
        return powers
    }()

    /// HJ 212 CRC over raw bytes: register 0xFFFF, per byte `R = T[(R >> 8) ^ b]`.
    public static func hj212(_ bytes: UnsafeRawBufferPointer) -> UInt16 {
        bytes.isEmpty ? 0xFFFF : table[hj212Index(bytes)]
    }

    /// The four uppercase hex digits of each table value, by index: the HJ 212 CRC of any
    /// non-empty data is a table value, so its text need not be made for every frame.
    static let tableTexts: [String] = table.map(hexString)

    /// A sent CRC digit by byte: its hex value (0 for a byte that is not a hex digit) in the low
    /// four bits, and `lowercaseDigit` or `fromA` for the bytes `a` and above.
    static let sentDigits: [UInt8] = (0...255).map { byte in
        let byte = UInt8(byte)
        let flag = byte >= UInt8(ascii: "a") ? (byte <= UInt8(ascii: "f") ? lowercaseDigit : fromA) : 0
        return (hexValue(byte) ?? 0) | flag
    }
    /// `sentDigits` flags: a lowercase hex digit; another byte from `a` up.
    static let lowercaseDigit: UInt8 = 0x10
    static let fromA: UInt8 = 0x20

    /// For non-empty bytes, the index in `table` of their HJ 212 CRC.
    ///
    /// H is linear over GF(2) and its eighth power is the identity (a test checks both). So the
    /// high byte after the first m bytes is H^(m mod 8)(0xFF) XOR, over those bytes, H^((m - i) mod 8)
    /// of byte i: bytes eight apart go through the same power and can be XORed together first.
    /// The bytes are XORed a word at a time, the eight lanes of the result each take one lookup,
    /// and the last byte is folded in whole with the table. No lookup depends on another.
    static func hj212Index(_ bytes: UnsafeRawBufferPointer) -> Int {
        let count = bytes.count
        precondition(count > 0)
        let body = count - 1
        // Words ending at body, body - 8, ...: lane j of each holds a byte (8 - j) mod 8 before body.
        var folded: UInt64 = 0
        var end = body
        while end >= 8 {
            folded ^= bytes.loadUnaligned(fromByteOffset: end - 8, as: UInt64.self).littleEndian
            end -= 8
        }
        // The first (body mod 8) bytes, placed in the lanes they would have in a word ending at `end`.
        var index = 0
        while index < end {
            folded ^= UInt64(bytes[index]) &<< UInt64(truncatingIfNeeded: 8 &* (8 &- end &+ index))
            index += 1
        }
        return highPowers.withUnsafeBufferPointer { powers in
            let p = powers.baseAddress!
            var high = p[(body & 7) &* 256 &+ 0xFF] ^ UInt8(truncatingIfNeeded: folded)
            for lane in 1..<8 {
                high ^= p[(8 &- lane) &* 256 &+ Int(UInt8(truncatingIfNeeded: folded &>> UInt64(8 &* lane)))]
            }
            return Int(high ^ bytes[body])
        }
    }

    /// The plain byte-at-a-time HJ 212 CRC, kept as the reference the sliced one is tested against.
    public static func hj212Reference(_ bytes: UnsafeRawBufferPointer) -> UInt16 {
        table.withUnsafeBufferPointer { table in
            var register: UInt16 = 0xFFFF
            for byte in bytes {
                register = table[Int((register >> 8) ^ UInt16(byte))]
            }
            return register
        }
    }

    /// HJ 212 CRC of any byte collection.
    public static func hj212(_ bytes: some Collection<UInt8>) -> UInt16 {
        CRCAlgorithm.hj212.checksum(bytes)
    }

    /// CRC-16/MODBUS over raw bytes.

    public static func modbus(_ bytes: UnsafeRawBufferPointer) -> UInt16 {
        table.withUnsafeBufferPointer { table in
            var register: UInt16 = 0xFFFF
            for byte in bytes {
                register = (register >> 8) ^ table[Int((register ^ UInt16(byte)) & 0xFF)]
            }
            return register
        }
    }

    /// The value's four uppercase hex digits, zero-padded, as HJ 212 writes it.
    public static func hexString(_ value: UInt16) -> String {
        String(decoding: hexBytes(value), as: UTF8.self)
    }

    /// The value's four uppercase hex digits as ASCII bytes.
    public static func hexBytes(_ value: UInt16) -> [UInt8] {
        let digits: [UInt8] = Array("0123456789ABCDEF".utf8)
        return [
            digits[Int(value >> 12) & 0xF], digits[Int(value >> 8) & 0xF],
            digits[Int(value >> 4) & 0xF], digits[Int(value) & 0xF],
        ]
    }

    /// Whether a value could have come from the HJ 212 algorithm: its low byte is always one of
    /// 00, 01, 40, 41, 80, 81, C0, C1. A cheap hint that a device uses another algorithm.
    public static func isPlausibleHJ212(_ value: UInt16) -> Bool {
        let low = value & 0xFF
        return low & 0x3E == 0
    }
}
