/// The header fields of a data segment, read by name in whatever order they came.
public struct Header: Sendable, Hashable {
    /// Request number, `YYYYMMDDhhmmsszzz`. Often absent from 2005-style uploads.
    public var qn: String?
    /// System type, e.g. 31 (air source), 32 (water source), 91 (interaction).
    public var st: String?
    /// Command number.
    public var cn: String?
    /// Access password. Never log it.
    public var pw: String?
    /// Device identity.
    public var mn: String?
    /// The Flag field as sent, when it was a number.
    public var flag: PacketFlag?
    /// The Flag field's text as sent (it may be absent or not a number).
    public var flagText: String?
    /// Total pieces of a split packet.
    public var pnum: Int?
    /// This piece's number, 1-based.
    public var pno: Int?
    /// 2025 back-fill marker as sent (`RF=1` on back-filled packets).
    public var rf: String?
    /// Header fields this software does not know, kept in frame order.
    public var otherFields: [CPItem]

    public init(
        qn: String? = nil, st: String? = nil, cn: String? = nil, pw: String? = nil, mn: String? = nil,
        flag: PacketFlag? = nil, pnum: Int? = nil, pno: Int? = nil, rf: String? = nil, otherFields: [CPItem] = []
    ) {
        self.qn = qn
        self.st = st
        self.cn = cn
        self.pw = pw
        self.mn = mn
        self.flag = flag

        self.pnum = pnum
        self.pno = pno
        self.rf = rf
        self.otherFields = otherFields
    }

    /// Whether the packet marks itself as back-filled (2025 `RF=1`).
    public var isBackfill: Bool { rf == "1" }
}
