/// The platform's and device's answers (9011–9014), written per edition.
///
/// 2017 and 2025 answers copy the QN, use ST=91 and carry only the version bits in Flag
/// (4 or 8). HJ/T 212-2005 devices put the QN inside CP instead and often send no Flag.
public enum Reply {
    /// QnRtn values (HJ 212-2017 table 7).
    public enum QnRtn: Int, Sendable, Hashable {
        case ready = 1, rejected = 2, wrongPassword = 3, wrongMN = 4, wrongST = 5, wrongFlag = 6
        case wrongQN = 7, wrongCN = 8, wrongCRC = 9, unknown = 100
    }

    /// ExeRtn values (HJ 212-2017 table 6).
    public enum ExeRtn: Int, Sendable, Hashable {
        case success = 1, failed = 2, badCondition = 3, timeout = 4, busy = 5, fault = 6, noData = 100
    }

    /// 9014, the data answer to an upload that set the A bit.
    public static func dataAck(to header: Header, edition: Edition) -> OutgoingPacket {
        answer(cn: "9014", to: header, edition: edition, items: [])
    }

    /// 9013, the answer to a notification (or to a 9015 heartbeat where a platform answers it).
    public static func notificationAck(to header: Header, edition: Edition) -> OutgoingPacket {
        answer(cn: "9013", to: header, edition: edition, items: [])
    }

    /// 9011, the device's answer to a request.
    public static func requestAnswer(to header: Header, edition: Edition, qnRtn: QnRtn) -> OutgoingPacket {
        answer(cn: "9011", to: header, edition: edition, items: [("QnRtn", String(qnRtn.rawValue))])
    }

    /// 9012, the device's execution result.
    public static func executionResult(to header: Header, edition: Edition, exeRtn: ExeRtn) -> OutgoingPacket {
        answer(cn: "9012", to: header, edition: edition, items: [("ExeRtn", String(exeRtn.rawValue))])
    }

    private static func answer(cn: String, to header: Header, edition: Edition, items: [(String, String)]) -> OutgoingPacket {
        var reply = Header(st: "91", cn: cn, pw: header.pw, mn: header.mn)
        var cp = items
        switch edition {
        case .hj2005:
            if let qn = header.qn { cp.insert(("QN", qn), at: 0) }
            // Mirror the device: a Flag only when it sent one.
            if header.flag != nil { reply.flag = PacketFlag(rawValue: 0) }
        case .hj2017, .hj2025:
            reply.qn = header.qn
            reply.flag = PacketFlag(edition: edition)
        }
        return OutgoingPacket(header: reply, dataArea: DataArea(groups: cp.map { [$0] }))
    }
}
