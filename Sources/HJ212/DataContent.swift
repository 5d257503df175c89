/// The typed content of a data area: `DataTime`, readings by code, and every other item.
public struct DataContent: Sendable, Hashable {
    /// The data kind for the four data levels and the other typed uploads; nil for other CNs.
    public var kind: DataKind?
    public var dataTime: LocalDateTime?
    public var readings: [Reading]
    /// Items that are not `code-Suffix` pairs (and not `DataTime`), in frame order.
    public var fields: [CPItem]

    // `DataTime` as sent, stored without an optional (see `Reading`): empty when absent, so the
    // synthesized equality and hash compare the value.
    private var dataTimeTextValue: String
    private var hasDataTimeText: Bool

    /// `DataTime` as sent.
    public var dataTimeText: String? {
        get { hasDataTimeText ? dataTimeTextValue : nil }
        set {
            dataTimeTextValue = newValue ?? ""
            hasDataTimeText = newValue != nil
        }
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
