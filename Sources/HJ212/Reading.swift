/// One pollutant's (or parameter's) values in a data upload: every `code-Suffix` item that
/// shares a code, gathered into one place.
public struct Reading: Sendable, Hashable {
    /// The code in current (2017/2025) form; 2005 codes are mapped.
    public var code: String
    /// The code exactly as sent.
    public var rawCode: String

    /// The ten standard numeric values, stored compactly (a reading is copied often).
    public var values = NumericValues()

    // Stored without optionals: the compiler copies a struct with optional fields once more
    // whenever it builds one, and the decoder builds a reading for every code of every frame.
    /// The flag's letter, 0 for none, or `ReadingExtras.unknownFlag` for a flag kept as text.
    private var flagByte: UInt8
    /// The rarely used parts: empty (no allocation) for most readings, else one element.
    private var extras: [ReadingExtras]

    public var rtd: Double? { get { values[.rtd] } set { values[.rtd] = newValue } }
    public var min: Double? { get { values[.min] } set { values[.min] = newValue } }
    public var avg: Double? { get { values[.avg] } set { values[.avg] = newValue } }
    public var max: Double? { get { values[.max] } set { values[.max] = newValue } }
    public var cou: Double? { get { values[.cou] } set { values[.cou] = newValue } }
    public var zsRtd: Double? { get { values[.zsRtd] } set { values[.zsRtd] = newValue } }
    public var zsMin: Double? { get { values[.zsMin] } set { values[.zsMin] = newValue } }
    public var zsAvg: Double? { get { values[.zsAvg] } set { values[.zsAvg] = newValue } }
    public var zsMax: Double? { get { values[.zsMax] } set { values[.zsMax] = newValue } }
    public var rawAvg: Double? { get { values[.rawAvg] } set { values[.rawAvg] = newValue } }

    public var flag: DataFlag? {
        get {
            switch flagByte {
            case 0: nil
            case ReadingExtras.unknownFlag: .unknown(extras.first?.unknownFlag ?? "")
            default: DataFlag(byte: flagByte)
            }
        }
        set {
            if let letter = newValue?.knownLetter {
                flagByte = letter
            } else if case .unknown(let text)? = newValue {
                flagByte = ReadingExtras.unknownFlag
                updateExtras { $0.unknownFlag = text }
            } else {
                flagByte = 0
            }
        }
    }

    /// The instrument (`PolId`) the values belong to, for device information (3020).
    public var polId: String? {
        get { extras.first?.polId }
        set { if newValue != nil || !extras.isEmpty { updateExtras { $0.polId = newValue } } }
    }

    public var eFlag: String? {
        get { extras.first?.eFlag }
        set { if newValue != nil || !extras.isEmpty { updateExtras { $0.eFlag = newValue } } }
    }

    public var sampleTime: String? {
        get { extras.first?.sampleTime }
        set { if newValue != nil || !extras.isEmpty { updateExtras { $0.sampleTime = newValue } } }
    }

    /// Every other suffix, in frame order, with its value as sent.
    public var other: [SuffixValue] {
        get { extras.first?.other ?? [] }
        set { if !newValue.isEmpty || !extras.isEmpty { updateExtras { $0.other = newValue } } }
    }

    private mutating func updateExtras(_ update: (inout ReadingExtras) -> Void) {
        if extras.isEmpty { extras.append(ReadingExtras()) }
        update(&extras[0])
    }

    public init(code: String, rawCode: String? = nil, polId: String? = nil) {
        self.code = code
        self.rawCode = rawCode ?? code
        flagByte = 0
        extras = []
        if let polId { self.polId = polId }
    }

    /// A reading with its values already read (the fast reader builds them this way).
    /// `flagLetter` is the flag's one letter as a byte, 0 for none.
    @inline(__always)
    init(code: String, rawCode: String, values: NumericValues, flagLetter: UInt8) {
        self.code = code
        self.rawCode = rawCode
        self.values = values
        flagByte = 0
        extras = []
        if flagLetter != 0 {
            let flag = DataFlag(byte: flagLetter)
            if flag.knownLetter != nil {
                flagByte = flagLetter
            } else {
                self.flag = flag
            }
        }
    }

    public static func == (lhs: Reading, rhs: Reading) -> Bool {
        lhs.code == rhs.code && lhs.rawCode == rhs.rawCode && lhs.values == rhs.values && lhs.flag == rhs.flag
            && lhs.polId == rhs.polId && lhs.eFlag == rhs.eFlag && lhs.sampleTime == rhs.sampleTime
            && lhs.other == rhs.other
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(rawCode)
        hasher.combine(values)
        hasher.combine(flag)
        hasher.combine(polId)
        hasher.combine(eFlag)
        hasher.combine(sampleTime)
        hasher.combine(other)
    }

    /// A suffix and its value as sent.
    public struct SuffixValue: Sendable, Hashable {
        public var suffix: String
        public var value: String
        public init(suffix: String, value: String) {
            self.suffix = suffix
            self.value = value
        }
    }

    /// The typed numeric values.
    public enum NumericField: UInt8, Sendable, Hashable, CaseIterable {
        case rtd, min, avg, max, cou, zsRtd, zsMin, zsAvg, zsMax, rawAvg

        /// The suffix as written in frames.
        public var suffix: String {
            switch self {
            case .rtd: "Rtd"
            case .min: "Min"
            case .avg: "Avg"
            case .max: "Max"
            case .cou: "Cou"
            case .zsRtd: "ZsRtd"
            case .zsMin: "ZsMin"
            case .zsAvg: "ZsAvg"
            case .zsMax: "ZsMax"
            case .rawAvg: "RawAvg"
            }
        }
    }

    /// A typed numeric value.
    public subscript(field: NumericField) -> Double? {
        @inline(__always) get { values[field] }
        @inline(__always) set { values[field] = newValue }
    }

    /// The standard numeric suffixes, in the order the standard lists them.
    public static let numericSuffixes: [String] = ["Rtd", "Min", "Avg", "Max", "Cou", "ZsRtd", "ZsMin", "ZsAvg", "ZsMax", "RawAvg"]

    /// The value for a standard numeric suffix.
    public subscript(numeric suffix: String) -> Double? {
        get {
            switch suffix {
            case "Rtd": rtd
            case "Min": min
            case "Avg": avg
            case "Max": max
            case "Cou": cou
            case "ZsRtd": zsRtd
            case "ZsMin": zsMin
            case "ZsAvg": zsAvg
            case "ZsMax": zsMax
            case "RawAvg": rawAvg
            default: nil
            }
        }
        set {
            switch suffix {
            case "Rtd": rtd = newValue
            case "Min": min = newValue
            case "Avg": avg = newValue
            case "Max": max = newValue
            case "Cou": cou = newValue
            case "ZsRtd": zsRtd = newValue
            case "ZsMin": zsMin = newValue
            case "ZsAvg": zsAvg = newValue
            case "ZsMax": zsMax = newValue
            case "RawAvg": rawAvg = newValue
            default: break
            }
        }
    }

    /// Whether `suffix` is one of the standard numeric suffixes.
    public static func isNumericSuffix(_ suffix: some StringProtocol) -> Bool {
        switch suffix {
        case "Rtd", "Min", "Avg", "Max", "Cou", "ZsRtd", "ZsMin", "ZsAvg", "ZsMax", "RawAvg": true
        default: false
        }
    }
}

/// The ten standard numeric values of a reading: present ones marked in a bit mask, so a
/// reading stays small to copy.
public struct NumericValues: Sendable, Hashable {
    private var storage: (Double, Double, Double, Double, Double, Double, Double, Double, Double, Double) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    private var present: UInt16 = 0

    public init() {}

    public subscript(field: Reading.NumericField) -> Double? {
        @inline(__always) get {
            guard present & (1 << field.rawValue) != 0 else { return nil }
            return withUnsafeBytes(of: storage) { $0.load(fromByteOffset: Int(field.rawValue) * 8, as: Double.self) }
        }
        @inline(__always) set {
            if let newValue {
                present |= 1 << field.rawValue
                withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: newValue, toByteOffset: Int(field.rawValue) * 8, as: Double.self) }
            } else {
                present &= ~(1 << field.rawValue)
                withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: 0, toByteOffset: Int(field.rawValue) * 8, as: Double.self) }
            }
        }
    }

    public var isEmpty: Bool { present == 0 }

    /// Values from ten consecutive doubles and a mask of the present ones (used by the fast reader).
    @inline(__always)
    init(_ source: UnsafePointer<Double>, present: UInt16) {
        storage = (source[0], source[1], source[2], source[3], source[4], source[5], source[6], source[7], source[8], source[9])
        self.present = present
    }

    public static func == (lhs: NumericValues, rhs: NumericValues) -> Bool {
        guard lhs.present == rhs.present else { return false }
        return Reading.NumericField.allCases.allSatisfy { lhs[$0] == rhs[$0] }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(present)
        for field in Reading.NumericField.allCases { hasher.combine(self[field]) }
    }
}

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
        switch cn {
        case "2011": self = .realtime
        case "2051": self = .minute
        case "2061": self = .hour
        case "2031": self = .day
        case "2021": self = .state
        case "2041": self = .runtime
        case "2081": self = .boot
        case "3020": self = .info
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

/// The typed content of a data area: `DataTime`, readings by code, and every other item.
public struct DataContent: Sendable, Hashable {
    /// The data kind for the four data levels and the other typed uploads; nil for other CNs.
    public var kind: DataKind?
    public var dataTime: LocalDateTime?
    /// `DataTime` as sent.
    public var dataTimeText: String?
    public var readings: [Reading]
    /// Items that are not `code-Suffix` pairs (and not `DataTime`), in frame order.
    public var fields: [CPItem]

    public init(kind: DataKind? = nil, dataTime: LocalDateTime? = nil, dataTimeText: String? = nil, readings: [Reading] = [], fields: [CPItem] = []) {
        self.kind = kind
        self.dataTime = dataTime
        self.dataTimeText = dataTimeText
        self.readings = readings
        self.fields = fields
    }

    /// The reading for a (current) code.
    public func reading(_ code: String) -> Reading? { readings.first(where: { $0.code == code }) }
}
