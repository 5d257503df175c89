import Testing
@testable import HJ212

/// The decoder on constructed frames: header quirks, data-area grammar and content problems.
@Suite("PacketDecoder")
struct PacketDecoderTests {
    static let head = "QN=20240101080000000;ST=32;CN=2011;PW=123456;MN=M01;Flag=4;"

    static func packet(_ segment: String, options: DecodeOptions = DecodeOptions()) throws -> Packet {
        try decode(framed(segment), options: options)
    }

    @Test("header fields are read by name in any order, spaces trimmed")
    func headerOrder() throws {
        let packet = try Self.packet("ST=32;CN=2011;QN=20240101080000000; PW = 123456 ;Flag=5;MN=M01;CP=&&DataTime=20240101080000;w01018-Rtd=1&&")
        var expected = Header(qn: "20240101080000000", st: "32", cn: "2011", pw: "123456", mn: "M01", flag: PacketFlag(rawValue: 5))
        expected.flagText = "5"
        #expect(packet.header == expected)
        #expect(packet.problems.isEmpty)
    }

    @Test("peekHeader reads the header without decoding the rest")
    func peek() throws {
        let frame = try rawFrame(try Fixtures.example(2))
        let header = PacketDecoder.peekHeader(frame)
        #expect(header.mn == "010000A8900016F000169DC0")
        #expect(header.flag?.rawValue == 9)
        #expect(header.cn == "2051")
    }

    @Test("header deviations are warnings", arguments: [
        ("QN=20240101080000000,ST=32,CN=9013,PW=1,MN=M,Flag=4;CP=&&&&", [ProblemCode.headerSeparator]),
        ("QN=20240101080000000;ST=32;CN=9013;PW=1;MN=M;Flag=4CP=&&&&", [.headerSeparator]),
        ("QN=20240101080000000;ST=32;CN=9013;PW=1;MN=M;Flag=x;CP=&&&&", [.flagNotNumeric]),
        ("QN=20240101080000000;ST=32;CN=9013;CN=9014;PW=1;MN=M;Flag=4;CP=&&&&", [.duplicateHeaderField]),
        ("QN=20240101080000000;ST=32;CN=9013;PW=1;MN=M;Flag=4;SIM=1380;CP=&&&&", [.unknownHeaderField]),
        ("QN=20240101080000000;ST=32;CN=9013;PW=1;MN=M;Flag=4;junk;CP=&&&&", [.headerFieldMalformed]),
        ("ST=32;CN=9013;PW=1;MN=M;Flag=4;CP=&&&&", [.missingQN]),
        ("QN=20240101080000000;CN=9013;PW=1;MN=M;Flag=4;CP=&&&&", [.missingST]),
        ("QN=20240101080000000;ST=32;CN=9013;PW=1;MN=M;Flag=6;CP=&&&&", [.splitFieldsInconsistent]),
        ("QN=20240101080000000;ST=32;CN=9013;PW=1;MN=M;Flag=6;PNUM=2;PNO=3;CP=&&&&", [.splitFieldsInconsistent]),
        ("QN=20240101080000000;ST=32;CN=9013;PW=1;MN=M;Flag=6;PNUM=x;PNO=1;CP=&&&&", [.splitFieldsInconsistent, .splitFieldsInconsistent]),
        ("QN=20240101080000000;ST=32;CN=9013;PW=1;MN=M;Flag=8;RF=0;CP=&&&&", [.rfInvalid]),
    ] as [(String, [ProblemCode])])
    func headerWarnings(_ segment: String, _ codes: [ProblemCode]) throws {
        let packet = try Self.packet(segment)
        #expect(packet.problemCodes == codes, "\(packet.problems)")
        #expect(packet.problems.allSatisfy { $0.severity == .warning })
        #expect(packet.isAccepted)
    }

    @Test("a Flag that is not a number leaves the edition to default and keeps the text")
    func flagText() throws {
        let packet = try Self.packet("QN=20240101080000000;ST=32;CN=9013;PW=1;MN=M;Flag=x;CP=&&&&")
        #expect(packet.header.flag == nil)
        #expect(packet.header.flagText == "x")
        #expect(packet.edition == .hj2005)
        #expect(!packet.has(.missingFlag))
    }

    @Test("errors that refuse a frame", arguments: [
        ("QN=20240101080000000;ST=32;CN=9013;PW=1;MN=M;Flag=4;&&", [ProblemCode.missingCP]),
        ("QN=20240101080000000;ST=32;PW=1;MN=M;Flag=4;CP=&&&&", [.missingCN]),
        ("QN=20240101080000000;ST=32;CN=9013;PW=1;Flag=4;CP=&&&&", [.missingMN]),
        ("QN=20240101080000000;ST=32;CN=2011;PW=1;MN=M;Flag=4;CP=&&w01018-Rtd=1&&", [.missingDataTime]),
        ("QN=20240101080000000;ST=32;CN=2011;PW=1;MN=M;Flag=4;CP=&&DataTime=20240230080000;w01018-Rtd=1&&", [.badDataTime]),
    ] as [(String, [ProblemCode])])
    func errors(_ segment: String, _ codes: [ProblemCode]) throws {
        let packet = try Self.packet(segment)
        #expect(packet.errors.map(\.code) == codes, "\(packet.problems)")
        #expect(!packet.isAccepted)
    }

    @Test("a bad DataTime outside data uploads is only a warning")
    func badDataTimeWarning() throws {
        let packet = try Self.packet(Self.head.replacingCN("3020") + "CP=&&DataTime=2024;PolId=w01018&&")
        #expect(packet.problem(.badDataTime)?.severity == .warning)
        #expect(packet.isAccepted)
    }

    @Test("CP grammar: groups, items, first '=' splits, spaces trimmed, trailing ';' allowed")
    func grammar() throws {
        let packet = try Self.packet(Self.head + "CP=&& DataTime=20240101080000 ;w01018-Rtd=1.5,w01018-Flag=N;Key=a=b;;&&")
        #expect(packet.dataArea.items == [
            CPItem(key: "DataTime", value: "20240101080000", group: 0),
            CPItem(key: "w01018-Rtd", value: "1.5", group: 1),
            CPItem(key: "w01018-Flag", value: "N", group: 1),
            CPItem(key: "Key", value: "a=b", group: 2),
        ])
        #expect(packet.content.fields == [CPItem(key: "Key", value: "a=b", group: 2)])
        #expect(packet.dataArea["Key"] == "a=b")
        #expect(packet.dataArea.items[1].code == "w01018")
        #expect(packet.dataArea.items[1].suffix == "Rtd")
        #expect(packet.dataArea.items[0].code == nil)
        #expect(packet.problems.isEmpty)
    }

    @Test("an -Info text in //…// is taken whole, whatever it holds")
    func infoText() throws {
        let packet = try Self.packet(Self.head.replacingCN("3020") + "CP=&&DataTime=20240101080000;PolId=w01018,i11001-Info=//a;b,c=d//;i12001-Info=1&&")
        let info = try #require(packet.content.readings.first { $0.rawCode == "i11001" })
        #expect(info.other == [Reading.SuffixValue(suffix: "Info", value: "//a;b,c=d//")])
        #expect(info.polId == "w01018")
        #expect(packet.content.readings.first { $0.rawCode == "i12001" }?.other.first?.value == "1")
        #expect(packet.problems.isEmpty)
    }

    @Test("data-area deviations are warnings", arguments: [
        ("CP=&&DataTime=20240101080000;a34001-Rtd=92;Flag=N&&", [ProblemCode.cpBareFlag]),
        ("CP=&&DataTime=20240101080000;PNUM=2;PNO=1;w01018-Rtd=1&&", [.splitFieldsInCP, .splitFieldsInCP, .splitFieldsInconsistent]),
        ("CP=&&DataTime=20240101080000;w01018-Rtd=abc&&", [.badNumber]),
        ("CP=&&DataTime=20240101080000;w01018-Rtd=1;w01018-Rtd=2&&", [.duplicateValue]),
        ("CP=&&DataTime=20240101080000;DataTime=20240101090000&&", [.duplicateValue]),
        ("CP=&&DataTime=20240101080000;junk&&", [.cpItemMalformed]),
        ("CP=&&DataTime=20240101080000;=5&&", [.cpItemMalformed]),
        ("CP=&&DataTime=20240101080000;w01018-Rtd=1", [.cpNotTerminated]),
    ] as [(String, [ProblemCode])])
    func dataAreaWarnings(_ cp: String, _ codes: [ProblemCode]) throws {
        let packet = try Self.packet(Self.head + cp)
        #expect(packet.problemCodes == codes, "\(packet.problems)")
        #expect(packet.isAccepted)
    }

    @Test("PNUM/PNO inside CP are used")
    func splitInCP() throws {
        let packet = try Self.packet(Self.head + "CP=&&DataTime=20240101080000;PNUM=2;PNO=1;w01018-Rtd=1&&")
        #expect(packet.header.pnum == 2)
        #expect(packet.header.pno == 1)
    }

    @Test("a bad number is kept as text")
    func badNumberKept() throws {
        let packet = try Self.packet(Self.head + "CP=&&DataTime=20240101080000;w01018-Rtd=abc,w01018-Flag=N&&")
        let reading = try #require(packet.content.reading("w01018"))
        #expect(reading.rtd == nil)
        #expect(reading.other == [Reading.SuffixValue(suffix: "Rtd", value: "abc")])
        #expect(reading.flag == .normal)
    }

    @Test("problems point at the byte and field concerned")
    func offsets() throws {
        let text = framed(Self.head + "Flag=9;CP=&&DataTime=20240101080000&&")
        let packet = try decode(text)
        let duplicate = try #require(packet.problem(.duplicateHeaderField))
        #expect(duplicate.field == "Flag")
        #expect(duplicate.offset == 6 + Self.head.utf8.count)
        #expect(duplicate.description.hasPrefix("warning duplicate_header_field at byte \(6 + Self.head.utf8.count) in Flag: "))
        #expect(packet.header.flag?.rawValue == 4, "the first value is kept")
    }

    @Test("every problem code has a distinct stable raw value")
    func problemCodes() {
        let raw = ProblemCode.allCases.map(\.rawValue)
        #expect(Set(raw).count == raw.count)
        #expect(ProblemCode(rawValue: "crc_mismatch") == .crcMismatch)
        #expect(ProblemCode(rawValue: "length_is_plaintext") == .lengthIsPlaintext)
        #expect(raw.allSatisfy { $0 == $0.lowercased() && !$0.contains(" ") })
    }
}

extension String {
    func replacingCN(_ cn: String) -> String {
        var parts = split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        for index in parts.indices where parts[index].hasPrefix("CN=") { parts[index] = "CN=" + cn }
        return parts.joined(separator: ";")
    }
}
