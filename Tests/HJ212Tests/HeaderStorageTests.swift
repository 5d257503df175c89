import Testing
@testable import HJ212

/// `Header` keeps QN, PW and MN as bytes and ST, CN, the Flag's text and RF as code references,
/// longer values as strings: every field must read back, compare and hash as the strings set.
@Suite("Header storage")
struct HeaderStorageTests {
    static let values: [String?] = [
        nil, "", "31", "2011", "9014", "1", "5", "123456", "20240101080000000", "0100000A89000000000000001",
        "a123456789012345", "a1234567890123456789012345678901", "a12345678901234567890123456789012",
        "监测站点", "\u{212A}01", "K01",
    ]

    @Test("every field reads back as set, from every kind of value to every other")
    func fields() {
        var rng = SplitMix64(seed: 9)
        for _ in 0..<2000 {
            func pick() -> String? { Self.values.randomElement(using: &rng)! }
            let (qn, st, cn, pw, mn, rf) = (pick(), pick(), pick(), pick(), pick(), pick())
            var header = Header(qn: qn, st: st, cn: cn, pw: pw, mn: mn, rf: rf)
            let flagText = pick()
            header.flagText = flagText
            #expect(header.qn == qn && header.st == st && header.cn == cn && header.pw == pw && header.mn == mn)
            #expect(header.rf == rf && header.flagText == flagText)
            #expect(header.isBackfill == (rf == "1"))
            let copy = header
            // Every field changed to another kind of value and back.
            header.qn = pick()
            header.st = pick()
            header.cn = pick()
            header.pw = pick()
            header.mn = pick()
            header.rf = pick()
            header.flagText = pick()
            header.qn = qn
            header.st = st
            header.cn = cn
            header.pw = pw
            header.mn = mn
            header.rf = rf
            header.flagText = flagText
            #expect(header == copy)
            #expect(header.hashValue == copy.hashValue)
            #expect(copy.qn == qn && copy.st == st && copy.mn == mn)
        }
    }

    @Test("headers are equal exactly when their fields are, as strings")
    func equality() {
        for st in Self.values {
            for other in Self.values {
                let a = Header(st: st, cn: other), b = Header(st: other, cn: st)
                #expect((a == b) == (st == other), "\(String(describing: st)) \(String(describing: other))")
                if a == b { #expect(a.hashValue == b.hashValue) }
            }
        }
    }
}
