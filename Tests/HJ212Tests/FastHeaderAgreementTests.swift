import Testing
@testable import HJ212

/// The fast header reader against `PacketDecoder.parseHeader`: wherever the fast one answers,
/// both read the same header and the general one has nothing to warn about.
@Suite("Fast and general header readers agree")
struct FastHeaderAgreementTests {
    static let fields: [(String, [String])] = [
        ("QN", ["20240101080000000", "2024010108000000012345", "", "x"]),
        ("ST", ["31", "32", "91", "21", "A1", "", "3 1"]),
        ("CN", ["2011", "2051", "9014", "1062", "20511", ""]),
        ("PW", ["123456", "", "abcdefghijklmnopqrstuvwxyz", "p=w"]),
        ("MN", ["0100000A8900016F000169DC0", "M01", "", "超标"]),
        ("Flag", ["5", "4", "0", "255", "256", "05", "x", "", "+5", "1000"]),
        ("PNUM", ["2", "9999", "10000", "x", ""]),
        ("PNO", ["1", "0", "12", "-1"]),
        ("RF", ["1", "0", ""]),
        ("SIM", ["1380"]), ("qn", ["1"]), ("", ["1"]),
    ]

    static func randomHeader(_ rng: inout SplitMix64) -> String {
        var chosen = fields.filter { _ in Int.random(in: 0..<3, using: &rng) != 0 }
        chosen.shuffle(using: &rng)
        var text = ""
        for (key, values) in chosen where !(key == "SIM" || key == "qn" || key == "") || Int.random(in: 0..<6, using: &rng) == 0 {
            let value = Int.random(in: 0..<4, using: &rng) == 0 ? values.randomElement(using: &rng)! : values[0]
            text += "\(key)=\(value)"
            switch Int.random(in: 0..<40, using: &rng) {
            case 0: text += ","
            case 1: text += " ;"
            case 2: text += ";;"
            case 3: text += ";\(key)=\(value);"
            default: text += ";"
            }
        }
        return text
    }

    @Test("random headers: whatever the fast reader reads, the general reader reads the same, silently")
    func randomHeaders() {
        var rng = SplitMix64(seed: 2017)
        var accepted = 0
        for round in 0..<5000 {
            let header = Self.randomHeader(&rng)
            // The header is followed by the data area in a frame; the reader may load past its end.
            let frame = Array(("##0000" + header + "CP=&&DataTime=20240101000000&&ABCD").utf8)
            let end = 6 + header.utf8.count
            frame.withUnsafeBytes { raw in
                var problems: [Problem] = []
                let general = PacketDecoder.parseHeader(UnsafeRawBufferPointer(rebasing: raw[6..<end]), baseOffset: 6, problems: &problems)
                var fast = Header()
                guard let result = FastHeaderReader.read(raw, 6, end, tables: .shipped, into: &fast) else { return }
                accepted += 1
                #expect(result.kind == general.cn.flatMap(DataKind.init(cn:)))
                #expect(result.medium == InternTable.Medium(st: general.st))
                #expect(fast.hasQN == (general.qn != nil) && fast.hasMN == (general.mn != nil))
                #expect(fast == general, "round \(round): \(header)")
                #expect(fast.qn == general.qn && fast.mn == general.mn && fast.flagText == general.flagText)
                #expect(problems.isEmpty, "round \(round): \(header) \(problems)")
            }
        }
        #expect(accepted > 1000)
    }

    @Test("a header at the very end of the bytes is left to the general reader or read the same")
    func shortBuffers() {
        for header in ["ST=32;", "QN=1;ST=32;CN=2011", "Flag=4"] {
            let bytes = Array(header.utf8)
            bytes.withUnsafeBytes { raw in
                var problems: [Problem] = []
                let general = PacketDecoder.parseHeader(raw, baseOffset: 0, problems: &problems)
                if let fast = FastHeaderReader.read(raw, 0, bytes.count, tables: .shipped) { #expect(fast == general) }
            }
        }
    }

    @Test("interned strings equal freshly made ones, and unknown bytes still make strings")
    func interned() {
        let tables = CodeTables.shipped
        let known = Array(tables.pollutants.keys) + Array(tables.codes2005.keys) + tables.commands.map(\.cn) + Array(tables.systemTypes.keys)
        for text in known where text.utf8.count <= InternTable.maximumLength {
            let bytes = Array(text.utf8) + Array("padding!".utf8)
            bytes.withUnsafeBufferPointer { buffer in
                let length = text.utf8.count
                let index = tables.interned.index(word: ByteWords.word(buffer.baseAddress!, 0, length, count: buffer.count), length: length)
                #expect(index >= 0, "\(text)")
                let made = String(decoding: bytes[..<length], as: UTF8.self)
                #expect(tables.interned.string(buffer.baseAddress!, 0, length, count: buffer.count) == made)
                #expect(Array(tables.interned.string(buffer.baseAddress!, 0, length, count: buffer.count).utf8) == Array(made.utf8))
            }
        }
        for text in ["zz99", "", "123456789", "a3401"] {
            let bytes = Array(text.utf8)
            bytes.withUnsafeBufferPointer { buffer in
                let string = tables.interned.string(buffer.baseAddress ?? UnsafePointer(bitPattern: 8)!, 0, bytes.count, count: bytes.count)
                #expect(string == text)
            }
        }
    }

    @Test("the 2005 code map through the intern table matches currentCode(for:medium:)")
    func map2005() {
        let tables = CodeTables.shipped
        for code in tables.codes2005.keys where code.utf8.count <= InternTable.maximumLength {
            let index = tables.interned.index(word: InternTable.word(code), length: code.utf8.count)
            for st in ["31", "32", "22", nil] as [String?] {
                let medium = InternTable.Medium(st: st)
                #expect(tables.interned.current2005(at: index, medium: medium) == tables.currentCode(for: code, medium: medium.name), "\(code) \(st ?? "-")")
            }
        }
    }

    @Test("DataKind from CN bytes", arguments: DataKind.allCases)
    func kinds(_ kind: DataKind) {
        #expect(DataKind(cn: kind.cn) == kind)
        #expect(DataKind(cn: kind.cn + "0") == nil)
        #expect(DataKind(cn: String(kind.cn.dropLast())) == nil)
    }
}

/// QN and MN kept as bytes until asked for behave like the strings they stand for.
@Suite("Header inline text")
struct HeaderInlineTextTests {
    @Test("inline QN and MN read back, compare and hash like strings set directly", arguments: [
        "20240101080000000", "", "0100000A8900016F000169DC0", "超标排放设备", "12345678901234567890123456789012",
    ])
    func inlineText(_ text: String) throws {
        let bytes = Array(text.utf8)
        let inline = try #require(bytes.withUnsafeBufferPointer { InlineText($0.baseAddress ?? UnsafePointer(bitPattern: 8)!, 0, bytes.count) })
        var fromBytes = Header(st: "32")
        fromBytes.setQN(inline)
        fromBytes.setPW(inline)
        fromBytes.setMN(inline)
        let direct = Header(qn: text, st: "32", pw: text, mn: text)
        #expect(fromBytes.qn == text && fromBytes.pw == text && fromBytes.mn == text)
        #expect(fromBytes == direct)
        #expect(fromBytes.hashValue == direct.hashValue)
        var changed = fromBytes
        changed.qn = "x"
        #expect(changed.qn == "x" && changed.mn == text && fromBytes.qn == text)
        changed.mn = nil
        #expect(changed.mn == nil && !changed.hasMN)
    }

    @Test("text taken a word at a time, with bytes after it in the buffer, reads back as the bytes")
    func wordLoads() throws {
        let junk = Array("QN=0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ;CP=&&DataTime=20240101;a-Rtd=1&&".utf8)
        for start in 0..<5 {
            for length in 0...InlineText.capacity {
                let inline = try #require(junk.withUnsafeBufferPointer { InlineText($0.baseAddress!, start, length, limit: junk.count) })
                let expected = String(decoding: junk[start..<(start + length)], as: UTF8.self)
                #expect(inline.string == expected)
                #expect(inline.count == length)
                var fromWords = Header()
                fromWords.setMN(inline)
                let copied = try #require(junk.withUnsafeBufferPointer { InlineText($0.baseAddress!, start, length) })
                var fromCopy = Header()
                fromCopy.setMN(copied)
                #expect(fromWords == fromCopy)
            }
        }
    }

    @Test("text longer than the inline capacity is not kept inline")
    func tooLong() {
        let bytes = Array(String(repeating: "A", count: InlineText.capacity + 1).utf8)
        #expect(bytes.withUnsafeBufferPointer { InlineText($0.baseAddress!, 0, bytes.count) } == nil)
    }
}

/// DataTime as sent, kept as bytes by the fast reader, behaves like the string.
@Suite("DataContent inline DataTime text")
struct DataTimeInlineTests {
    @Test("inline DataTime text reads back, compares and hashes like the string, and can be replaced")
    func inlineDataTime() throws {
        let text = "20240131235959123"
        let bytes = Array(text.utf8)
        let inline = try #require(bytes.withUnsafeBufferPointer { InlineText($0.baseAddress!, 0, bytes.count) })
        var fromBytes = DataContent(kind: .minute)
        fromBytes.setDataTimeText(inline)
        let direct = DataContent(kind: .minute, dataTimeText: text)
        #expect(fromBytes.dataTimeText == text)
        #expect(fromBytes == direct)
        #expect(fromBytes.hashValue == direct.hashValue)
        fromBytes.dataTimeText = nil
        #expect(fromBytes.dataTimeText == nil)
        #expect(fromBytes == DataContent(kind: .minute))
    }
}
