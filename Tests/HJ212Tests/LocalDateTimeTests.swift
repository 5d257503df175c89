import Testing
@testable import HJ212

/// HJ 212 times: 14 or 17 digits, zone-less, calendar-checked.
@Suite("LocalDateTime")
struct LocalDateTimeTests {
    @Test("14 digits")
    func fourteen() throws {
        let time = try #require(LocalDateTime(hj212: "20160801085857"))
        #expect(time == LocalDateTime(year: 2016, month: 8, day: 1, hour: 8, minute: 58, second: 57))
        #expect(time.millisecond == nil)
        #expect(time.hj212 == "20160801085857")
        #expect(time.isoLocal == "2016-08-01T08:58:57")
        #expect(time.description == time.isoLocal)
    }

    @Test("17 digits keep the milliseconds")
    func seventeen() throws {
        let time = try #require(LocalDateTime(hj212: "20160801085857223"))
        #expect(time.millisecond == 223)
        #expect(time.second == 57)
        #expect(time.hj212 == "20160801085857223")
        #expect(time.isoLocal == "2016-08-01T08:58:57.223")
        let zero = try #require(LocalDateTime(hj212: "20210305003817000"))
        #expect(zero.millisecond == 0)
        #expect(zero.hj212 == "20210305003817000")
        #expect(zero != LocalDateTime(hj212: "20210305003817"), "000 milliseconds are not the same as none")
    }

    @Test("substrings are read too")
    func substring() {
        let text = "DataTime=20240520210600;"
        let value = text.dropFirst(9).dropLast()
        #expect(LocalDateTime(hj212: value)?.minute == 6)
    }

    @Test("impossible or malformed times are rejected", arguments: [
        "20230230120000", "20230229000000", "19000229000000", "20231301000000", "20230001000000", "20230100000000",
        "20230431000000", "20230101240000", "20230101006000", "20230101000060", "00000101000000",
        "2023010112000", "202301011200000", "2023010112000000", "202301011200000000", "2023010112000a", "",
        "20230101 20000", "-2023010112000", "２０２３0101120000",
    ])
    func rejected(_ text: String) {
        #expect(LocalDateTime(hj212: text) == nil)
    }

    @Test("leap days", arguments: [("20240229000000", true), ("20000229235959", true), ("21000229000000", false), ("20230229000000", false)])
    func leapDays(_ text: String, _ valid: Bool) {
        #expect((LocalDateTime(hj212: text) != nil) == valid)
    }

    @Test("isValid and daysIn")
    func validity() {
        #expect(LocalDateTime(year: 2023, month: 2, day: 30).isValid == false)
        #expect(LocalDateTime(year: 2023, month: 12, day: 31, hour: 23, minute: 59, second: 59).isValid)
        #expect((1...12).map { LocalDateTime.daysIn(year: 2023, month: $0) } == [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
        #expect(LocalDateTime.daysIn(year: 2024, month: 2) == 29)
    }

    @Test("seconds since the epoch of the zone-less calendar", arguments: [
        ("19700101000000", Int64(0)), ("19691231235959", -1), ("20000101000000", 946_684_800),
        ("20160801085857", 1_470_041_937), ("19000301000000", -2_203_891_200), ("20380119031408", 2_147_483_648),
    ])
    func epochSeconds(_ text: String, _ seconds: Int64) throws {
        let time = try #require(LocalDateTime(hj212: text))
        #expect(time.secondsSinceEpochIgnoringZone == seconds)
        #expect(LocalDateTime(secondsSinceEpochIgnoringZone: seconds) == time)
    }

    @Test("seconds round-trip over a wide random range")
    func epochRoundTrip() {
        var rng = SplitMix64(seed: 1970)
        for _ in 0..<5000 {
            let seconds = Int64.random(in: -5_000_000_000...10_000_000_000, using: &rng)
            let time = LocalDateTime(secondsSinceEpochIgnoringZone: seconds)
            #expect(time.isValid)
            #expect(time.secondsSinceEpochIgnoringZone == seconds)
            #expect(LocalDateTime(hj212: time.hj212) == time)
        }
    }

    @Test("milliseconds are ignored by the epoch seconds and dropped by adding")
    func milliseconds() throws {
        let time = try #require(LocalDateTime(hj212: "20160801085857223"))
        #expect(time.secondsSinceEpochIgnoringZone == 1_470_041_937)
        #expect(time.adding(seconds: 0).millisecond == nil)
    }

    @Test("adding seconds crosses days, months, leap years and years")
    func adding() throws {
        let time = try #require(LocalDateTime(hj212: "20231231235959"))
        #expect(time.adding(seconds: 1).hj212 == "20240101000000")
        #expect(try #require(LocalDateTime(hj212: "20240228120000")).adding(seconds: 86_400).hj212 == "20240229120000")
        #expect(try #require(LocalDateTime(hj212: "20240301000000")).adding(seconds: -1).hj212 == "20240229235959")
        #expect(time.adding(seconds: -3600 * 24 * 365).hj212 == "20221231235959")
    }

    @Test("ordering compares time, then milliseconds")
    func ordering() throws {
        let a = try #require(LocalDateTime(hj212: "20160801085857"))
        let b = try #require(LocalDateTime(hj212: "20160801085857001"))
        let c = try #require(LocalDateTime(hj212: "20160801085858"))
        let d = try #require(LocalDateTime(hj212: "20170101000000"))
        #expect(a < b && b < c && c < d)
        #expect([d, b, c, a].sorted() == [a, b, c, d])
    }
}

@Suite("LocalDateTime from bytes")
struct LocalDateTimeBytesTests {
    @Test("the byte reader agrees with the text reader", arguments: [
        "20240131235959", "20240131235959123", "20240229000000", "20230229000000", "20241301000000",
        "2024013123595", "202401312359590", "2024013123595a", "", "00000101000000", "99991231235959999",
        "20240431000000", "2024-1-1 00000", "２0240131235959",
    ])
    func agrees(_ text: String) {
        let fromBytes = Array(text.utf8).withUnsafeBytes { LocalDateTime(hj212Bytes: $0) }
        #expect(fromBytes == LocalDateTime(hj212: text))
        #expect(LocalDateTime(hj212: text[...]) == LocalDateTime(hj212: text))
    }
}

@Suite("LocalDateTime word reader")
struct LocalDateTimeWordTests {
    @Test("reading a word at a time agrees with reading byte by byte on random times and near-times")
    func agreesWithReference() {
        var rng = SplitMix64(seed: 1417)
        let junk = Array("0123456789/:- aZ\u{0}".utf8) + [0xFF, 0x80, 0x2F, 0x3A]
        for round in 0..<20000 {
            let length = [14, 17, 14, 17, 13, 15, 16, 18].randomElement(using: &rng)!
            var bytes = (0..<length).map { _ in UInt8.random(in: 0x30...0x39, using: &rng) }
            if length >= 14 && Bool.random(using: &rng) {
                // A plausible calendar time, so that the validity check is reached.
                let digits = Array(String(format: "%04d%02d%02d%02d%02d%02d", Int.random(in: 1990...2040, using: &rng),
                                          Int.random(in: 0...13, using: &rng), Int.random(in: 0...32, using: &rng),
                                          Int.random(in: 0...24, using: &rng), Int.random(in: 0...60, using: &rng),
                                          Int.random(in: 0...60, using: &rng)).utf8)
                bytes.replaceSubrange(0..<14, with: digits)
            }
            if Int.random(in: 0..<4, using: &rng) == 0 { bytes[Int.random(in: 0..<length, using: &rng)] = junk.randomElement(using: &rng)! }
            let fast = bytes.withUnsafeBytes { LocalDateTime(hj212Bytes: $0) }
            let reference = bytes.withUnsafeBytes { LocalDateTime(hj212BytesReference: $0) }
            #expect(fast == reference, "round \(round): \(bytes)")
        }
    }
}
