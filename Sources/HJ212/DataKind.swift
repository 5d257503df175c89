/// What kind of data an upload carries, from its CN.
public enum DataKind: String, Sendable, Hashable, CaseIterable, Codable {
    case realtime   // 2011
    case minute     // 2051
    case hour       // 2061
    case day        // 2031
    case state      // 2021: facility running state
    case runtime    // 2041: facility daily run time
    case boot       // 2081: logger boot time
    case info       // 3020: field-device information

    public init?(cn: String) {
        guard let word = ByteWords.word(cn) else { return nil }
        self.init(cnWord: word)
    }

    /// The kind for a CN given as its bytes in a word (`ByteWords`; "2011" is 0x3131_3032): a
    /// switch over strings would compare each.
    @inline(__always)
    init?(cnWord: UInt64) {
        switch cnWord {
        case 0x3131_3032: self = .realtime
        case 0x3135_3032: self = .minute
        case 0x3136_3032: self = .hour
        case 0x3133_3032: self = .day
        case 0x3132_3032: self = .state
        case 0x3134_3032: self = .runtime
        case 0x3138_3032: self = .boot
        case 0x3032_3033: self = .info
        default: return nil
        }
    }

    public var cn: String {
        switch self {
        case .realtime: "2011"
        case .minute: "2051"
        case .hour: "2061"
        case .day: "2031"
        case .state: "2021"
        case .runtime: "2041"
        case .boot: "2081"
        case .info: "3020"
        }
    }

    /// Whether the kind carries pollutant measurements (the four data levels).
    public var isMeasurement: Bool {
        switch self {
        case .realtime, .minute, .hour, .day: true
        default: false
        }
    }
}
