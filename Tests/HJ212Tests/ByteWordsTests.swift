import Testing
@testable import HJ212

/// Word-at-a-time helpers checked against byte-by-byte answers.
@Suite("Byte words")
struct ByteWordsTests {
    @Test("firstIndex(of:) finds the first matching byte, or 8")
    func firstIndex() {
        var rng = SplitMix64(seed: 5)
        let alphabet: [UInt8] = [0x00, 0x01, 0x3C, 0x3D, 0x3E, 0x7F, 0x80, 0xBD, 0xFF, 0x41]
        for _ in 0..<20000 {
            let bytes = (0..<8).map { _ in alphabet.randomElement(using: &rng)! }
            let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian }
            for target in [UInt8(0x3D), 0x00, 0xFF, 0x80] {
                #expect(ByteWords.firstIndex(of: target, in: word) == (bytes.firstIndex(of: target) ?? 8), "\(bytes) \(target)")
            }
        }
    }

    @Test("word() packs up to eight bytes, near the end of a buffer too")
    func words() {
        let bytes = Array("abcdefghijkl".utf8)
        bytes.withUnsafeBufferPointer { buffer in
            let p = buffer.baseAddress!
            for start in 0..<bytes.count {
                for length in 0...min(8, bytes.count - start) {
                    var expected: UInt64 = 0
                    for (shift, byte) in bytes[start..<(start + length)].enumerated() { expected |= UInt64(byte) << UInt64(8 * shift) }
                    #expect(ByteWords.word(p, start, length, count: bytes.count) == expected)
                }
            }
        }
        #expect(ByteWords.prefixMask(0) == 0)
        #expect(ByteWords.prefixMask(3) == 0xFF_FFFF)
        #expect(ByteWords.prefixMask(8) == UInt64.max)
    }

    @Test("the fast reader's suffix words name the numeric fields in order, and Flag")
    func suffixWords() {
        func word(_ text: String) -> UInt64 {
            Array(text.utf8).withUnsafeBufferPointer { ByteWords.word($0.baseAddress!, 0, text.utf8.count, count: text.utf8.count) }
        }
        for field in Reading.NumericField.allCases {
            #expect(FastContentReader.field(suffix: word(field.suffix), length: field.suffix.utf8.count) == field.rawValue)
        }
        #expect(FastContentReader.field(suffix: word("Flag"), length: 4) == FastContentReader.flagField)
        // NUL bytes after a name make another suffix (found by the fuzzer's differential check).
        for other in ["EFlag", "SampleTime", "rtd", "Rt", "RawAv", "", "Flag\u{0}\u{0}", "Avg\u{0}", "Rtd\u{0}\u{0}\u{0}\u{0}\u{0}"] {
            #expect(FastContentReader.field(suffix: word(other), length: other.utf8.count) == FastContentReader.noField)
        }
    }

    @Test("digitCount, digitsValue and plainKeyBytes agree with byte-by-byte answers")
    func digitsAndKeys() {
        var rng = SplitMix64(seed: 11)
        let alphabet = Array("0123456789.;,=-/ \t\r\naZ:+#\u{0}".utf8) + [0x7F, 0x80, 0xC8, 0xFF, 0x29, 0x2F, 0x30, 0x39, 0x3A]
        for _ in 0..<50000 {
            let bytes = (0..<8).map { _ in Int.random(in: 0..<3, using: &rng) == 0 ? alphabet.randomElement(using: &rng)! : UInt8.random(in: 0x30...0x39, using: &rng) }
            let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian }
            let digits = bytes.firstIndex { $0 < 0x30 || $0 > 0x39 } ?? 8
            #expect(ByteWords.digitCount(word) == digits, "\(bytes)")
            if digits > 0 {
                let value = bytes[..<digits].reduce(UInt64(0)) { $0 * 10 + UInt64($1 - 0x30) }
                for count in 1...digits { #expect(ByteWords.digitsValue(word, count) == bytes[..<count].reduce(UInt64(0)) { $0 * 10 + UInt64($1 - 0x30) }) }
                #expect(ByteWords.digitsValue(word, digits) == value)
            }
            let plain = bytes.firstIndex { $0 < 0x30 || $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: "=") } ?? 8
            #expect(ByteWords.plainKeyBytes(word) == plain, "\(bytes)")
            var nonDigits: UInt64 = 0
            for (index, byte) in bytes.enumerated() where byte < 0x30 || byte > 0x39 { nonDigits |= 0x80 << UInt64(8 * index) }
            #expect(ByteWords.nonDigitBytes(word) == nonDigits, "\(bytes)")
        }
    }

    @Test("decimal(in:) reads a number that ends inside its word as the byte-by-byte reading does")
    func decimalInWord() {
        var rng = SplitMix64(seed: 17)
        let alphabet = Array("0123456789012345678901234567890123456789...;,-+eE x".utf8) + [0x00, 0x2F, 0x3A, 0xB0]
        for _ in 0..<50000 {
            let bytes = (0..<8).map { _ in alphabet.randomElement(using: &rng)! }
            let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian }
            // Byte by byte: digits, maybe a point and digits, ending before the eighth byte.
            var index = 0, mantissa: UInt64 = 0, digits = 0, places = 0
            while index < 8 && bytes[index] >= 0x30 && bytes[index] <= 0x39 {
                mantissa = mantissa * 10 + UInt64(bytes[index] - 0x30)
                index += 1
                digits += 1
            }
            if index < 8 && bytes[index] == UInt8(ascii: ".") {
                index += 1
                while index < 8 && bytes[index] >= 0x30 && bytes[index] <= 0x39 {
                    mantissa = mantissa * 10 + UInt64(bytes[index] - 0x30)
                    index += 1
                    digits += 1
                    places += 1
                }
            }
            let number = FastContentReader.decimal(in: word)
            if index < 8 && digits > 0 {
                #expect(number?.mantissa == mantissa && number?.places == places && number?.end == index, "\(bytes)")
            } else {
                #expect(number == nil, "\(bytes)")
            }
        }
    }

    @Test("matches(of:) marks exactly the equal bytes")
    func matches() {
        var rng = SplitMix64(seed: 3)
        let alphabet: [UInt8] = [0x00, 0x43, 0x42, 0x44, 0xC3, 0x80, 0xFF, 0x7F, 0x01]
        for _ in 0..<20000 {
            let bytes = (0..<8).map { _ in alphabet.randomElement(using: &rng)! }
            let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian }
            for target in [UInt8(0x43), 0x00, 0xFF] {
                var expected: UInt64 = 0
                for (index, byte) in bytes.enumerated() where byte == target { expected |= 0x80 << UInt64(8 * index) }
                #expect(ByteWords.matches(of: target, in: word) == expected)
            }
        }
    }

    @Test("the CP marker is found where the byte-by-byte search finds it")
    func cpMarker() {
        var rng = SplitMix64(seed: 4)
        let pieces = ["CP=&&", "CP=&", "C", "P", "=", "&", "&&", "x", "CCP=&&", "ST=32;", "CP=", "CPX&&"]
        for _ in 0..<5000 {
            let text = (0..<Int.random(in: 0...12, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            let bytes = Array(text.utf8)
            for from in 0...min(3, bytes.count) {
                for to in Swift.max(from, bytes.count - 3)...bytes.count {
                    #expect(PacketDecoder.findCPMarker(in: bytes, from: from, to: to)
                            == PacketDecoder.find(Array("CP=&&".utf8), in: bytes, from: from, to: to), "\(text) \(from) \(to)")
                }
            }
        }
    }

    @Test("suffix hash slots are distinct, and every suffix name maps to its field")
    func suffixTable() {
        let table = FastContentReader.suffixTable
        #expect(table.filter { $0 != ~0 }.count == FastContentReader.suffixNames.count)
        for (field, name) in FastContentReader.suffixNames.enumerated() {
            #expect(FastContentReader.field(suffix: InternTable.word(name), length: name.utf8.count) == UInt8(field))
        }
    }
}
