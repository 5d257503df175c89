/// The header fields of a data segment, read by name in whatever order they came.
public struct Header: Sendable, Hashable {
    // Stored without optionals: the compiler copies a struct with optional fields once more
    // whenever it builds or returns one, and the decoder makes a header for every frame. Each
    // field keeps its value (empty or zero when absent) and a bit in `present`.
    private var qnValue = "", stValue = "", cnValue = "", pwValue = "", mnValue = "", flagTextValue = "", rfValue = ""
    private var pnumValue = 0, pnoValue = 0
    private var flagValue: UInt8 = 0
    private var present: UInt16 = 0
    /// QN, PW and MN as read from a frame: their bytes, made into strings on access
    /// (`InlineText`). A bit in `inline` says the field's value is there rather than in
    /// `qnValue`/`pwValue`/`mnValue`.
    private var qnInline = InlineText(), pwInline = InlineText(), mnInline = InlineText()
    private var inline: UInt16 = 0

    /// Header fields this software does not know, kept in frame order.
    public var otherFields: [CPItem]

    private enum Field {
        static let qn: UInt16 = 1
        static let st: UInt16 = 2
        static let cn: UInt16 = 4
        static let pw: UInt16 = 8
        static let mn: UInt16 = 16
        static let flag: UInt16 = 32
        static let flagText: UInt16 = 64
        static let pnum: UInt16 = 128
        static let pno: UInt16 = 256
        static let rf: UInt16 = 512
    }

    @inline(__always)
    private func get<T>(_ bit: UInt16, _ value: T) -> T? { present & bit != 0 ? value : nil }

    @inline(__always)
    private static func set<T>(_ bit: UInt16, _ newValue: T?, _ absent: T, _ value: inout T, _ present: inout UInt16) {
        if let newValue {
            value = newValue
            present |= bit
        } else {
            value = absent
            present &= ~bit
        }
    }

    /// Request number, `YYYYMMDDhhmmsszzz`. Often absent from 2005-style uploads.
    public var qn: String? {
        get { inline & Field.qn != 0 ? qnInline.string : get(Field.qn, qnValue) }
        set {
            inline &= ~Field.qn
            qnInline = InlineText()
            Self.set(Field.qn, newValue, "", &qnValue, &present)
        }
    }
    /// System type, e.g. 31 (air source), 32 (water source), 91 (interaction).
    public var st: String? {
        get { get(Field.st, stValue) }
        set { Self.set(Field.st, newValue, "", &stValue, &present) }
    }
    /// Command number.
    public var cn: String? {
        get { get(Field.cn, cnValue) }
        set { Self.set(Field.cn, newValue, "", &cnValue, &present) }
    }
    /// Access password. Never log it.
    public var pw: String? {
        get { inline & Field.pw != 0 ? pwInline.string : get(Field.pw, pwValue) }
        set {
            inline &= ~Field.pw
            pwInline = InlineText()
            Self.set(Field.pw, newValue, "", &pwValue, &present)
        }
    }
    /// Device identity.
    public var mn: String? {
        get { inline & Field.mn != 0 ? mnInline.string : get(Field.mn, mnValue) }
        set {
            inline &= ~Field.mn
            mnInline = InlineText()
            Self.set(Field.mn, newValue, "", &mnValue, &present)
        }
    }

    /// Whether QN is present, without making its string.
    var hasQN: Bool { present & Field.qn != 0 }
    /// Whether MN is present, without making its string.
    var hasMN: Bool { present & Field.mn != 0 }

    /// Sets QN from a frame's bytes, kept until the string is asked for.
    @inline(__always)
    mutating func setQN(_ text: InlineText) {
        if !qnValue.isEmpty { qnValue = "" }
        present |= Field.qn
        qnInline = text
        inline |= Field.qn
    }

    /// Sets PW from a frame's bytes, kept until the string is asked for.
    @inline(__always)
    mutating func setPW(_ text: InlineText) {
        if !pwValue.isEmpty { pwValue = "" }
        present |= Field.pw
        pwInline = text
        inline |= Field.pw
    }

    /// Sets MN from a frame's bytes, kept until the string is asked for.
    @inline(__always)
    mutating func setMN(_ text: InlineText) {
        if !mnValue.isEmpty { mnValue = "" }
        present |= Field.mn
        mnInline = text
        inline |= Field.mn
    }
    /// The Flag field as sent, when it was a number.
    public var flag: PacketFlag? {
        get { present & Field.flag != 0 ? PacketFlag(rawValue: flagValue) : nil }
        set { Self.set(Field.flag, newValue?.rawValue, 0, &flagValue, &present) }
    }
    /// The Flag field's text as sent (it may be absent or not a number).
    public var flagText: String? {
        get { get(Field.flagText, flagTextValue) }
        set { Self.set(Field.flagText, newValue, "", &flagTextValue, &present) }
    }
    /// Total pieces of a split packet.
    public var pnum: Int? {
        get { get(Field.pnum, pnumValue) }
        set { Self.set(Field.pnum, newValue, 0, &pnumValue, &present) }
    }
    /// This piece's number, 1-based.
    public var pno: Int? {
        get { get(Field.pno, pnoValue) }
        set { Self.set(Field.pno, newValue, 0, &pnoValue, &present) }
    }
    /// 2025 back-fill marker as sent (`RF=1` on back-filled packets).
    public var rf: String? {
        get { get(Field.rf, rfValue) }
        set { Self.set(Field.rf, newValue, "", &rfValue, &present) }
    }

    public init(
        qn: String? = nil, st: String? = nil, cn: String? = nil, pw: String? = nil, mn: String? = nil,
        flag: PacketFlag? = nil, pnum: Int? = nil, pno: Int? = nil, rf: String? = nil, otherFields: [CPItem] = []
    ) {
        self.otherFields = otherFields
        self.qn = qn
        self.st = st
        self.cn = cn
        self.pw = pw
        self.mn = mn
        self.flag = flag
        self.pnum = pnum
        self.pno = pno
        self.rf = rf
    }

    /// Whether the packet marks itself as back-filled (2025 `RF=1`).
    public var isBackfill: Bool { present & Field.rf != 0 && rfValue == "1" }

    // An absent field always holds its empty value, so comparing the stored values compares the
    // fields; QN, PW and MN are compared as strings, wherever they are kept.
    public static func == (lhs: Header, rhs: Header) -> Bool {
        lhs.present == rhs.present && lhs.qn == rhs.qn && lhs.stValue == rhs.stValue
            && lhs.cnValue == rhs.cnValue && lhs.pw == rhs.pw && lhs.mn == rhs.mn
            && lhs.flagValue == rhs.flagValue && lhs.flagTextValue == rhs.flagTextValue
            && lhs.pnumValue == rhs.pnumValue && lhs.pnoValue == rhs.pnoValue && lhs.rfValue == rhs.rfValue
            && lhs.otherFields == rhs.otherFields
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(present)
        hasher.combine(qn)
        hasher.combine(stValue)
        hasher.combine(cnValue)
        hasher.combine(pw)
        hasher.combine(mn)
        hasher.combine(flagValue)
        hasher.combine(flagTextValue)
        hasher.combine(pnumValue)
        hasher.combine(pnoValue)
        hasher.combine(rfValue)
        hasher.combine(otherFields)
    }
}
