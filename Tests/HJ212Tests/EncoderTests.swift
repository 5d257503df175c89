import Testing
@testable import HJ212

/// PacketEncoder, OutgoingPacket, DataUploadBuilder and the number formatter.
@Suite("Encoder")
struct EncoderTests {
    @Test("fields in the standard's order whatever the header holds, zero-padded length, uppercase CRC, CR LF")
    func layout() throws {
        var header = Header(qn: "20240101000000000", st: "31", cn: "2051", pw: "123456", mn: "MN01", flag: PacketFlag(edition: .hj2025, answerWanted: true, split: true), pnum: 3, pno: 2, rf: "1")
        header.otherFields = [CPItem(key: "X", value: "y", group: 0)]
        let packet = OutgoingPacket(header: header, dataArea: DataArea(groups: [[("DataTime", "20240101000000")], [("a01011-Avg", "1.5"), ("a01011-Flag", "N")]]))
        let segment = "QN=20240101000000000;ST=31;CN=2051;PW=123456;MN=MN01;Flag=11;PNUM=3;PNO=2;RF=1;X=y;CP=&&DataTime=20240101000000;a01011-Avg=1.5,a01011-Flag=N&&"
        #expect(packet.dataSegmentText == segment)
        let wire = packet.encode()
        let crc = referenceCRC(bytes(segment))
        #expect(wire == bytes("##" + pad4(segment.utf8.count) + segment + CRC16.hexString(crc)) + crlf)
        #expect(packet.encode(options: EncodeOptions(terminator: false)) == Array(wire.dropLast(2)))
        let decoded = PacketDecoder.decode(try rawFrame(String(decoding: wire.dropLast(2), as: UTF8.self)))
        #expect(decoded.header.pnum == 3 && decoded.header.pno == 2)
        #expect(decoded.header.isBackfill)
        #expect(decoded.header.otherFields == [CPItem(key: "X", value: "y", group: 0)])
        #expect(decoded.problemCodes == [.unknownHeaderField])
    }

    @Test("PacketEncoder.frame pads short lengths and computes the CRC when none is given")
    func frame() {
        #expect(PacketEncoder.frame(segment: bytes("A")) == bytes("##0001A7080") + crlf)
        #expect(PacketEncoder.frame(segment: []) == bytes("##0000FFFF") + crlf)
        #expect(PacketEncoder.frame(segment: bytes("A"), length: 12, crc: 0xA, terminator: false) == bytes("##0012A000A"))
        #expect(PacketEncoder.frame(segment: bytes("A"), length: 123_456).prefix(6) == bytes("##9999")[...])
    }

    @Test("a CRC written without zero padding is still read, with crc_not_padded")
    func unpaddedCRC() throws {
        // Find a packet whose CRC has a leading zero digit, then drop that digit as some devices do.
        var found: String?
        // (Digits alone reach only a few of the 256 CRC values; two letters of the MN reach them all.)
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        search: for first in letters {
            for second in letters {
                let segment = "QN=20240101000000000;ST=32;CN=2011;PW=123456;MN=M\(first)\(second);Flag=4;CP=&&DataTime=20240101000000;w01018-Rtd=1&&"
                let crc = CRC16.hj212(bytes(segment))
                if crc < 0x1000 {
                    found = "##" + pad4(segment.utf8.count) + segment + String(CRC16.hexString(crc).dropFirst())
                    break search
                }
            }
        }
        let text = try #require(found)
        let packet = try decode(text)
        #expect(packet.has(.crcNotPadded))
        #expect(packet.problem(.crcNotPadded)?.severity == .warning)
        #expect(packet.crc.matched == .hj212)
        #expect(packet.crc.sent.count == 3)
        #expect(packet.isAccepted)
    }

    @Test("DataUploadBuilder writes realtime and aggregate groups in logger order")
    func builder() throws {
        var cod = Reading(code: "w01018")
        cod.rtd = 12.5
        cod.zsRtd = 13
        cod.flag = .normal
        cod.eFlag = "A01"
        cod.sampleTime = "20240101000000"
        cod.other = [Reading.SuffixValue(suffix: "Vol", value: "7")]
        let time = LocalDateTime(year: 2024, month: 1, day: 1, hour: 8)
        let realtime = DataUploadBuilder(kind: .realtime, dataTime: time, readings: [cod], fields: [("PolId", "x")])
        #expect(realtime.dataArea.text == "DataTime=20240101080000;PolId=x;w01018-SampleTime=20240101000000,w01018-Rtd=12.5,w01018-ZsRtd=13,w01018-Flag=N,w01018-EFlag=A01,w01018-Vol=7")

        var flow = Reading(code: "w00000", rawCode: "B01")
        flow.cou = 100
        flow.min = 1
        flow.avg = 2
        flow.max = 3
        flow.flag = .stopped
        let hour = DataUploadBuilder(kind: .hour, dataTime: time, readings: [flow], decimals: ["w00000": 2])
        #expect(hour.dataArea.text == "DataTime=20240101080000;B01-Cou=100.00,B01-Min=1.00,B01-Avg=2.00,B01-Max=3.00,B01-Flag=F")

        let upload = hour.packet(qn: nil, st: "32", pw: "123456", mn: "88888880000001", edition: .hj2005, answerWanted: false, backfill: true)
        #expect(upload.header.flag?.rawValue == 0)
        #expect(upload.header.rf == nil, "RF exists only in 2025")
        #expect(upload.header.cn == "2061")
        let backfill = hour.packet(qn: "20240101080000000", st: "32", pw: "1", mn: "M", edition: .hj2025, answerWanted: true, backfill: true)
        #expect(backfill.header.rf == "1")
        #expect(backfill.header.flag?.rawValue == 9)
    }

    @Test("NumberFormatter212 fixed decimals", arguments: [
        (1.35, 2, "1.35"), (3.2, 2, "3.20"), (-12.5, 1, "-12.5"), (-0.001, 2, "0.00"), (0, 3, "0.000"),
        (2.5, 0, "3"), (0.05, 3, "0.050"), (123456.789, 12, "123456.789"), (7, -1, "7"),
    ] as [(Double, Int, String)])
    func fixedDecimals(_ value: Double, _ decimals: Int, _ expected: String) {
        #expect(NumberFormatter212.format(value, decimals: decimals) == expected)
    }

    @Test("NumberFormatter212 shortest form never uses an exponent and reads back exactly", arguments: [
        (231.0, "231"), (0.09055002, "0.09055002"), (-271.755, "-271.755"), (-99, "-99"), (0, "0"),
        (1e-7, "0.0000001"), (1.5e-7, "0.00000015"), (1.23456789e-5, "0.0000123456789"),
        (1e16, "10000000000000000"), (-2.5e20, "-250000000000000000000"), (123456789012345.6, "123456789012345.6"),
    ] as [(Double, String)])
    func shortest(_ value: Double, _ expected: String) {
        let text = NumberFormatter212.format(value)
        #expect(text == expected)
        #expect(!text.contains("e") && !text.contains("E"))
        #expect(NumberParser.parse(text) == value)
    }

    @Test("NumberFormatter212 writes non-finite values as 0")
    func nonFinite() {
        #expect(NumberFormatter212.format(.nan) == "0")
        #expect(NumberFormatter212.format(.infinity, decimals: 2) == "0")
    }

    @Test("NumberParser reads what loggers write and nothing else", arguments: [
        ("12.5", 12.5), ("-12.5", -12.5), ("+3", 3), ("0.09055002", 0.09055002), ("1.2E3", 1200), ("1e-3", 0.001),
        ("007", 7), (".5", 0.5), ("5.", 5), ("12345678901234567890", 12345678901234567890.0), ("0.30000000000000004", 0.30000000000000004),
    ] as [(String, Double)])
    func parseNumbers(_ text: String, _ expected: Double) {
        #expect(NumberParser.parse(text) == expected)
    }

    @Test("NumberParser refuses non-numbers", arguments: ["", "-", ".", "abc", "1.2.3", "nan", "inf", "0x1p3", "1e", "1e+", "12a", " 1", String(repeating: "1", count: 41)])
    func parseRefuses(_ text: String) {
        #expect(NumberParser.parse(text) == nil)
    }
}

/// Four decimal digits, zero-padded.
func pad4(_ value: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
