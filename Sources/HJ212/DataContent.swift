/// The typed content of a data area: `DataTime`, readings by code, and every other item.
public struct DataContent: Sendable, Hashable {
    /// The data kind for the four data levels and the other typed uploads; nil for other CNs.
    public var kind: DataKind?
    public var dataTime: LocalDateTime?
    public var readings: [Reading]
    /// Items that are not `code-Suffix` pairs (and not `DataTime`), in frame order.
    public var fields: [CPItem]

    // `DataTime` as sent, stored without an optional (see `Reading`): empty when absent. The
    // fast reader keeps its bytes instead (`InlineText`), made into a string on access.
    private var dataTimeTextValue: String
    private var dataTimeInline = InlineText()
    private var hasDataTimeText: Bool
    private var isDataTimeInline = false

    /// `DataTime` as sent.
    public var dataTimeText: String? {
        get { isDataTimeInline ? dataTimeInline.string : hasDataTimeText ? dataTimeTextValue : nil }
        set {
            dataTimeTextValue = newValue ?? ""
            hasDataTimeText = newValue != nil
            dataTimeInline = InlineText()
            isDataTimeInline = false
        }
    }

    /// Sets `DataTime` as sent from its bytes, kept until the string is asked for.
    @inline(__always)
    mutating func setDataTimeText(_ text: InlineText) {
        // Written field by field: through `dataTimeText`'s setter the empty string costs a call.
        if !dataTimeTextValue.isEmpty { dataTimeTextValue = "" }
        hasDataTimeText = true
        dataTimeInline = text
        isDataTimeInline = true
    }

    public static func == (lhs: DataContent, rhs: DataContent) -> Bool {
        lhs.kind == rhs.kind && lhs.dataTime == rhs.dataTime && lhs.dataTimeText == rhs.dataTimeText
            && lhs.readings == rhs.readings && lhs.fields == rhs.fields
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(dataTime)
        hasher.combine(dataTimeText)
        hasher.combine(readings)
        hasher.combine(fields)
    }

    public init(kind: DataKind? = nil, dataTime: LocalDateTime? = nil, dataTimeText: String? = nil, readings: [Reading] = [], fields: [CPItem] = []) {
        self.kind = kind
        self.dataTime = dataTime
        dataTimeTextValue = dataTimeText ?? ""
        hasDataTimeText = dataTimeText != nil
        self.readings = readings
        self.fields = fields
    }

    /// The reading for a (current) code.
    public func reading(_ code: String) -> Reading? { readings.first(where: { $0.code == code }) }
}
