/// The header fields of a data segment, read by name in whatever order they came.
public struct Header: Sendable, Hashable {
    // No field is a string, so that a header holds two references (its rare long values and its
    // unknown fields) and making and destroying one costs no string retains and releases: QN, PW
    // and MN keep their bytes (`InlineText`, up to 32), ST, CN, the Flag's text and RF a slot of
    // the intern table or their bytes (`CodeRef`, up to 15), each made a string on access. A
    // longer value is kept as a string in `longValues`, with its bit in `long`. Each field has a
    // bit in `present`; an absent field's storage is not looked at.
    private var qnText = InlineText(), pwText = InlineText(), mnText = InlineText()
    private var stRef = CodeRef.inExtras, cnRef = CodeRef.inExtras, flagTextRef = CodeRef.inExtras, rfRef = CodeRef.inExtras
    private var pnumValue = 0, pnoValue = 0
    private var flagValue: UInt8 = 0
    private var present: UInt16 = 0
    private var long: UInt16 = 0
    private var longValues: [HeaderLongValues] = []

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

    /// A field kept as bytes: its string, nil when absent.
    @inline(__always)
    private func text(_ bit: UInt16, _ text: InlineText) -> String? {
        present & bit == 0 ? nil : long & bit == 0 ? text.string : longValues.first?[bit]
    }

    /// A field kept as a code reference: its string, nil when absent.
    @inline(__always)
    private func text(_ bit: UInt16, _ ref: CodeRef) -> String? {
        present & bit == 0 ? nil : long & bit == 0 ? ref.string : longValues.first?[bit]
    }

    /// QN, PW and MN as kept inline, when all three are present and none is long: what the
    /// platform's answers copy (see `Reply.encodedDataAck`).
    var answerFields: (qn: InlineText, pw: InlineText, mn: InlineText)? {
        let fields = Field.qn | Field.pw | Field.mn
        guard present & fields == fields, long & fields == 0 else { return nil }
        return (qnText, pwText, mnText)
    }

    /// A value for a field kept as bytes: its bytes, or the value itself when it is long.
    private static func inline(_ value: String?) -> (InlineText, long: String?) {
        guard let value else { return (InlineText(), nil) }
        if let text = InlineText(value) { return (text, nil) }
        return (InlineText(), value)
    }

    /// A value for a field kept as a code reference: its reference, or the value itself when it is long.
    private static func reference(_ value: String?) -> (CodeRef, long: String?) {
        guard let value else { return (.inExtras, nil) }
        if let ref = CodeRef(value) { return (ref, nil) }
        return (.inExtras, value)
    }

    /// Marks a field set (or absent) and keeps or forgets its long value.
    private mutating func finish(_ bit: UInt16, isSet: Bool, long value: String?) {
        setLong(bit, value)
        if isSet { present |= bit } else { present &= ~bit }
    }

    /// Keeps a field's long value, or forgets it (nil).
    private mutating func setLong(_ bit: UInt16, _ value: String?) {
        guard value != nil || long & bit != 0 else { return }
        if longValues.isEmpty { longValues.append(HeaderLongValues()) }
        longValues[0][bit] = value
        if value != nil { long |= bit } else { long &= ~bit }
    }

    /// Request number, `YYYYMMDDhhmmsszzz`. Often absent from 2005-style uploads.
    public var qn: String? {
        get { text(Field.qn, qnText) }
        set {
            let value = Self.inline(newValue)
            qnText = value.0
            finish(Field.qn, isSet: newValue != nil, long: value.long)
        }
    }
    /// System type, e.g. 31 (air source), 32 (water source), 91 (interaction).
    public var st: String? {
        get { text(Field.st, stRef) }
        set {
            let value = Self.reference(newValue)
            stRef = value.0
            finish(Field.st, isSet: newValue != nil, long: value.long)
        }
    }
    /// Command number.
    public var cn: String? {
        get { text(Field.cn, cnRef) }
        set {
            let value = Self.reference(newValue)
            cnRef = value.0
            finish(Field.cn, isSet: newValue != nil, long: value.long)
        }
    }
    /// Access password. Never log it.
    public var pw: String? {
        get { text(Field.pw, pwText) }
        set {
            let value = Self.inline(newValue)
            pwText = value.0
            finish(Field.pw, isSet: newValue != nil, long: value.long)
        }
    }
    /// Device identity.
    public var mn: String? {
        get { text(Field.mn, mnText) }
        set {
            let value = Self.inline(newValue)
            mnText = value.0
            finish(Field.mn, isSet: newValue != nil, long: value.long)
        }
    }

    /// Whether QN is present, without making its string.
    var hasQN: Bool { present & Field.qn != 0 }
    /// Whether MN is present, without making its string.
    var hasMN: Bool { present & Field.mn != 0 }
    /// Whether ST is present, without making its string.
    var hasST: Bool { present & Field.st != 0 }
    /// Whether CN is present, without making its string.
    var hasCN: Bool { present & Field.cn != 0 }
    /// Whether the Flag's text is present, without making its string.
    var hasFlagText: Bool { present & Field.flagText != 0 }
    /// Whether RF is present, without making its string.
    var hasRF: Bool { present & Field.rf != 0 }

    // The reader's setters: the header's field starts absent (no long value to forget).

    /// Sets QN from a frame's bytes, kept until the string is asked for.
    @inline(__always)
    mutating func setQN(_ text: InlineText) {
        qnText = text
        present |= Field.qn
    }

    /// Sets PW from a frame's bytes, kept until the string is asked for.
    @inline(__always)
    mutating func setPW(_ text: InlineText) {
        pwText = text
        present |= Field.pw
    }

    /// Sets MN from a frame's bytes, kept until the string is asked for.
    @inline(__always)
    mutating func setMN(_ text: InlineText) {
        mnText = text
        present |= Field.mn
    }

    /// Sets ST from a code reference (`CodeRef`) to its value.
    @inline(__always)
    mutating func setST(_ ref: CodeRef) {
        stRef = ref
        present |= Field.st
    }

    /// Sets CN from a code reference (`CodeRef`) to its value.
    @inline(__always)
    mutating func setCN(_ ref: CodeRef) {
        cnRef = ref
        present |= Field.cn
    }

    /// Sets the Flag's text from a code reference (`CodeRef`) to it.
    @inline(__always)
    mutating func setFlagText(_ ref: CodeRef) {
        flagTextRef = ref
        present |= Field.flagText
    }

    /// The Flag field as sent, when it was a number.
    public var flag: PacketFlag? {
        get { present & Field.flag != 0 ? PacketFlag(rawValue: flagValue) : nil }
        set { Self.set(Field.flag, newValue?.rawValue, 0, &flagValue, &present) }
    }
    /// The Flag field's text as sent (it may be absent or not a number).
    public var flagText: String? {
        get { text(Field.flagText, flagTextRef) }
        set {
            let value = Self.reference(newValue)
            flagTextRef = value.0
            finish(Field.flagText, isSet: newValue != nil, long: value.long)
        }
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
        get { text(Field.rf, rfRef) }
        set {
            let value = Self.reference(newValue)
            rfRef = value.0
            finish(Field.rf, isSet: newValue != nil, long: value.long)
        }
    }

    public init(
        qn: String? = nil, st: String? = nil, cn: String? = nil, pw: String? = nil, mn: String? = nil,
        flag: PacketFlag? = nil, pnum: Int? = nil, pno: Int? = nil, rf: String? = nil, otherFields: [CPItem] = []
    ) {
        // Only the fields given: the others are absent already (and a header is made for every frame).
        self.otherFields = otherFields
        if let qn { self.qn = qn }
        if let st { self.st = st }
        if let cn { self.cn = cn }
        if let pw { self.pw = pw }
        if let mn { self.mn = mn }
        if let flag { self.flag = flag }
        if let pnum { self.pnum = pnum }
        if let pno { self.pno = pno }
        if let rf { self.rf = rf }
    }

    /// Whether the packet marks itself as back-filled (2025 `RF=1`).
    public var isBackfill: Bool { hasRF && rf == "1" }

    // Fields compare as the strings they are, wherever they are kept; an absent field as nil.
    public static func == (lhs: Header, rhs: Header) -> Bool {
        lhs.present == rhs.present && lhs.qn == rhs.qn && lhs.st == rhs.st && lhs.cn == rhs.cn && lhs.pw == rhs.pw
            && lhs.mn == rhs.mn && lhs.flag == rhs.flag && lhs.flagText == rhs.flagText && lhs.pnum == rhs.pnum
            && lhs.pno == rhs.pno && lhs.rf == rhs.rf && lhs.otherFields == rhs.otherFields
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(present)
        hasher.combine(qn)
        hasher.combine(st)
        hasher.combine(cn)
        hasher.combine(pw)
        hasher.combine(mn)
        hasher.combine(flag?.rawValue)
        hasher.combine(flagText)
        hasher.combine(pnum)
        hasher.combine(pno)
        hasher.combine(rf)
        hasher.combine(otherFields)
    }
}

/// A header's values too long to keep inline (`Header`), by field bit.
struct HeaderLongValues: Sendable, Hashable {
    private var values: [UInt16: String] = [:]

    subscript(bit: UInt16) -> String? {
        get { values[bit] }
        set { values[bit] = newValue }
    }
}
