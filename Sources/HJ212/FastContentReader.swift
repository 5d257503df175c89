/// The common case of the data area, read in one pass over the bytes: `key=value` items
/// separated by `;` and `,`, readings keyed `code-Suffix` with plain decimal numbers and
/// one-letter flags. Numbers are parsed while the value is scanned and no string is made
/// except for codes and the odd named item.
///
/// Anything unusual (spaces, `//` text, an item without `=`, a repeated value, PolId,
/// PNUM/PNO, a bad DataTime, exponents) makes it give up and return nil, and the general
/// `ContentReader` reads the area instead, with all its diagnostics. Both must agree on
/// every input they both accept; the round-trip and sample tests check that.
enum FastContentReader {
    static let semicolon = UInt8(ascii: ";")
    static let comma = UInt8(ascii: ",")
    static let equals = UInt8(ascii: "=")
    static let dashByte = UInt8(ascii: "-")
    static let dot = UInt8(ascii: ".")

    /// Bytes (< 64) that end or complicate a key: `=`, `;`, `,`, `-`, space, `/`, tab, CR, LF.
    private static let keySpecial: UInt64 = 1 << 0x3D | 1 << 0x3B | 1 << 0x2C | 1 << 0x2D | 1 << 0x20 | 1 << 0x2F | 1 << 0x09 | 1 << 0x0D | 1 << 0x0A
    /// Bytes (< 64) that end or complicate a value: `;`, `,`, space, `/`, tab, CR, LF, `=`.
    private static let valueSpecial: UInt64 = 1 << 0x3B | 1 << 0x2C | 1 << 0x20 | 1 << 0x2F | 1 << 0x09 | 1 << 0x0D | 1 << 0x0A | 1 << 0x3D

    /// Powers of ten that are exact doubles, by exponent.
    static let powersTable: [Double] = [
        1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    @inline(__always)
    private static func special(_ byte: UInt8, _ mask: UInt64) -> Bool {
        byte < 64 && (mask &>> UInt64(byte)) & 1 != 0
    }

    /// Per-code state while the area is scanned: where the code sits, which values and flag were seen.
    struct Slot {
        var start: Int
        var length: Int
        /// The code's bytes as a word (`ByteWords`), for codes of up to 8 bytes.
        var word: UInt64
        /// The code's slot in the intern table, or -1: looked up when the code is first met, so
        /// that the lookup's memory access overlaps with reading the rest of the area.
        var known: Int
        var present: UInt16
        var flag: UInt8
    }

    /// Codes read with buffers on the stack (each under the 1 KiB the stack allocator takes); a
    /// frame with more codes is read again with buffers on the heap, up to `maximumSlots`.
    static let stackSlots = 12
    static let maximumSlots = 128

    /// What a `code-Suffix` item holds: a numeric field (0...9, `Reading.NumericField`), the flag,
    /// or something this reader leaves to the general one.
    static let flagField: UInt8 = 10
    static let noField: UInt8 = 255

    /// The suffixes this reader types, in field order (`Reading.NumericField`, then Flag).
    static let suffixNames = Reading.NumericField.allCases.map(\.suffix) + ["Flag"]
    /// A multiplier whose top four bits of `word &* suffixHash` differ for every suffix name.
    static let suffixHash: UInt64 = 0x5143_1193_E6C3_F339

    /// The suffix words by hash slot, each with its field in the top byte (the names have at most
    /// six bytes), and all ones where no suffix hashes: a suffix is named with one probe and one
    /// compare instead of a chain of compares.
    static let suffixTable: [UInt64] = {
        var entries = [UInt64](repeating: ~0, count: 16)
        for (field, name) in suffixNames.enumerated() {
            let word = InternTable.word(name)
            precondition(name.utf8.count <= 6, "suffix name too long")
            let slot = Int((word &* suffixHash) >> 60)
            precondition(entries[slot] == ~0, "suffix hash collision")
            entries[slot] = word | UInt64(name.utf8.count) << 48 | UInt64(field) << 56
        }
        return entries
    }()

    /// The field for a suffix of `length` bytes given as a word (`ByteWords`, zero-padded), or
    /// `noField`. The length is compared too: zero-padded words alone would take "Flag\0" for "Flag".
    @inline(__always)
    static func field(suffix word: UInt64, length: Int, table: UnsafePointer<UInt64>) -> UInt8 {
        // Names have at most six bytes: the length goes in the seventh, the field in the eighth.
        guard length <= 6 else { return noField }
        let entry = table[Int(truncatingIfNeeded: (word &* suffixHash) &>> 60)]
        // An empty entry's top byte is `noField`; a word with a top byte never matches.
        let key = word | UInt64(truncatingIfNeeded: length) << 48
        return entry & 0x00FF_FFFF_FFFF_FFFF == key ? UInt8(truncatingIfNeeded: entry &>> 56) : noField
    }

    /// The field for a suffix word (tests and the odd caller; the scan passes the table along).
    static func field(suffix word: UInt64, length: Int) -> UInt8 {
        suffixTable.withUnsafeBufferPointer { field(suffix: word, length: length, table: $0.baseAddress!) }
    }

    /// Reads a data area of a frame whose CN gave `kind` and whose ST gave `medium`.
    static func read(
        _ bytes: UnsafeRawBufferPointer, kind: DataKind?, medium: InternTable.Medium, edition: Edition, tables: CodeTables
    ) -> DataContent? {
        var content = DataContent()
        return read(bytes, kind: kind, medium: medium, edition: edition, tables: tables, into: &content) ? content : nil
    }

    /// `read`, into a content in place (the decoder's, inside its packet), which must start empty
    /// and is left untouched when the reader gives up (false): a content built aside and returned
    /// would be copied on the way.
    /// `readable` is how many bytes from the area's start may be loaded (the frame goes on after
    /// its data area: `&&` and the CRC), at least the area's: the reader reads a last item from
    /// whole words then too.
    static func read(
        _ bytes: UnsafeRawBufferPointer, readable: Int? = nil, kind: DataKind?, medium: InternTable.Medium, edition: Edition,
        tables: CodeTables, into content: inout DataContent
    ) -> Bool {
        let count = bytes.count
        guard count > 0, let p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            content.kind = kind
            return true
        }
        let limit = Swift.max(count, readable ?? count)
        let mapCodes = edition == .hj2005
        var tooManyCodes = false
        return suffixTable.withUnsafeBufferPointer { suffixes in
            powersTable.withUnsafeBufferPointer { powers in
                withUnsafeTemporaryAllocation(of: SuffixGuess.self, capacity: SuffixGuess.count) { guesses in
                let guesses = guesses.baseAddress!
                guesses.initialize(repeating: SuffixGuess(), count: SuffixGuess.count)
                let tables = Tables(codes: tables, suffixes: suffixes.baseAddress!, powers: powers.baseAddress!, guesses: guesses)
                let read = withUnsafeTemporaryAllocation(of: Slot.self, capacity: stackSlots) { slots in
                    withUnsafeTemporaryAllocation(of: Double.self, capacity: stackSlots * 10) { values in
                        scan(p, count, limit, kind: kind, slots: slots.baseAddress!, values: values.baseAddress!, capacity: stackSlots,
                             tooManyCodes: &tooManyCodes, mapCodes: mapCodes, medium: medium, tables: tables, into: &content)
                    }
                }
                guard tooManyCodes else { return read }
                let slots = UnsafeMutablePointer<Slot>.allocate(capacity: maximumSlots)
                let values = UnsafeMutablePointer<Double>.allocate(capacity: maximumSlots * 10)
                defer {
                    slots.deallocate()
                    values.deallocate()
                }
                return scan(p, count, limit, kind: kind, slots: slots, values: values, capacity: maximumSlots,
                            tooManyCodes: &tooManyCodes, mapCodes: mapCodes, medium: medium, tables: tables, into: &content)
                }
            }
        }
    }

    /// What the scan looks things up in: the code tables, and the suffix and power tables' storage.
    struct Tables {
        var codes: CodeTables
        var suffixes: UnsafePointer<UInt64>
        var powers: UnsafePointer<Double>
        /// The scan's guesses of the suffix after each field's (`SuffixGuess`), by field.
        var guesses: UnsafeMutablePointer<SuffixGuess>
    }

    private static func scan(
        _ p: UnsafePointer<UInt8>, _ count: Int, _ limit: Int, kind: DataKind?, slots: UnsafeMutablePointer<Slot>,
        values: UnsafeMutablePointer<Double>, capacity: Int, tooManyCodes: inout Bool, mapCodes: Bool,
        medium: InternTable.Medium, tables: Tables, into content: inout DataContent
    ) -> Bool {
        var dataTime: LocalDateTime?
        var dataTimeText: InlineText?
        var fields: [CPItem] = []
        var used = 0
        var current = -1
        var seen: UInt64 = 0
        // The current code and its "-" as a word and mask (codes of up to 7 bytes; mask 0 otherwise).
        var currentKey: UInt64 = 0, currentMask: UInt64 = 0, currentLength = 0
        // The field of the last `code-Suffix` item (the flag's at first), for guessing the next suffix.
        var lastField = flagField
        var index = 0
        while index < count {
            let keyStart = index
            var field = noField
            // The usual key, read from two words: a code of up to 7 plain bytes and its "-" (the
            // current code, or a new one), then a known suffix and its "=" (inside the area: the
            // words may reach past it, into the bytes after the data area).
            if keyStart &+ 16 <= limit {
                let head = ByteWords.load(p, keyStart)
                if head == dataTimeKey, dataTimeText == nil,
                   let end = dataTimeEnd(p, keyStart &+ 9, count: count, limit: limit) {
                    // DataTime, as the general path below reads it: 14 or 17 digits, then a separator.
                    let value = UnsafeRawBufferPointer(start: p + keyStart + 9, count: end - keyStart - 9)
                    guard let time = LocalDateTime(hj212Bytes: value) else { return false }
                    dataTimeText = InlineText(p, keyStart + 9, value.count, limit: limit)
                    dataTime = time
                    current = -1
                    currentMask = 0
                    index = end
                    if index < count {
                        index += 1
                        guard index < count else { return false } // a trailing separator: let the general reader note it
                    }
                    continue
                }
                var codeLength = currentLength
                var isNew = false
                if currentMask == 0 || head & currentMask != currentKey {
                    codeLength = ByteWords.plainKeyBytes(head)
                    isNew = codeLength < 8 && UInt8(truncatingIfNeeded: head &>> UInt64(truncatingIfNeeded: codeLength &* 8)) == dashByte
                    if !isNew { codeLength = 0 }
                }
                if codeLength > 0 {
                    let suffix = ByteWords.load(p, keyStart &+ codeLength &+ 1)
                    // The suffix that followed the last item's last time (`SuffixGuess`), or looked up.
                    let guess = tables.guesses[Int(lastField)]
                    var length: Int
                    if suffix & guess.mask == guess.word {
                        field = guess.field
                        length = Int(guess.length)
                    } else {
                        length = ByteWords.firstIndex(of: equals, in: suffix)
                        if length >= 3 && length <= 6 {
                            field = Self.field(suffix: suffix & ByteWords.prefixMask(length), length: length, table: tables.suffixes)
                            if field != noField { tables.guesses[Int(lastField)] = SuffixGuess(suffix, length: length, field: field) }
                        }
                    }
                    // The "=" inside the area.
                    if field != noField && keyStart &+ codeLength &+ length &+ 2 > count { field = noField }
                    if field != noField {
                        index = keyStart &+ codeLength &+ length &+ 2
                        if isNew {
                            let word = head & ByteWords.prefixMask(codeLength)
                            guard startSlot(word: word, p, keyStart, codeLength, slots: slots, values: values, used: &used,
                                            seen: &seen, capacity: capacity, tooManyCodes: &tooManyCodes, tables: tables.codes,
                                            current: &current)
                            else { return false }
                            currentLength = codeLength
                            currentMask = ByteWords.prefixMask(codeLength &+ 1)
                            currentKey = word | UInt64(dashByte) &<< UInt64(truncatingIfNeeded: codeLength &* 8)
                        }
                    }
                }
            }
            if field == noField {
                // Key, noting the first dash; plain bytes are skipped a word at a time.
                var dash = -1
                while index < count {
                    if index + 8 <= count {
                        let plain = ByteWords.plainKeyBytes(ByteWords.load(p, index))
                        index += plain
                        if plain == 8 { continue }
                    }
                    let byte = p[index]
                    if special(byte, keySpecial) {
                        if byte == dashByte {
                            if dash < 0 { dash = index }
                        } else {
                            break
                        }
                    }
                    index += 1
                }
                guard index < count, p[index] == equals, index > keyStart else { return false }
                let keyEnd = index
                index += 1

                if dash > keyStart && dash + 1 < keyEnd {
                    // code-Suffix: find or start the slot.
                    let codeLength = dash - keyStart
                    let word = codeLength <= 8 ? ByteWords.word(p, keyStart, codeLength, count: count) : 0
                    guard startSlot(word: word, p, keyStart, codeLength, slots: slots, values: values, used: &used,
                                    seen: &seen, capacity: capacity, tooManyCodes: &tooManyCodes, tables: tables.codes,
                                    current: &current)
                    else { return false }
                    if codeLength <= 7 {
                        currentLength = codeLength
                        currentMask = ByteWords.prefixMask(codeLength + 1)
                        currentKey = word | UInt64(dashByte) &<< UInt64(truncatingIfNeeded: codeLength &* 8)
                    } else {
                        currentMask = 0
                    }
                    let suffixLength = keyEnd - dash - 1
                    if suffixLength <= 8 {
                        field = Self.field(suffix: ByteWords.word(p, dash + 1, suffixLength, count: count), length: suffixLength, table: tables.suffixes)
                    }
                    guard field != noField else { return false }
                } else {
                    let valueStart = index
                    while index < count && !special(p[index], valueSpecial) { index += 1 }
                    guard index == count || p[index] == semicolon || p[index] == comma else { return false }
                    let value = UnsafeRawBufferPointer(start: p + valueStart, count: index - valueStart)
                    if keyEnd - keyStart == 8 && ByteWords.word(p, keyStart, 8, count: count) == dataTimeKey {
                        guard dataTimeText == nil, let time = LocalDateTime(hj212Bytes: value) else { return false }
                        dataTimeText = InlineText(p, valueStart, value.count, limit: count)
                        dataTime = time
                    } else {
                        let key = String(decoding: UnsafeRawBufferPointer(start: p + keyStart, count: keyEnd - keyStart), as: UTF8.self)
                        switch key {
                        case "PolId", "PNUM", "PNO", "Flag":
                            return false
                        default:
                            fields.append(CPItem(
                                key: key, value: String(decoding: value, as: UTF8.self), group: semicolons(p, before: keyStart)))
                        }
                    }
                    // A named item ends the current reading's run.
                    current = -1
                    currentMask = 0
                    if index < count {
                        index += 1
                        guard index < count else { return false } // a trailing separator: let the general reader note it
                    }
                    continue
                }
            }
            guard readValue(p, count, &index, field: field, slot: slots + current, values: values + current &* 10, powers: tables.powers)
            else { return false }
            if index < count {
                index &+= 1
                guard index < count else { return false } // a trailing separator: let the general reader note it
            }
            // The current code's further items, while they are plain.
            if currentMask != 0 {
                lastField = field
                index = run(p, from: index, after: &lastField, count: count, key: currentKey, mask: currentMask,
                            codeLength: currentLength, slot: slots + current, values: values + current &* 10, tables: tables)
            }
        }
        if dataTimeText == nil, used > 0, kind?.isMeasurement == true { return false }
        appendReadings(p, count, slots: slots, values: values, used: used, mapCodes: mapCodes, medium: medium, tables: tables.codes, to: &content)
        content.kind = kind
        content.dataTime = dataTime
        // The content's fields start empty: an empty array assigned would be retained and released.
        if !fields.isEmpty { content.fields = fields }
        if let dataTimeText { content.setDataTimeText(dataTimeText) }
        return true
    }

    /// "DataTime" as a word (`ByteWords`).
    private static let dataTimeKey: UInt64 = 0x656D_6954_6174_6144

    /// Where a DataTime value at `start` ends, when it is 14 or 17 digits followed by a separator
    /// or the end of the area and the key before it is `DataTime=`; nil otherwise (the general path
    /// reads it then).
    @inline(__always)
    private static func dataTimeEnd(_ p: UnsafePointer<UInt8>, _ start: Int, count: Int, limit: Int) -> Int? {
        guard p[start &- 1] == equals, start &+ 24 <= limit else { return nil }
        let first = ByteWords.nonDigitBytes(ByteWords.load(p, start))
        guard first == 0 else { return nil }
        let second = ByteWords.nonDigitBytes(ByteWords.load(p, start &+ 8))
        let third = ByteWords.nonDigitBytes(ByteWords.load(p, start &+ 16))
        let digits = second != 0 ? 8 &+ second.trailingZeroBitCount &>> 3 : 16 &+ third.trailingZeroBitCount &>> 3
        guard digits == 14 || digits == 17 else { return nil }
        let end = start &+ digits
        guard end == count || (end < count && (p[end] == semicolon || p[end] == comma)) else { return nil }
        return end
    }

}
