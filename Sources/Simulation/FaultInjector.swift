import HJ212

/// The faults a simulated device can put into what it sends.
public enum InjectedFault: String, Sendable, Hashable, CaseIterable {
    case badCRC = "bad_crc"
    case modbusCRC = "modbus_crc"
    case wrongLength = "wrong_length"
    case splitWrite = "split_writes"
    case severalPerWrite = "several_per_write"
    case junk
    case duplicate = "duplicates"
    case wrongPassword = "wrong_password"
    case disconnect = "disconnect"
}

/// Writes frames the way a faulty logger does, from a device's `FaultSpec` and a seeded
/// generator. Pure: bytes in, bytes out.
///
/// Frame faults (`encode`): a wrong CRC, a CRC-16/MODBUS, a wrong length field. Transport
/// faults (`writes`): junk before a frame, a frame cut into several writes, several frames in
/// one write.
public struct FaultInjector: Sendable {
    public let faults: FaultSpec
    public private(set) var random: SeededRandom
    /// How often each fault was injected.
    public private(set) var counts: [InjectedFault: Int] = [:]

    public init(faults: FaultSpec, random: SeededRandom) {
        self.faults = faults
        self.random = random
    }

    mutating func note(_ fault: InjectedFault) { counts[fault, default: 0] += 1 }

    /// Whether the next frame should be sent twice.
    public mutating func rollDuplicate() -> Bool {
        guard random.chance(faults.duplicates) else { return false }
        note(.duplicate)
        return true
    }

    /// Whether the next frame should carry a wrong password.
    public mutating func rollWrongPassword() -> Bool {
        guard random.chance(faults.wrongPassword) else { return false }
        note(.wrongPassword)
        return true
    }

    /// A wrong password that differs from `password`.
    public static func wrongPassword(for password: String) -> String {
        password == "000000" ? "999999" : "000000"
    }

    /// Encodes a packet, then spoils its CRC or length field as the fault rates say.
    public mutating func encode(_ packet: OutgoingPacket, key: SM4Key?) -> [UInt8] {
        var algorithm = CRCAlgorithm.hj212
        let badCRC = random.chance(faults.badCRC)
        if !badCRC && random.chance(faults.modbusCRC) {
            algorithm = .modbus
            note(.modbusCRC)
        }
        var bytes = packet.encode(options: EncodeOptions(sm4Key: key, crcAlgorithm: algorithm))
        if badCRC {
            Self.spoilCRC(&bytes, xor: UInt16(truncatingIfNeeded: 1 + random.next() % 0xFFFE))
            note(.badCRC)
        }
        if random.chance(faults.wrongLength) {
            let delta = Int(1 + random.next() % 40) * (random.chance(0.5) ? 1 : -1)
            Self.setLength(&bytes, to: Self.length(of: bytes) + delta)
            note(.wrongLength)
        }
        return bytes
    }

    /// The 4-digit length field of a frame.
    public static func length(of frame: [UInt8]) -> Int {
        frame[2..<6].reduce(0) { $0 * 10 + Int($1 &- 0x30) }
    }

    /// Rewrites the length field (to another value when `value` is out of range or unchanged).
    static func setLength(_ frame: inout [UInt8], to value: Int) {
        var target = value
        let actual = length(of: frame)
        if target < 0 || target > 9999 || target == actual { target = actual > 20 ? actual - 7 : actual + 7 }
        let digits = Array(String(target).utf8)
        let padded = [UInt8](repeating: UInt8(ascii: "0"), count: 4 - digits.count) + digits
        frame.replaceSubrange(2..<6, with: padded)
    }

    /// XORs the CRC digits (the 4 hex digits before CR LF) with `xor`, which must be non-zero.
    static func spoilCRC(_ frame: inout [UInt8], xor: UInt16) {
        let end = frame.count >= 2 && frame[frame.count - 2] == 0x0D ? frame.count - 2 : frame.count
        let range = (end - 4)..<end
        let text = String(decoding: frame[range], as: UTF8.self)
        let value = (UInt16(text, radix: 16) ?? 0) ^ (xor == 0 ? 1 : xor)
        frame.replaceSubrange(range, with: CRC16.hexBytes(value))
    }

    /// Junk a line might carry: modem chatter or binary noise, never a `#`.
    mutating func junkBytes() -> [UInt8] {
        if random.chance(0.3) { return Array("\r\nAT+CSQ\r\n+CSQ: 18,99\r\nOK\r\n".utf8) }
        let count = Int(1 + random.next() % 48)
        return (0..<count).map { _ in
            let byte = UInt8(truncatingIfNeeded: random.next())
            return byte == UInt8(ascii: "#") ? 0x00 : byte
        }
    }

    /// The writes for a batch of frames: junk before some, several frames in one write, some
    /// writes cut into two to four pieces. Without faults, one write per frame.
    public mutating func writes(for frames: [[UInt8]]) -> [[UInt8]] {
        var writes: [[UInt8]] = []
        var held: [UInt8] = []
        var heldFrames = 0
        func emit(_ bytes: [UInt8], _ injector: inout FaultInjector) {
            if injector.random.chance(injector.faults.splitWrites) && bytes.count >= 4 {
                injector.note(.splitWrite)
                let pieces = Int(2 + injector.random.next() % 3)
                var cuts = Set<Int>()
                while cuts.count < pieces - 1 { cuts.insert(Int(1 + injector.random.next() % UInt64(bytes.count - 1))) }
                var last = 0
                for cut in cuts.sorted() {
                    writes.append(Array(bytes[last..<cut]))
                    last = cut
                }
                writes.append(Array(bytes[last...]))
            } else {
                writes.append(bytes)
            }
        }
        for frame in frames {
            var bytes: [UInt8] = []
            if random.chance(faults.junk) {
                bytes += junkBytes()
                note(.junk)
            }
            bytes += frame
            if random.chance(faults.severalPerWrite) {
                held += bytes
                heldFrames += 1
                continue
            }
            if heldFrames > 0 { note(.severalPerWrite) }
            emit(held + bytes, &self)
            held = []
            heldFrames = 0
        }
        if !held.isEmpty {
            if heldFrames > 1 { note(.severalPerWrite) }
            emit(held, &self)
        }
        return writes
    }
}
