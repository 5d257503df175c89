import Testing
@testable import HJ212

/// Answers and downlink commands, byte for byte against hj212-reference.md §6.4.
@Suite("Replies and commands")
struct RepliesTests {
    /// The standard's example identifiers used by the §6.4 templates.
    static let qn = "20160801085857223"
    static let mn = "010000A8900016F000169DC0"
    static let requestHeader = Header(qn: qn, st: "32", cn: "1062", pw: "123456", mn: mn, flag: PacketFlag(rawValue: 5))

    /// Checks an expected frame's length and CRC independently of the encoder, so a mismatch
    /// shows whether the reference or the implementation is wrong.
    static func checkReferenceFrame(_ frame: String) {
        let all = bytes(frame)
        let segment = Array(all[6..<(all.count - 4)])
        #expect(Int(String(decoding: all[2..<6], as: UTF8.self)) == segment.count, "length of \(frame)")
        #expect(String(decoding: all.suffix(4), as: UTF8.self) == CRC16.hexString(referenceCRC(segment)), "CRC of \(frame)")
    }

    static func expectFrame(_ packet: OutgoingPacket, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        checkReferenceFrame(expected)
        let wire = packet.encode()
        #expect(wire == bytes(expected) + crlf, "got \(String(decoding: wire, as: UTF8.self))", sourceLocation: sourceLocation)
    }

    @Test("9014 for sample #2, exactly as in §6.4")
    func dataAckForSample2() throws {
        let upload = try decode(Fixtures.sample(containing: "CN=2061").frame)
        #expect(upload.header.flag?.answerWanted == true)
        let reply = Reply.dataAck(to: upload.header, edition: upload.edition)
        Self.expectFrame(reply, "##0096QN=20190925181031464;ST=91;CN=9014;PW=BF470F88957588DE902D1A52;MN=Z13401000010301;Flag=4;CP=&&&&CE81")
        // The platform's own decoder reads its reply cleanly.
        let decoded = try decode(String(decoding: reply.encode().dropLast(2), as: UTF8.self))
        #expect(decoded.problems == [])
        #expect(decoded.header.qn == upload.header.qn)
        #expect(decoded.header.flag?.answerWanted == false)
    }

    @Test("9011 template")
    func requestAnswer() {
        Self.expectFrame(
            Reply.requestAnswer(to: Self.requestHeader, edition: .hj2017, qnRtn: .ready),
            "##0094QN=20160801085857223;ST=91;CN=9011;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&QnRtn=1&&1B00")
    }

    @Test("9013 template")
    func notificationAck() {
        Self.expectFrame(
            Reply.notificationAck(to: Self.requestHeader, edition: .hj2017),
            "##0087QN=20160801085857223;ST=91;CN=9013;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&&&2A80")
    }

    @Test("9012 execution result")
    func executionResult() {
        let reply = Reply.executionResult(to: Self.requestHeader, edition: .hj2017, exeRtn: .noData)
        #expect(reply.dataSegmentText == "QN=20160801085857223;ST=91;CN=9012;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&ExeRtn=100&&")
        let success = Reply.executionResult(to: Self.requestHeader, edition: .hj2017, exeRtn: .success)
        #expect(success.dataArea.text == "ExeRtn=1")
    }

    @Test("1012 set time, built with DownlinkCommand.setTime")
    func setTime() throws {
        let time = try #require(LocalDateTime(hj212: "20160801085857"))
        let packet = DownlinkCommand.setTime(time, polId: nil).packet(qn: Self.qn, st: "32", pw: "123456", mn: Self.mn, edition: .hj2017)
        Self.expectFrame(
            packet,
            "##0112QN=20160801085857223;ST=32;CN=1012;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&SystemTime=20160801085857&&6C00")
        let withPolId = DownlinkCommand.setTime(time, polId: "w01018").dataArea(edition: .hj2017)
        #expect(withPolId.text == "PolId=w01018;SystemTime=20160801085857")
    }

    @Test("2061 history request, built with DownlinkCommand.history(.hour, …)")
    func historyRequest() throws {
        let begin = try #require(LocalDateTime(hj212: "20160801080000"))
        let packet = DownlinkCommand.history(.hour, begin: begin, end: begin).packet(qn: Self.qn, st: "32", pw: "123456", mn: Self.mn, edition: .hj2017)
        Self.expectFrame(
            packet,
            "##0134QN=20160801085857223;ST=32;CN=2061;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&BeginTime=20160801080000;EndTime=20160801080000&&7EC0")
        // A device (or a capture of platform traffic) decodes the request without a problem:
        // it has the CN of an hour upload but no readings, so no DataTime is wanted.
        let decoded = try decode(String(decoding: packet.encode().dropLast(2), as: UTF8.self))
        #expect(decoded.problems == [])
        #expect(decoded.isAccepted)
        #expect(decoded.content.readings.isEmpty)
        #expect(decoded.content.fields.map(\.key) == ["BeginTime", "EndTime"])
    }

    @Test("2025 answers carry Flag=8", arguments: [
        ("9014", "CP=&&&&"), ("9013", "CP=&&&&"), ("9011", "CP=&&QnRtn=1&&"), ("9012", "CP=&&ExeRtn=1&&"),
    ])
    func replies2025(_ cn: String, _ cp: String) {
        var header = Self.requestHeader
        header.flag = PacketFlag(rawValue: 9)
        let reply: OutgoingPacket = switch cn {
        case "9014": Reply.dataAck(to: header, edition: .hj2025)
        case "9013": Reply.notificationAck(to: header, edition: .hj2025)
        case "9011": Reply.requestAnswer(to: header, edition: .hj2025, qnRtn: .ready)
        default: Reply.executionResult(to: header, edition: .hj2025, exeRtn: .success)
        }
        #expect(reply.header.flag?.rawValue == 8)
        #expect(reply.dataSegmentText == "QN=\(Self.qn);ST=91;CN=\(cn);PW=123456;MN=\(Self.mn);Flag=8;\(cp)")
    }

    @Test("2005 answers put the QN inside CP, and carry a Flag only when the device sent one")
    func replies2005() throws {
        var header = Header(qn: "20040516010101001", st: "32", cn: "2011", pw: "123456", mn: "88888880000001", flag: PacketFlag(rawValue: 1))
        let answer = Reply.requestAnswer(to: header, edition: .hj2005, qnRtn: .ready)
        #expect(answer.dataSegmentText == "ST=91;CN=9011;PW=123456;MN=88888880000001;Flag=0;CP=&&QN=20040516010101001;QnRtn=1&&")
        #expect(answer.header.qn == nil)
        let ack = Reply.dataAck(to: header, edition: .hj2005)
        #expect(ack.dataSegmentText == "ST=91;CN=9014;PW=123456;MN=88888880000001;Flag=0;CP=&&QN=20040516010101001&&")
        header.flag = nil
        let noFlag = Reply.notificationAck(to: header, edition: .hj2005)
        #expect(noFlag.dataSegmentText == "ST=91;CN=9013;PW=123456;MN=88888880000001;CP=&&QN=20040516010101001&&")
        // A Flag-less 2005 upload without QN (sample #3): an empty CP.
        let st101 = try decode(Fixtures.sample(containing: "ST=101").frame)
        #expect(Reply.dataAck(to: st101.header, edition: st101.edition).dataSegmentText == "ST=91;CN=9014;PW=123456;MN=41050022000017;CP=&&&&")
    }

    @Test("other downlink commands: CN and CP", arguments: [
        (DownlinkCommand.setTimeoutAndRetries(overTime: 5, reCount: 3), "1000", "OverTime=5;ReCount=3"),
        (.getTime(polId: nil), "1011", ""),
        (.getTime(polId: "w01018"), "1011", "PolId=w01018"),
        (.getRealtimeInterval, "1061", ""),
        (.setRealtimeInterval(seconds: 30), "1062", "RtdInterval=30"),
        (.getMinuteInterval, "1063", ""),
        (.setMinuteInterval(minutes: 10), "1064", "MinInterval=10"),
        (.setPassword("654321"), "1072", "NewPW=654321"),
        (.startRealtimeData, "2011", ""),
        (.stopRealtimeData, "2012", ""),
        (.startRunningState, "2021", ""),
        (.stopRunningState, "2022", ""),
        (.calibrate(polId: "w01018"), "3011", "PolId=w01018"),
        (.sampleNow(polId: "w01018"), "3012", "PolId=w01018"),
        (.startCleaning(polId: "w01018"), "3013", "PolId=w01018"),
        (.comparisonSampling(polId: "w01018"), "3014", "PolId=w01018"),
        (.retainSample(polId: "w01018"), "3015", "PolId=w01018"),
        (.setSamplingPeriod(polId: "w01018", start: "000000", hours: 2), "3016", "PolId=w01018;CstartTime=000000;CTime=2"),
        (.getSamplingPeriod(polId: "w01018"), "3017", "PolId=w01018"),
        (.getSampleOutTime(polId: "w01018"), "3018", "PolId=w01018"),
        (.getInstrumentID(polId: "w01018"), "3019", "PolId=w01018"),
        (.getDeviceInfo(polId: "w01018", infoId: "i11001", begin: nil, end: nil), "3020", "PolId=w01018;InfoId=i11001"),
        (.setDeviceParameter(polId: "w01018", infoId: "i13004", value: "168.0"), "3021", "PolId=w01018;InfoId=i13004;i13004-Info=168.0"),
    ] as [(DownlinkCommand, String, String)])
    func commands(_ command: DownlinkCommand, _ cn: String, _ cp: String) throws {
        #expect(command.cn == cn)
        #expect(command.dataArea(edition: .hj2017).text == cp)
        #expect(command.isNotification == (cn == "2012" || cn == "2022"))
        let packet = command.packet(qn: Self.qn, st: "31", pw: "123456", mn: Self.mn, edition: .hj2017)
        let decoded = try decode(String(decoding: packet.encode().dropLast(2), as: UTF8.self))
        #expect(decoded.header.cn == cn)
        #expect(decoded.header.flag?.rawValue == 5)
        #expect(decoded.dataArea.text == cp)
        #expect(decoded.problems == [])
    }

    @Test("2005 password command uses PW, 2017 uses NewPW")
    func passwordKey() {
        #expect(DownlinkCommand.setPassword("1").dataArea(edition: .hj2005).text == "PW=1")
        #expect(DownlinkCommand.setPassword("1").dataArea(edition: .hj2025).text == "NewPW=1")
    }

    @Test("3020 with a time range and history for each level")
    func ranges() throws {
        let begin = try #require(LocalDateTime(hj212: "20240101000000"))
        let end = try #require(LocalDateTime(hj212: "20240102000000"))
        #expect(DownlinkCommand.getDeviceInfo(polId: "w01018", infoId: "i11001", begin: begin, end: end).dataArea(edition: .hj2017).text
            == "PolId=w01018;InfoId=i11001;BeginTime=20240101000000;EndTime=20240102000000")
        #expect(DownlinkCommand.history(.minute, begin: begin, end: end).cn == "2051")
        #expect(DownlinkCommand.history(.day, begin: begin, end: end).cn == "2031")
        #expect(DownlinkCommand.history(.runtime, begin: begin, end: end).cn == "2041")
        let packet = DownlinkCommand.history(.minute, begin: begin, end: end).packet(qn: Self.qn, st: "31", pw: "1", mn: "M", edition: .hj2025)
        #expect(packet.header.flag?.rawValue == 9)
    }
}
