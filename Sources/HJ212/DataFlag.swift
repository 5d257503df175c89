/// A data flag (`xxxxxx-Flag`) as HJ 212 defines it, with unknown letters kept.
///
/// Validity rules belong to the compliance module; this type only names what the device said.
public enum DataFlag: Sendable, Hashable, RawRepresentable, Codable, CustomStringConvertible {
    /// N: instrument working normally.
    case normal
    /// F: instrument stopped (2017/2025); emission source stopped (2005).
    case stopped
    /// M: produced during maintenance.
    case maintenance
    /// S: manually entered set value.
    case manual
    /// D: instrument fault.
    case fault
    /// C: calibrating.
    case calibration
    /// T: above the instrument's measuring upper limit.
    case overRange
    /// B: instrument-to-logger communication fault.
    case communication
    /// P: power failure (2005 only).
    case powerFailure
    /// Anything else, kept exactly as sent (vendor and regional flags, air-quality digits).
    case unknown(String)

    public init(rawValue: String) {
        switch rawValue {
        case "N": self = .normal
        case "F": self = .stopped
        case "M": self = .maintenance
        case "S": self = .manual
        case "D": self = .fault
        case "C": self = .calibration
        case "T": self = .overRange
        case "B": self = .communication
        case "P": self = .powerFailure
        default: self = .unknown(rawValue)
        }
    }

    public var rawValue: String {
        switch self {
        case .normal: "N"
        case .stopped: "F"
        case .maintenance: "M"
        case .manual: "S"
        case .fault: "D"
        case .calibration: "C"
        case .overRange: "T"
        case .communication: "B"
        case .powerFailure: "P"
        case .unknown(let text): text
        }
    }

    public var isKnown: Bool {
        if case .unknown = self { return false }
        return true
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

extension DataFlag {
    /// The flag for a one-letter value, without making a string for the known letters.
    @inline(__always)
    init(byte: UInt8) {
        switch byte {
        case UInt8(ascii: "N"): self = .normal
        case UInt8(ascii: "F"): self = .stopped
        case UInt8(ascii: "M"): self = .maintenance
        case UInt8(ascii: "S"): self = .manual
        case UInt8(ascii: "D"): self = .fault
        case UInt8(ascii: "C"): self = .calibration
        case UInt8(ascii: "T"): self = .overRange
        case UInt8(ascii: "B"): self = .communication
        case UInt8(ascii: "P"): self = .powerFailure
        default: self = .unknown(String(decoding: [byte], as: UTF8.self))
        }
    }

    /// Letters N, F, M, S, D, C, T, B and P as bits above 0x40 (a test checks the list).
    static let knownLetters: UInt64 = 1 << 14 | 1 << 6 | 1 << 13 | 1 << 19 | 1 << 4 | 1 << 3 | 1 << 20 | 1 << 2 | 1 << 16

    /// Whether a byte is the letter of a flag the standard defines.
    @inline(__always)
    static func isKnown(letter: UInt8) -> Bool {
        letter &- 0x40 < 64 && (knownLetters &>> UInt64(letter &- 0x40)) & 1 != 0
    }

    /// The letter of a flag the standard defines, as a byte; nil for `.unknown`.
    var knownLetter: UInt8? {
        switch self {
        case .normal: UInt8(ascii: "N")
        case .stopped: UInt8(ascii: "F")
        case .maintenance: UInt8(ascii: "M")
        case .manual: UInt8(ascii: "S")
        case .fault: UInt8(ascii: "D")
        case .calibration: UInt8(ascii: "C")
        case .overRange: UInt8(ascii: "T")
        case .communication: UInt8(ascii: "B")
        case .powerFailure: UInt8(ascii: "P")
        case .unknown: nil
        }
    }
}
