/// One pollutant's (or parameter's) values in a data upload: every `code-Suffix` item that
/// shares a code, gathered into one place.
public struct Reading: Sendable, Hashable {
    /// The code in current (2017/2025) form; 2005 codes are mapped.
    public var code: String {
        get { codeRef.isInExtras ? extras.first?.code ?? "" : codeRef.string }
        set {
            if let ref = CodeRef(newValue) {
                codeRef = ref
                if extras.first?.code != nil { extras[0].code = nil }
            } else {
                codeRef = .inExtras
                updateExtras { $0.code = newValue }
            }
        }
    }
    /// The code exactly as sent.
    public var rawCode: String {
        get { rawCodeRef.isInExtras ? extras.first?.rawCode ?? "" : rawCodeRef.string }
        set {
            if let ref = CodeRef(newValue) {
                rawCodeRef = ref
                if extras.first?.rawCode != nil { extras[0].rawCode = nil }
            } else {
                rawCodeRef = .inExtras
                updateExtras { $0.rawCode = newValue }
            }
        }
    }

    /// The ten standard numeric values, stored compactly (a reading is copied often).
    public var values = NumericValues()

    // The codes are kept as slots of the shipped intern table or as their bytes (`CodeRef`), not
    // as strings: a reading then holds one reference (its extras), and the decoder makes and
    // destroys one for every code of every frame. A code of more than 15 bytes is in the extras.
    private var codeRef: CodeRef
    private var rawCodeRef: CodeRef
    // Stored without optionals: the compiler copies a struct with optional fields once more
    // whenever it builds one, and the decoder builds a reading for every code of every frame.
    /// The flag's letter, 0 for none, or `ReadingExtras.unknownFlag` for a flag kept as text.
    private var flagByte: UInt64
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
            case UInt64(ReadingExtras.unknownFlag): .unknown(extras.first?.unknownFlag ?? "")
            default: DataFlag(byte: UInt8(truncatingIfNeeded: flagByte))
            }
        }
        set {
            if let letter = newValue?.knownLetter {
                flagByte = UInt64(letter)
            } else if case .unknown(let text)? = newValue {
                flagByte = UInt64(ReadingExtras.unknownFlag)
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
        codeRef = .inExtras
        rawCodeRef = .inExtras
        flagByte = 0
        extras = []
        self.code = code
        self.rawCode = rawCode ?? code
        if let polId { self.polId = polId }
    }

    /// A reading with its values already read. `flagLetter` is the flag's one letter as a byte,
    /// 0 for none.
    init(code: String, rawCode: String, values: NumericValues, flagLetter: UInt8) {
        self.init(code: code, rawCode: rawCode)
        self.values = values
        setFlag(letter: flagLetter)
    }

    /// A reading whose flag is none or a letter of the standard's (`DataFlag.isKnown(letter:)`),
    /// built with plain stores and no call, so that it can be written straight into an array's
    /// storage: a reading built aside is copied with wide loads of what was just written in
    /// narrow stores, which the processor cannot forward and waits for. The fast reader builds
    /// its readings this way.
    @inline(__always)
    init(codeRef: CodeRef, rawCodeRef: CodeRef, values: UnsafePointer<Double>, present: UInt16, knownFlagLetter: UInt8) {
        self.codeRef = codeRef
        self.rawCodeRef = rawCodeRef
        self.values = NumericValues(values, present: present)
        flagByte = UInt64(knownFlagLetter)
        extras = []
    }

    /// Sets the flag from its one letter as a byte (0 for none), without a string for the known ones.
    @inline(__always)
    mutating func setFlag(letter: UInt8) {
        if DataFlag.isKnown(letter: letter) {
            flagByte = UInt64(letter)
        } else {
            flag = letter != 0 ? DataFlag(byte: letter) : nil
        }
    }

    public static func == (lhs: Reading, rhs: Reading) -> Bool {
        CodeRef.same(lhs.codeRef, rhs.codeRef) { lhs.code == rhs.code }
            && CodeRef.same(lhs.rawCodeRef, rhs.rawCodeRef) { lhs.rawCode == rhs.rawCode }
            && lhs.values == rhs.values && lhs.flag == rhs.flag
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
