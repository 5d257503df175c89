import Testing
@testable import HJ212

/// Every real frame of samples.txt, decoded with the default (lenient) options.
@Suite("samples.txt")
struct SamplesTests {
    @Test("the fixture holds the 23 frames of samples.txt (16 ok, 7 bad)")
    func fixtureLoaded() throws {
        let samples = try Fixtures.loadSamples()
        #expect(samples.count == 23)
        #expect(samples.filter(\.crcOK).count == 16)
        #expect(samples.filter { !$0.crcOK }.count == 7)
        #expect(samples.allSatisfy { !$0.source.isEmpty })
    }

    @Test("the CRC verdict matches the recorded one", arguments: Fixtures.samples)
    func crcVerdict(_ sample: Sample) throws {
        let frame = try rawFrame(sample.frame)
        #expect(frame.text == sample.frame)
        #expect(frame.terminator == .crlf)
        // Every sample's length field is right (samples.txt appendix).
        #expect(frame.declaredLength == frame.dataEnd - 6)
        #expect(!frame.problems.contains { $0.code == .lengthMismatch })
        let packet = PacketDecoder.decode(frame)
        #expect(packet.crc.sent == String(sample.frame.suffix(4)))
        #expect(packet.crc.computed == referenceCRC(Array(frame.dataSegment)))
        if sample.crcOK {
            #expect(packet.crc.matched == .hj212)
            #expect(!packet.has(.crcMismatch))
            #expect(packet.isAccepted, "\(packet.errors)")
        } else {
            #expect(packet.crc.matched == nil)
            let mismatch = try #require(packet.problem(.crcMismatch))
            #expect(mismatch.isError)
            #expect(mismatch.field == "CRC")
            #expect(mismatch.offset == frame.dataEnd)
            #expect(!packet.isAccepted)
        }
    }

    @Test("every sample decodes the same after a byte-by-byte feed", arguments: Fixtures.samples)
    func byteByByte(_ sample: Sample) throws {
        var scanner = FrameScanner()
        var frames: [RawFrame] = []
        for byte in bytes(sample.frame) + crlf {
            scanner.append([byte])
            while let event = scanner.next() { frames.append(try #require(event.frame)) }
        }
        #expect(frames.count == 1)
        #expect(frames.first?.text == sample.frame)
        #expect(frames.first == (try rawFrame(sample.frame)))
        #expect(frames.first.map { PacketDecoder.decode($0) } == PacketDecoder.decode(try rawFrame(sample.frame)))
    }

    // MARK: - Key fields, checked by hand

    @Test("#1, the standard's own example (CN=1062): every header field, no problems at all")
    func standardExample() throws {
        let packet = try decode(Fixtures.sample(containing: "CN=1062").frame)
        #expect(packet.header.qn == "20160801085857223")
        #expect(packet.header.st == "32")
        #expect(packet.header.cn == "1062")
        #expect(packet.header.pw == "100000")
        #expect(packet.header.mn == "010000A8900016F000169DC0")
        #expect(packet.header.flag == PacketFlag(rawValue: 5))
        #expect(packet.header.flag?.answerWanted == true)
        #expect(packet.header.flag?.isSplit == false)
        #expect(packet.edition == .hj2017)
        #expect(packet.dataArea["RtdInterval"] == "30")
        #expect(packet.content.kind == nil)
        #expect(packet.content.readings.isEmpty)
        #expect(packet.content.fields == [CPItem(key: "RtdInterval", value: "30", group: 0)])
        #expect(packet.problems == [])
        #expect(packet.crc == CRCCheck(sent: "1C80", computed: 0x1C80, matched: .hj212))
    }

    @Test("#2, an hour upload (2061) with a 24-hex PW")
    func hourUpload() throws {
        let packet = try decode(Fixtures.sample(containing: "CN=2061").frame)
        #expect(packet.header.qn == "20190925181031464")
        #expect(packet.header.st == "22")
        #expect(packet.header.pw == "BF470F88957588DE902D1A52")
        #expect(packet.header.mn == "Z13401000010301")
        #expect(packet.edition == .hj2017)
        #expect(packet.kind == .hour)
        #expect(packet.content.dataTimeText == "20190924220000")
        #expect(packet.content.dataTime == LocalDateTime(year: 2019, month: 9, day: 24, hour: 22))
        #expect(packet.content.readings.map(\.code) == ["a34006", "a34007", "a34048", "a34047", "a34049"])
        let first = try #require(packet.content.reading("a34006"))
        #expect(first.avg == 2.697)
        #expect(first.flag == .normal)
        #expect(first.rtd == nil && first.min == nil && first.max == nil)
        #expect(packet.content.reading("a34049")?.avg == 10.663)
        #expect(packet.problems == [])
    }

    @Test("#3, ST=101 with no QN and no Flag: read as 2005 with a missing_flag warning")
    func st101() throws {
        let packet = try decode(Fixtures.sample(containing: "ST=101").frame)
        #expect(packet.header.st == "101")
        #expect(packet.header.qn == nil)
        #expect(packet.header.flag == nil)
        #expect(packet.header.flagText == nil)
        #expect(packet.header.mn == "41050022000017")
        #expect(packet.edition == .hj2005)
        #expect(packet.problemCodes == [.missingFlag])
        #expect(packet.problem(.missingFlag)?.severity == .warning)
        #expect(!packet.has(.missingQN), "2005 uploads carry no QN")
        #expect(packet.isAccepted)
        #expect(packet.kind == .realtime)
        #expect(packet.content.readings.count == 5)
        // ST=101 names no medium, so nothing is mapped.
        #expect(packet.content.readings.allSatisfy { $0.code == $0.rawCode })
        #expect(packet.content.reading("ua19004")?.rtd == 2.017)
        #expect(packet.content.reading("ua19003")?.rtd == 2.539)
        #expect(packet.content.reading("a34009")?.flag == .normal)
    }

    @Test("#4, 2005-style numeric codes, 872 bytes, 31 readings")
    func numericCodes() throws {
        let packet = try decode(Fixtures.sample(containing: "MN=88888880000001;CP=&&DataTime=20200921174057").frame)
        #expect(packet.edition == .hj2005)
        #expect(packet.header.flag == nil)
        #expect(packet.content.readings.count == 31)
        #expect(packet.content.dataTime == LocalDateTime(year: 2020, month: 9, day: 21, hour: 17, minute: 40, second: 57))
        let rawCodes = packet.content.readings.map(\.rawCode)
        #expect(rawCodes.prefix(3) == ["831", "121", "023"])
        #expect(packet.content.readings.first { $0.rawCode == "811" }?.rtd == 102.472)
        // 023 is a water code (total chromium); this is an air source (ST=31), so it is not mapped.
        #expect(packet.content.readings.first { $0.rawCode == "023" }?.code == "023")
        #expect(packet.content.readings.allSatisfy { $0.flag == .normal })
        #expect(packet.isAccepted)
    }

    @Test("#5, flags written before values")
    func flagBeforeValue() throws {
        let packet = try decode(Fixtures.sample(containing: "MN=JSRCTD000YD107").frame)
        #expect(packet.content.readings.count == 8)
        let reading = try #require(packet.content.reading("l01001"))
        #expect(reading.rtd == 119.90287)
        #expect(reading.flag == .normal)
        #expect(packet.content.reading("a21026")?.rtd == 22.25)
        #expect(packet.content.reading("a34002")?.rtd == 5)
        #expect(packet.problems == [])
    }

    @Test("#6/#7/#9/#10/#16, a lowercase CRC is accepted with a crc_lowercase warning", arguments: ["cc01", "71c0", "7d00", "8c41", "f001"])
    func lowercaseCRC(_ crc: String) throws {
        let sample = try #require(Fixtures.samples.first { $0.frame.hasSuffix("&&" + crc) })
        let packet = try decode(sample.frame)
        #expect(packet.crc.matched == .hj212)
        #expect(packet.crc.sent == crc)
        #expect(packet.crc.computed.map(CRC16.hexString) == crc.uppercased())
        let warning = try #require(packet.problem(.crcLowercase))
        #expect(warning.severity == .warning)
        #expect(packet.isAccepted)
    }

    @Test("#8, PNO=0002;PNUM=0002 without a Flag: piece numbers read, inconsistency warned")
    func splitWithoutFlag() throws {
        let packet = try decode(Fixtures.sample(containing: "PNO=0002;PNUM=0002").frame)
        #expect(packet.header.pnum == 2)
        #expect(packet.header.pno == 2)
        #expect(packet.header.flag == nil)
        #expect(packet.edition == .hj2005)
        #expect(Set(packet.problemCodes) == [.missingFlag, .splitFieldsInconsistent])
        #expect(packet.isAccepted)
        #expect(packet.kind == .minute)
        #expect(packet.content.dataTimeText == "20191112090000")
        #expect(packet.content.readings.count == 1)
        let reading = try #require(packet.content.reading("a01006"))
        #expect(reading.avg == 101.85)
        #expect(reading.min == 101.84)
        #expect(reading.max == 101.87)
        #expect(reading.other == [
            Reading.SuffixValue(suffix: "ValidNum", value: "10"),
            Reading.SuffixValue(suffix: "TotalNum", value: "10"),
        ])
    }

    @Test("#9, Flag=8 surface-water station: version 2 is read as 2025")
    func flag8() throws {
        let packet = try decode(Fixtures.sample(containing: "Flag=8").frame)
        #expect(packet.header.flag?.rawValue == 8)
        #expect(packet.edition == .hj2025)
        #expect(packet.header.st == "21")
        #expect(packet.content.readings.count == 11)
        #expect(packet.content.reading("w21003")?.rtd == 0.09055002)
        #expect(packet.content.reading("w01014")?.rtd == 1425)
        #expect(packet.problemCodes == [.crcLowercase])
    }

    @Test("#10, 17-digit DataTime and a lowercase MN")
    func seventeenDigitDataTime() throws {
        let packet = try decode(Fixtures.sample(containing: "NJGDKYYC202101q0001w0001").frame)
        #expect(packet.header.mn == "NJGDKYYC202101q0001w0001")
        #expect(packet.content.dataTimeText == "20210305003817000")
        #expect(packet.content.dataTime == LocalDateTime(year: 2021, month: 3, day: 5, hour: 0, minute: 38, second: 17, millisecond: 0))
        #expect(packet.content.readings.map(\.code) == ["ele01", "ele02"])
        #expect(packet.content.reading("ele01")?.rtd == 1)
        #expect(packet.content.reading("ele02")?.rtd == 0)
        #expect(packet.content.reading("ele02")?.flag == nil)
    }

    @Test("#11, 2005 codes are mapped (011 → w01018) and the raw code is kept")
    func codes2005() throws {
        let sample = try Fixtures.sample(containing: "DataTime=20160824003817000")
        let packet = try decode(sample.frame)
        #expect(packet.edition == .hj2005)
        #expect(packet.problemCodes == [.missingFlag])
        #expect(packet.content.dataTime?.millisecond == 0)
        let cod = try #require(packet.content.reading("w01018"))
        #expect(cod.rawCode == "011")
        #expect(cod.rtd == 231.0)
        #expect(cod.flag == .normal)
        let flow = try #require(packet.content.reading("w00000"))
        #expect(flow.rawCode == "B01")
        #expect(flow.rtd == 36.91)
        #expect(flow.flag == nil)
        let ammonia = try #require(packet.content.reading("w21003"))
        #expect(ammonia.rawCode == "060")
        #expect(ammonia.rtd == 1.803)
        #expect(packet.content.readings.map(\.code) == ["w00000", "w01018", "w21003"])
    }

    @Test("#12, a 2051 upload from an MN with underscores")
    func minuteAir() throws {
        let packet = try decode(Fixtures.sample(containing: "JLYP01_AIR01_0001").frame)
        #expect(packet.header.mn == "JLYP01_AIR01_0001")
        #expect(packet.header.flag?.rawValue == 4)
        #expect(packet.header.flag?.answerWanted == false)
        #expect(packet.kind == .minute)
        #expect(packet.content.readings.count == 11)
        #expect(packet.content.reading("a21005")?.avg == 0.427)
        #expect(packet.content.reading("a01006")?.avg == 95)
        #expect(packet.problems == [])
    }

    @Test("#13, a 9011 answer: QnRtn kept as a field")
    func requestAnswer() throws {
        let packet = try decode(Fixtures.sample(containing: "CN=9011").frame)
        #expect(packet.kind == nil)
        #expect(packet.content.fields == [CPItem(key: "QnRtn", value: "1", group: 0)])
        #expect(packet.problems == [])
    }

    @Test("#14, 2081 boot time")
    func bootTime() throws {
        let packet = try decode(Fixtures.sample(containing: "CN=2081").frame)
        #expect(packet.kind == .boot)
        #expect(packet.content.dataTimeText == "20231008130452")
        #expect(packet.content.fields == [CPItem(key: "RestartTime", value: "20231007130452", group: 1)])
        #expect(packet.problems == [])
    }

    @Test("#15, power monitoring with non-standard suffixes")
    func powerMonitoring() throws {
        let packet = try decode(Fixtures.sample(containing: "ST=80").frame)
        #expect(packet.header.st == "80")
        #expect(packet.content.readings.count == 1)
        let reading = try #require(packet.content.reading("100000"))
        #expect(reading.flag == .normal)
        #expect(reading.other.count == 28)
        #expect(reading.other.first == Reading.SuffixValue(suffix: "Ia", value: "401.400"))
        #expect(reading.other.contains(Reading.SuffixValue(suffix: "Pa_ave", value: "0.3964")))
    }

    @Test("#16, a platform 9014 with an empty data area")
    func emptyDataArea() throws {
        let packet = try decode(Fixtures.sample(containing: "CN=9014").frame)
        #expect(packet.dataArea.isEmpty)
        #expect(packet.header.st == "91")
        #expect(packet.problemCodes == [.crcLowercase])
    }

    @Test("#29, the edited copy of #8 fails only on its CRC")
    func editedFixture() throws {
        let packet = try decode(Fixtures.sample(containing: "DataTime=20230327090000", crcOK: false).frame)
        #expect(packet.crc.computed == 0xD801)
        #expect(packet.crc.sent == "2800")
        let message = try #require(packet.problem(.crcMismatch)?.message)
        #expect(message.contains("D801"))
        #expect(!message.contains("MODBUS"))
        // The content is still read, so the refusal can be shown with its data.
        #expect(packet.content.reading("a01006")?.avg == 101.85)
    }
}
