import Testing
@testable import HJ212

/// The fast content reader against the general one: on every data area the fast reader accepts,
/// both must give the same content, and the general reader must find nothing to warn about
/// (the fast reader's answer is used without the general reader's diagnostics).
@Suite("Fast and general content readers agree")
struct FastReaderAgreementTests {
    struct Both {
        var fast: DataContent?
        var general: DataContent
        var problems: [Problem]
    }

    static func read(_ area: [UInt8], cn: String?, st: String?, edition: Edition) -> Both {
        let header = Header(st: st, cn: cn)
        // As in a frame, the area is followed by "&&" and the CRC, which the fast reader may load
        // (but not read as part of the area): it must read the same with them and without.
        let framed = area + Array("&&4F2A".utf8)
        let inFrame = framed.withUnsafeBytes { raw in
            var content = DataContent()
            return FastContentReader.read(
                UnsafeRawBufferPointer(rebasing: raw[0..<area.count]), readable: raw.count, kind: cn.flatMap(DataKind.init(cn:)),
                medium: InternTable.Medium(st: st), edition: edition, tables: .shipped, into: &content) ? content : nil
        }
        return area.withUnsafeBytes { raw in
            let fast = FastContentReader.read(
                raw, kind: cn.flatMap(DataKind.init(cn:)), medium: InternTable.Medium(st: st), edition: edition, tables: .shipped)
            #expect(inFrame == fast, "\(String(decoding: area, as: UTF8.self))")
            var generalHeader = header
            var problems: [Problem] = []
            let general = ContentReader.read(
                raw, baseOffset: 0, header: &generalHeader, edition: edition, tables: .shipped, problems: &problems)
            return Both(fast: fast, general: general, problems: problems)
        }
    }

    static let codes = [
        "w01018", "w00000", "a21026", "a34013", "a19001", "O3", "S01", "B01", "011", "060", "02", "LA",
        "ua19004", "a1234567", "a12345678", "e1010101010", "x", "ab-c", "ele01", "a01011",
    ]
    static let suffixes = [
        "Rtd", "Min", "Avg", "Max", "Cou", "ZsRtd", "ZsMin", "ZsAvg", "ZsMax", "RawAvg", "Flag", "Flag", "Flag",
        "EFlag", "SampleTime", "Xyz", "", "Rtdx", "AvgAvgAvg",
    ]
    static let numbers = [
        "1", "0", "12.5", "-3.25", "+7", "0.000001", "123456789.123", "1.2E3", "1.", ".5", "-", "", "abc",
        "12345678901234567890", "9007199254740993", "0.30000000000000004", "1e-7", " 5", "5 ", "00012",
        "1.2345678901234567890123", "-0",
    ]
    static let letters = ["N", "F", "M", "S", "D", "C", "T", "B", "P", "K", "z", "NN", "", "0", " "]
    static let named = [
        ("DataTime", "20240131235959"), ("DataTime", "20240131235959123"), ("DataTime", "20241301000000"),
        ("DataTime", "2024013123595"), ("RestartTime", "20240101000000"), ("PolId", "P1"), ("Flag", "N"),
        ("PNUM", "2"), ("PNO", "1"), ("QN", "20240101000000000"), ("Text", "//a,b;c//"), ("", "1"),
    ]

    /// A data area: mostly plain `code-Suffix` runs, with quirks thrown in now and then.
    static func randomArea(_ rng: inout SplitMix64) -> [UInt8] {
        var items: [String] = []
        if Int.random(in: 0..<10, using: &rng) != 0 { items.append("DataTime=20240131235959") }
        let codeCount = Int.random(in: 0...(Int.random(in: 0..<8, using: &rng) == 0 ? 30 : 10), using: &rng)
        var chosen: [String] = []
        for index in 0..<codeCount {
            let code = Int.random(in: 0..<4, using: &rng) == 0 ? codes.randomElement(using: &rng)! : "c\(index)x"
            if !chosen.contains(code) { chosen.append(code) }
        }
        for code in chosen {
            // Distinct suffixes (a repeated one is a quirk of its own, thrown in below).
            let plain = ["Rtd", "Avg", "Min", "Max", "Cou", "ZsAvg", "RawAvg", "Flag"].shuffled(using: &rng)
            for suffix in plain.prefix(Int.random(in: 1...6, using: &rng)) {
                let quirky = Int.random(in: 0..<25, using: &rng) == 0
                let key = quirky && Bool.random(using: &rng) ? suffixes.randomElement(using: &rng)! : suffix
                let value = key.hasSuffix("Flag")
                    ? (quirky ? letters.randomElement(using: &rng)! : ["N", "N", "N", "M", "D"].randomElement(using: &rng)!)
                    : (quirky ? numbers.randomElement(using: &rng)! : "\(Int.random(in: 0...99999, using: &rng))")
                items.append("\(code)-\(key)=\(value)")
            }
            if Int.random(in: 0..<25, using: &rng) == 0 {
                let (key, value) = named.randomElement(using: &rng)!
                items.append("\(key)=\(value)")
            }
        }
        if Int.random(in: 0..<10, using: &rng) == 0 { items.shuffle(using: &rng) }
        var text = ""
        for (index, item) in items.enumerated() {
            if index > 0 { text += Int.random(in: 0..<3, using: &rng) == 0 ? "," : ";" }
            text += item
        }
        var bytes = Array(text.utf8)
        // Occasional damage: a special byte dropped in, or a trailing separator.
        if !bytes.isEmpty && Int.random(in: 0..<8, using: &rng) == 0 {
            let specials = Array(" ;,=-/\t\r\n&.+#".utf8)
            bytes[Int.random(in: 0..<bytes.count, using: &rng)] = specials.randomElement(using: &rng)!
        }
        if Int.random(in: 0..<30, using: &rng) == 0 { bytes += Array(";".utf8) }
        return bytes
    }

    @Test("random data areas: whatever the fast reader accepts, the general reader reads the same, silently",
          arguments: [Edition.hj2017, .hj2005, .hj2025])
    func randomAreas(_ edition: Edition) {
        var rng = SplitMix64(seed: 212 + UInt64(edition.versionBits))
        var accepted = 0, manyCodes = 0
        for round in 0..<3000 {
            let area = Self.randomArea(&rng)
            let cn = ["2011", "2051", "2061", "2031", "3020", "9014", nil].randomElement(using: &rng)!
            let st = ["31", "32", "22", nil].randomElement(using: &rng)!
            let both = Self.read(area, cn: cn, st: st, edition: edition)
            guard let fast = both.fast else { continue }
            accepted += 1
            if fast.readings.count > FastContentReader.stackSlots { manyCodes += 1 }
            let text = String(decoding: area, as: UTF8.self)
            #expect(fast == both.general, "round \(round): \(text)")
            #expect(both.problems.isEmpty, "round \(round): \(text) \(both.problems)")
        }
        #expect(accepted > 800)
        #expect(manyCodes > 3)
    }

    @Test("plain areas with many codes are read by the fast reader, on the heap past the stack slots")
    func manyCodes() {
        for count in [1, FastContentReader.stackSlots, FastContentReader.stackSlots + 1, 60, FastContentReader.maximumSlots] {
            var text = "DataTime=20240131235959"
            for index in 0..<count { text += ";c\(index)-Rtd=\(index).5,c\(index)-Flag=N" }
            let both = Self.read(Array(text.utf8), cn: "2011", st: "32", edition: .hj2017)
            #expect(both.fast?.readings.count == count)
            #expect(both.fast == both.general)
        }
        var text = "DataTime=20240131235959"
        for index in 0...FastContentReader.maximumSlots { text += ";c\(index)-Rtd=1" }
        let tooMany = Self.read(Array(text.utf8), cn: "2011", st: "32", edition: .hj2017)
        #expect(tooMany.fast == nil)
        #expect(tooMany.general.readings.count == FastContentReader.maximumSlots + 1)
    }

    @Test("areas ending right after a code's dash or inside a suffix fall back like the general reader")
    func shortTails() {
        for tail in ["a21026-", "a21026-R", "a21026-Rt", "a21026-Rtd", "a21026-Rtd=", "a21026-Rtd=1", "a2-Flag=N"] {
            for prefix in ["", "a21026-Rtd=2;", "DataTime=20240131235959;a21026-Avg=2,"] {
                let text = prefix + tail
                let both = Self.read(Array(text.utf8), cn: "2011", st: "32", edition: .hj2017)
                if let fast = both.fast {
                    #expect(fast == both.general, "\(text)")
                    #expect(both.problems.isEmpty, "\(text)")
                }
            }
        }
    }

    @Test("numbers of every shape are read to the same double as the general reader and Double(_:)")
    func numbers() {
        var rng = SplitMix64(seed: 53)
        for round in 0..<20000 {
            let integer = Int.random(in: 0...9, using: &rng) == 0 ? "" : String(UInt64.random(in: 0...UInt64(99_999_999_999), using: &rng))
                .prefix(Int.random(in: 1...11, using: &rng))
            let fraction = String(UInt64.random(in: 0...UInt64(99_999_999_999), using: &rng)).prefix(Int.random(in: 0...11, using: &rng))
            var number = String(integer)
            if !fraction.isEmpty || Int.random(in: 0..<4, using: &rng) == 0 { number += "." + fraction }
            if Int.random(in: 0..<5, using: &rng) == 0 { number = "-" + number }
            // A tail of varying length, so the number sits both well inside and at the end of the area.
            let tail = [",a1-Flag=N", ";b2-Rtd=1", "", ",a1-Max=7;c3-Rtd=2,c3-Flag=N"].randomElement(using: &rng)!
            let text = "DataTime=20240131235959;a1-Rtd=" + number + tail
            let both = Self.read(Array(text.utf8), cn: "2011", st: "32", edition: .hj2017)
            guard let fast = both.fast else { continue }
            #expect(fast == both.general, "round \(round): \(text)")
            let expected = Double(number)
            #expect(fast.readings.first?.rtd == expected, "round \(round): \(number)")
        }
    }
}
