/// The HJ 212 edition a frame is read by.
///
/// Devices in the field speak all three at once; the edition sits in Flag bits 7..2.
public enum Edition: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    /// HJ/T 212-2005: no version bits, old factor codes, replies carry QN inside CP.
    case hj2005 = "2005"
    /// HJ 212-2017: version bits 000001 (Flag 4..7).
    case hj2017 = "2017"
    /// HJ 212-2025: version bits 000010 (Flag 8..11), SM4 data area, RF, 9015 heartbeat.
    case hj2025 = "2025"

    /// The version number carried in Flag bits 7..2.
    public var versionBits: UInt8 {
        switch self {
        case .hj2005: 0
        case .hj2017: 1
        case .hj2025: 2
        }
    }

    /// The edition for a version number, or nil for versions this software does not know.
    public init?(versionBits: UInt8) {
        switch versionBits {
        case 0: self = .hj2005
        case 1: self = .hj2017
        case 2: self = .hj2025
        default: return nil
        }
    }

    public static func < (lhs: Edition, rhs: Edition) -> Bool { lhs.versionBits < rhs.versionBits }
}

/// The header's `Flag` field: version bits, the D bit (PNUM/PNO present) and the A bit (answer wanted).
public struct PacketFlag: Sendable, Hashable, RawRepresentable, Codable {
    public var rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public init(edition: Edition, answerWanted: Bool = false, split: Bool = false) {
        rawValue = edition.versionBits << 2 | (split ? 0b10 : 0) | (answerWanted ? 0b01 : 0)
    }

    /// Bit 0: the receiver must answer.
    public var answerWanted: Bool { rawValue & 0b01 != 0 }
    /// Bit 1: PNUM and PNO are present.
    public var isSplit: Bool { rawValue & 0b10 != 0 }
    /// Bits 7..2.
    public var versionBits: UInt8 { rawValue >> 2 }
    /// The edition, when the version bits name one this software knows.
    public var edition: Edition? { Edition(versionBits: versionBits) }

    /// The flag for a reply: the same version bits, A and D cleared.
    public var forReply: PacketFlag { PacketFlag(rawValue: rawValue & ~0b11) }
}
