/// Platform-to-device commands, written per edition.
///
/// The caller supplies the QN (a millisecond timestamp): the protocol module reads no clock.
public enum DownlinkCommand: Sendable, Hashable {
    /// 1000: timeout (seconds) and retry count.
    case setTimeoutAndRetries(overTime: Int, reCount: Int)
    /// 1011: read the device's clock (of one instrument, with `polId`).
    case getTime(polId: String?)
    /// 1012: set the device's clock.
    case setTime(LocalDateTime, polId: String?)
    /// 1061 / 1062: read / set the real-time upload interval in seconds.
    case getRealtimeInterval
    case setRealtimeInterval(seconds: Int)
    /// 1063 / 1064: read / set the minute-data interval in minutes.
    case getMinuteInterval
    case setMinuteInterval(minutes: Int)
    /// 1072: set the access password.
    case setPassword(String)
    /// 2011 / 2012: start / stop real-time data.
    case startRealtimeData
    case stopRealtimeData
    /// 2021 / 2022: start / stop facility running state.
    case startRunningState
    case stopRunningState
    /// 2031, 2041, 2051, 2061: history for a time range (day, run time, minute, hour).
    case history(DataKind, begin: LocalDateTime, end: LocalDateTime)
    /// 3011: zero / span calibration.
    case calibrate(polId: String)
    /// 3012: take a sample now.
    case sampleNow(polId: String)
    /// 3013: start cleaning / blowback.
    case startCleaning(polId: String)
    /// 3014: comparison sampling.
    case comparisonSampling(polId: String)
    /// 3015: over-limit sample retention.
    case retainSample(polId: String)
    /// 3016: set the sampling period (start `hhmmss`, every `hours`).
    case setSamplingPeriod(polId: String, start: String, hours: Int)
    /// 3017: read the sampling period.
    case getSamplingPeriod(polId: String)
    /// 3018: read the sample-out time.
    case getSampleOutTime(polId: String)
    /// 3019: read an instrument's unique ID.
    case getInstrumentID(polId: String)
    /// 3020: read field-device information (logs, state, parameters), optionally for a time range.
    case getDeviceInfo(polId: String, infoId: String, begin: LocalDateTime?, end: LocalDateTime?)
    /// 3021: set a field-device parameter.
    case setDeviceParameter(polId: String, infoId: String, value: String)

    /// The command number.
    public var cn: String {
        switch self {
        case .setTimeoutAndRetries: "1000"
        case .getTime: "1011"
        case .setTime: "1012"
        case .getRealtimeInterval: "1061"
        case .setRealtimeInterval: "1062"
        case .getMinuteInterval: "1063"
        case .setMinuteInterval: "1064"
        case .setPassword: "1072"
        case .startRealtimeData: "2011"
        case .stopRealtimeData: "2012"
        case .startRunningState: "2021"
        case .stopRunningState: "2022"
        case .history(let kind, _, _): kind.cn
        case .calibrate: "3011"
        case .sampleNow: "3012"
        case .startCleaning: "3013"
        case .comparisonSampling: "3014"
        case .retainSample: "3015"
        case .setSamplingPeriod: "3016"
        case .getSamplingPeriod: "3017"
        case .getSampleOutTime: "3018"
        case .getInstrumentID: "3019"
        case .getDeviceInfo: "3020"
        case .setDeviceParameter: "3021"
        }
    }

    /// Notifications (2012, 2022) are answered with 9013; requests with 9011 and 9012.
    public var isNotification: Bool {
        switch self {
        case .stopRealtimeData, .stopRunningState: true
        default: false
        }
    }

    /// The CP groups for `edition`.
    public func dataArea(edition: Edition) -> DataArea {
        var groups: [[(String, String)]] = []
        func polIdGroup(_ polId: String?) { if let polId { groups.append([("PolId", polId)]) } }
        switch self {
        case .setTimeoutAndRetries(let overTime, let reCount):
            groups = [[("OverTime", String(overTime))], [("ReCount", String(reCount))]]
        case .getTime(let polId):
            polIdGroup(polId)
        case .setTime(let time, let polId):
            polIdGroup(polId)
            groups.append([("SystemTime", time.hj212)])
        case .getRealtimeInterval, .getMinuteInterval, .startRealtimeData, .stopRealtimeData,
             .startRunningState, .stopRunningState:
            break
        case .setRealtimeInterval(let seconds):
            groups = [[("RtdInterval", String(seconds))]]
        case .setMinuteInterval(let minutes):
            groups = [[("MinInterval", String(minutes))]]
        case .setPassword(let password):
            groups = [[(edition == .hj2005 ? "PW" : "NewPW", password)]]
        case .history(_, let begin, let end):
            groups = [[("BeginTime", begin.hj212)], [("EndTime", end.hj212)]]
        case .calibrate(let polId), .sampleNow(let polId), .startCleaning(let polId), .comparisonSampling(let polId),
             .retainSample(let polId), .getSamplingPeriod(let polId), .getSampleOutTime(let polId),
             .getInstrumentID(let polId):
            groups = [[("PolId", polId)]]
        case .setSamplingPeriod(let polId, let start, let hours):
            groups = [[("PolId", polId)], [("CstartTime", start)], [("CTime", String(hours))]]
        case .getDeviceInfo(let polId, let infoId, let begin, let end):
            groups = [[("PolId", polId)], [("InfoId", infoId)]]
            if let begin { groups.append([("BeginTime", begin.hj212)]) }
            if let end { groups.append([("EndTime", end.hj212)]) }
        case .setDeviceParameter(let polId, let infoId, let value):
            groups = [[("PolId", polId)], [("InfoId", infoId)], [("\(infoId)-Info", value)]]
        }
        return DataArea(groups: groups)
    }

    /// The packet to send to a device.
    /// - Parameters:
    ///   - qn: the request number, `YYYYMMDDhhmmsszzz`, which the device's answers will carry.
    ///   - st: the device's system type (e.g. 31 for air, 32 for water sources).
    public func packet(qn: String, st: String, pw: String, mn: String, edition: Edition) -> OutgoingPacket {
        let header = Header(
            qn: qn, st: st, cn: cn, pw: pw, mn: mn, flag: PacketFlag(edition: edition, answerWanted: true))
        return OutgoingPacket(header: header, dataArea: dataArea(edition: edition))
    }
}
