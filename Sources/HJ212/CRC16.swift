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

    /// `sliced[k * 256 + x]` is the register's high byte after `k` (1...16) further bytes of zero,
    /// starting from high byte `x`. The HJ 212 update keeps only the register's high byte
    /// between bytes, and that map is linear over GF(2), so sixteen bytes can be folded in with
    /// one lookup that depends on the previous ones instead of sixteen.
    static let sliced: [UInt8] = {
        var tables = [UInt8](repeating: 0, count: 17 * 256)
        for x in 0..<256 {
            var value = UInt8(x)
            tables[x] = value
            for k in 1...16 {
                value = UInt8(truncatingIfNeeded: table[Int(value)] >> 8)
                tables[k * 256 + x] = value
            }
        }
        return tables
    }()

    /// The XOR of the sliced lookups for the eight bytes of `word`, whose last byte is followed by
    /// `last - 1` more bytes of the block (the first byte's lookup left out when `skipFirst`).
    @inline(__always)
    private static func fold(_ p: UnsafePointer<UInt8>, _ word: UInt64, last: Int, skipFirst: Bool) -> UInt8 {
        @inline(__always) func lookup(_ byte: Int, _ k: Int) -> UInt8 {
            p[k &* 256 &+ Int(UInt8(truncatingIfNeeded: word >> UInt64(byte &* 8)))]
        }
        // Independent lookups, paired so they need not wait on each other.
        let a = lookup(1, last + 6) ^ lookup(2, last + 5)
        let b = lookup(3, last + 4) ^ lookup(4, last + 3)
        let c = lookup(5, last + 2) ^ lookup(6, last + 1)
        let d = lookup(7, last)
        let rest = (a ^ b) ^ (c ^ d)
        return skipFirst ? rest : rest ^ lookup(0, last + 7)
    }

    /// HJ 212 CRC over raw bytes: register 0xFFFF, per byte `R = T[(R >> 8) ^ b]`.
    public static func hj212(_ bytes: UnsafeRawBufferPointer) -> UInt16 {
        let count = bytes.count
        guard count > 0 else { return 0xFFFF }
        return sliced.withUnsafeBufferPointer { sliced in
            table.withUnsafeBufferPointer { table in
                let p = sliced.baseAddress!
                // The register's high byte before each byte; the last byte is folded in whole.
                var high: UInt8 = 0xFF
                var index = 0
                let body = count - 1
                while index + 16 <= body {
                    let first = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self).littleEndian
                    let second = bytes.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self).littleEndian
                    // Only the first byte's lookup waits for the previous block; it goes last.
                    let rest = fold(p, first, last: 9, skipFirst: true) ^ fold(p, second, last: 1, skipFirst: false)
                    let b0 = UInt8(truncatingIfNeeded: first) ^ high
                    high = rest ^ p[16 * 256 + Int(b0)]
                    index += 16
                }
                while index < body {
                    high = p[256 + Int(high ^ bytes[index])]
                    index += 1
                }
                return table[Int(high ^ bytes[body])]
            }
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
