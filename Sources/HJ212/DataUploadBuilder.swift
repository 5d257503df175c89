/// Builds data uploads (2011, 2051, 2061, 2031 and the other typed uploads) the way a data
/// logger writes them. The simulators and the tests use it.
public struct DataUploadBuilder: Sendable {
    public var kind: DataKind
    public var dataTime: LocalDateTime
    public var readings: [Reading]
    /// Items written after DataTime and before the readings (e.g. `PolId`, `RestartTime`).
    public var fields: [(String, String)]
    /// Digits after the decimal point per code; codes not listed use the shortest exact form.
    public var decimals: [String: Int]

    public init(kind: DataKind, dataTime: LocalDateTime, readings: [Reading] = [], fields: [(String, String)] = [], decimals: [String: Int] = [:]) {
        self.kind = kind
        self.dataTime = dataTime
        self.readings = readings
        self.fields = fields
        self.decimals = decimals
    }

    /// The order loggers write a reading's items in.
    static let realtimeOrder = ["SampleTime", "Rtd", "ZsRtd", "Flag", "EFlag"]
    static let aggregateOrder = ["Cou", "Min", "Avg", "Max", "ZsMin", "ZsAvg", "ZsMax", "RawAvg", "Flag", "EFlag"]

    /// The data area.
    public var dataArea: DataArea {
        var groups: [[(String, String)]] = [[("DataTime", dataTime.hj212)]]
        for field in fields { groups.append([field]) }
        for reading in readings {
            var group: [(String, String)] = []
            let places = decimals[reading.code]
            let order = kind == .realtime ? Self.realtimeOrder : Self.aggregateOrder
            var written: Set<String> = []
            for suffix in order + Reading.numericSuffixes where !written.contains(suffix) {
                written.insert(suffix)
                let key = reading.rawCode + "-" + suffix
                switch suffix {
                case "Flag": if let flag = reading.flag { group.append((key, flag.rawValue)) }
                case "EFlag": if let eFlag = reading.eFlag { group.append((key, eFlag)) }
                case "SampleTime": if let sampleTime = reading.sampleTime { group.append((key, sampleTime)) }
                default:
                    if let value = reading[numeric: suffix] {
                        group.append((key, NumberFormatter212.format(value, decimals: places)))
                    }
                }
            }
            for other in reading.other { group.append((reading.rawCode + "-" + other.suffix, other.value)) }
            if !group.isEmpty { groups.append(group) }
        }
        return DataArea(groups: groups)
    }

    /// The upload packet.
    /// - Parameters:
    ///   - answerWanted: set the A bit so the platform answers 9014.
    ///   - backfill: mark the packet as back-filled (2025 `RF=1`).
    public func packet(qn: String?, st: String, pw: String, mn: String, edition: Edition, answerWanted: Bool, backfill: Bool = false) -> OutgoingPacket {
        var header = Header(qn: qn, st: st, cn: kind.cn, pw: pw, mn: mn)
        header.flag = PacketFlag(edition: edition, answerWanted: answerWanted)
        if edition == .hj2025 && backfill { header.rf = "1" }
        return OutgoingPacket(header: header, dataArea: dataArea)
    }
}
