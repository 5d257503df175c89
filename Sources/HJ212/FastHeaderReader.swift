/// The common header, read in one pass a word at a time: `key=value` fields of the standard
/// (QN, ST, CN, PW, MN, Flag, PNUM, PNO, RF) separated by `;`, each once, without spaces or
/// commas, with a plain decimal Flag. Command numbers, system types and Flag values come
/// ready-made from the code tables.
///
/// Anything else returns nil and `PacketDecoder.parseHeader` reads the header with its
/// diagnostics. Where this reader answers, both give the same header and the general one finds
/// nothing to warn about; the tests check that on random headers.
enum FastHeaderReader {
    private static let semicolons: UInt64 = 0x3B3B_3B3B_3B3B_3B3B
    private static let commas: UInt64 = 0x2C2C_2C2C_2C2C_2C2C
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// What the content reader needs from CN and ST, found from their bytes.
    struct Facts {
        var kind: DataKind?
        var medium: InternTable.Medium
    }

    /// Reads the header in `start..<end` of `bytes` (the whole frame: the reader loads 8 bytes at a
    /// time, past `end` when the frame goes on).
    static func read(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int, tables: CodeTables) -> Header? {
        var header = Header()
        return read(bytes, start, end, tables: tables, into: &header) == nil ? nil : header
    }

    /// `read`, into a header in place (the decoder's, inside its packet). The header must start
    /// empty; when the reader gives up (nil) it holds part of the fields and must be replaced.
    static func read(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int, tables: CodeTables, into header: inout Header) -> Facts? {
        guard let base = bytes.baseAddress, end <= bytes.count else { return nil }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let limit = bytes.count
        var kind: DataKind?
        var medium = InternTable.Medium.unknown
        var seen: UInt16 = 0
        var index = start
        while index < end {
            guard index + 8 <= limit else { return nil }
            let keyWord = ByteWords.load(p, index)
            let keyLength = ByteWords.firstIndex(of: UInt8(ascii: "="), in: keyWord)
            guard keyLength >= 2 && keyLength <= 4 && index + keyLength < end else { return nil }
            let bit: UInt16
            // By the key's bytes and its length: zero-padded words alone would take "QN\0" for "QN".
            switch (keyWord & ByteWords.prefixMask(keyLength), keyLength) {
            case (0x4E51, 2): bit = 1 // QN
            case (0x5453, 2): bit = 2 // ST
            case (0x4E43, 2): bit = 4 // CN
            case (0x5750, 2): bit = 8 // PW
            case (0x4E4D, 2): bit = 16 // MN
            case (0x6761_6C46, 4): bit = 32 // Flag
            case (0x4D55_4E50, 4): bit = 64 // PNUM
            case (0x4F_4E50, 3): bit = 128 // PNO
            case (0x4652, 2): bit = 256 // RF
            default: return nil
            }
            guard seen & bit == 0 else { return nil }
            seen |= bit
            let valueStart = index + keyLength + 1
            let valueEnd = separator(p, from: valueStart, end: end, limit: limit)
            guard valueEnd < end ? p[valueEnd] == UInt8(ascii: ";") : true else { return nil }
            let length = valueEnd - valueStart
            if length > 0 {
                let first = p[valueStart], last = p[valueEnd - 1]
                guard first != 0x20 && first != 0x09 && last != 0x20 && last != 0x09 else { return nil }
            }
            switch bit {
            case 1:
                if let text = InlineText(p, valueStart, length, limit: limit) { header.setQN(text) } else { header.qn = text(p, valueStart, length) }
            case 2:
                // The value's bytes as a word once, for the intern table and the medium.
                let word = ByteWords.word(p, valueStart, Swift.min(length, 8), count: limit)
                if let ref = ref(p, valueStart, length, word: word, limit: limit, tables: tables) {
                    header.setST(ref)
                } else {
                    header.st = text(p, valueStart, length)
                }
                if length <= 8 { medium = InternTable.Medium(stWord: word) }
            case 4:
                let word = ByteWords.word(p, valueStart, Swift.min(length, 8), count: limit)
                if let ref = ref(p, valueStart, length, word: word, limit: limit, tables: tables) {
                    header.setCN(ref)
                } else {
                    header.cn = text(p, valueStart, length)
                }
                kind = length == 4 ? DataKind(cnWord: word) : nil
            case 8:
                if let text = InlineText(p, valueStart, length, limit: limit) { header.setPW(text) } else { header.pw = text(p, valueStart, length) }
            case 16:
                if let text = InlineText(p, valueStart, length, limit: limit) { header.setMN(text) } else { header.mn = text(p, valueStart, length) }
            case 32:
                guard let number = digits(p, valueStart, length, maximum: 3), number <= 255 else { return nil }
                header.flag = PacketFlag(rawValue: UInt8(number))
                // The text as sent: one to three digits.
                header.setFlagText(ref(p, valueStart, length, word: ByteWords.word(p, valueStart, length, count: limit), limit: limit,
                                       tables: tables)!)
            case 64:
                guard let number = digits(p, valueStart, length, maximum: 4) else { return nil }
                header.pnum = number
            case 128:
                guard let number = digits(p, valueStart, length, maximum: 4) else { return nil }
                header.pno = number
            default: header.rf = text(p, valueStart, length)
            }
            index = valueEnd + 1
        }
        return Facts(kind: kind, medium: medium)
    }

    /// The first `;` or `,` at or after `from`, or `end`.
    @inline(__always)
    private static func separator(_ p: UnsafePointer<UInt8>, from: Int, end: Int, limit: Int) -> Int {
        var index = from
        while index + 8 <= limit && index < end {
            let word = ByteWords.load(p, index)
            let x = word ^ semicolons, y = word ^ commas
            let found = ((x &- ones) & ~x | (y &- ones) & ~y) & highs
            if found != 0 { return Swift.min(end, index + found.trailingZeroBitCount >> 3) }
            index += 8
        }
        while index < end && p[index] != UInt8(ascii: ";") && p[index] != UInt8(ascii: ",") { index += 1 }
        return Swift.min(index, end)
    }

    /// A value of up to 15 bytes as a reference (`CodeRef`): its slot in the intern table when
    /// the table holds it (`word` is its first bytes), else its bytes; nil for a longer value.
    @inline(__always)
    private static func ref(_ p: UnsafePointer<UInt8>, _ start: Int, _ length: Int, word: UInt64, limit: Int, tables: CodeTables) -> CodeRef? {
        if length <= InternTable.maximumLength {
            let slot = tables.interned.index(word: word, length: length)
            if slot >= 0 { return CodeRef(slot: slot) }
        }
        return length <= 15 ? CodeRef(p, start, length, count: limit) : nil
    }

    @inline(__always)
    private static func text(_ p: UnsafePointer<UInt8>, _ start: Int, _ length: Int) -> String {
        String(decoding: UnsafeRawBufferPointer(start: p + start, count: length), as: UTF8.self)
    }

    /// A plain decimal of 1 to `maximum` digits.
    @inline(__always)
    private static func digits(_ p: UnsafePointer<UInt8>, _ start: Int, _ length: Int, maximum: Int) -> Int? {
        guard length >= 1 && length <= maximum else { return nil }
        var value = 0
        for index in start..<(start + length) {
            let digit = p[index] &- 0x30
            guard digit <= 9 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }
}
