/// A decoded HJ 212 packet: header, data area, typed content, and every problem found.
///
/// A packet is produced even when the frame is refused, so that the reason can be shown
/// and stored with the raw bytes; `isAccepted` says whether the policy accepts it.
public struct Packet: Sendable, Hashable {
    public var header: Header
    /// `DataTime`, readings by code, and the remaining items.
    public var content: DataContent
    /// The edition the frame was read by (from Flag bits 7..2; Flag-less frames read as 2005).
    public var edition: Edition
    /// Whether the data area came SM4-encrypted.
    public var wasEncrypted: Bool
    /// The CRC the frame carried, and the algorithm that matched it (nil when none did).
    public var crc: CRCCheck
    /// Everything that deviates from the standard, as warnings or errors.
    public var problems: [Problem]

    /// The (plaintext) bytes holding the data area, and where it sits in them. For a plain
    /// frame these are the frame's own bytes, shared rather than copied.
    var storage: [UInt8]
    var dataAreaRange: Range<Int>

    public init(
        header: Header, dataArea: DataArea = DataArea(), content: DataContent = DataContent(), edition: Edition,
        wasEncrypted: Bool = false, crc: CRCCheck = CRCCheck(), problems: [Problem] = []
    ) {
        self.header = header
        self.content = content
        self.edition = edition
        self.wasEncrypted = wasEncrypted
        self.crc = crc
        self.problems = problems
        storage = Array(dataArea.text.utf8)
        dataAreaRange = 0..<storage.count
    }

    init(
        header: Header, storage: [UInt8], dataAreaRange: Range<Int>, content: DataContent, edition: Edition,
        wasEncrypted: Bool, crc: CRCCheck, problems: [Problem]
    ) {
        self.header = header
        self.storage = storage
        self.dataAreaRange = dataAreaRange
        self.content = content
        self.edition = edition
        self.wasEncrypted = wasEncrypted
        self.crc = crc
        self.problems = problems
    }

    /// The data area's items in frame order (decrypted when the frame was encrypted).
    public var dataArea: DataArea {
        get {
            var ignored: [Problem] = []
            return storage.withUnsafeBytes { raw in
                DataArea(items: DataAreaParser.parse(UnsafeRawBufferPointer(rebasing: raw[dataAreaRange]), baseOffset: 0, problems: &ignored))
            }
        }
        set {
            storage = Array(newValue.text.utf8)
            dataAreaRange = 0..<storage.count
        }
    }

    /// The data area's bytes, between `CP=&&` and the closing `&&` (plaintext).
    public var dataAreaBytes: ArraySlice<UInt8> { storage[dataAreaRange] }

    public static func == (lhs: Packet, rhs: Packet) -> Bool {
        lhs.header == rhs.header && lhs.content == rhs.content && lhs.edition == rhs.edition
            && lhs.wasEncrypted == rhs.wasEncrypted && lhs.crc == rhs.crc && lhs.problems == rhs.problems
            && lhs.dataAreaBytes == rhs.dataAreaBytes
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(header)
        hasher.combine(content)
        hasher.combine(dataAreaBytes)
    }

    /// True when no problem is an error under the policy used.
    public var isAccepted: Bool { !problems.contains(where: \.isError) }

    /// The errors that refused the frame.
    public var errors: [Problem] { problems.filter(\.isError) }

    /// The kind of data carried, for data uploads.
    public var kind: DataKind? { content.kind }
}

/// The outcome of the CRC comparison.
public struct CRCCheck: Sendable, Hashable {
    /// The CRC digits as sent.
    public var sent: String {
        get { sentTableIndex >= 0 ? CRC16.tableTexts[sentTableIndex] : sentText }
        set {
            sentText = newValue
            sentTableIndex = -1
        }
    }
    /// The HJ 212 CRC of the (plaintext) data segment.
    public var computed: UInt16?
    /// The algorithm whose value matched the sent CRC, if any.
    public var matched: CRCAlgorithm?

    // The usual sent text, the four uppercase digits of a value of the CRC table, is kept as the
    // value's index in the table (`CRC16.tableTexts`), -1 otherwise, and made on access.
    private var sentText: String
    private var sentTableIndex = -1

    public init(sent: String = "", computed: UInt16? = nil, matched: CRCAlgorithm? = nil) {
        sentText = sent
        self.computed = computed
        self.matched = matched
    }

    /// A check whose sent text is the four uppercase digits of `CRC16.table[index]`.
    init(sentTableIndex index: Int, computed: UInt16) {
        sentText = ""
        sentTableIndex = index
        self.computed = computed
    }

    public static func == (lhs: CRCCheck, rhs: CRCCheck) -> Bool {
        lhs.sent == rhs.sent && lhs.computed == rhs.computed && lhs.matched == rhs.matched
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(sent)
        hasher.combine(computed)
        hasher.combine(matched)
    }
}

/// Whether deviations from the standard are tolerated.
public enum DecodePolicy: String, Sendable, Hashable, CaseIterable, Codable {
    /// Accept what real devices send and attach warnings (the default).
    case lenient
    /// Refuse any deviation.
    case strict
}

/// How to decode frames from one device (or from an unknown one).
public struct DecodeOptions: Sendable, Hashable {
    public var policy: DecodePolicy
    /// CRC algorithms accepted besides HJ 212, as a per-device quirk.
    public var extraCRCAlgorithms: Set<CRCAlgorithm>
    /// The device's SM4 key, for 2025 encrypted data areas.
    public var sm4Key: SM4Key?
    /// Code tables for the 2005 code map.
    public var tables: CodeTables
    /// Whether the decoder may take its fast paths (the word-wise header and data-area readers,
    /// which hand anything unusual to the general ones). Off only to check the fast paths against
    /// the general readers, in tests and in the fuzzer: both must give the same packet.
    @_spi(Readers) public var usesFastReaders = true

    public init(policy: DecodePolicy = .lenient, extraCRCAlgorithms: Set<CRCAlgorithm> = [], sm4Key: SM4Key? = nil, tables: CodeTables = .shipped) {
        self.policy = policy
        self.extraCRCAlgorithms = extraCRCAlgorithms
        self.sm4Key = sm4Key
        self.tables = tables
    }

    public static func == (lhs: DecodeOptions, rhs: DecodeOptions) -> Bool {
        lhs.policy == rhs.policy && lhs.extraCRCAlgorithms == rhs.extraCRCAlgorithms && lhs.sm4Key == rhs.sm4Key
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(policy)
        hasher.combine(extraCRCAlgorithms)
        hasher.combine(sm4Key)
    }
}
