/// The fast content reader's work on single items: a code's slot, a value, and the run of a
/// code's further items, read a word at a time.
extension FastContentReader {
    /// Reads the items at `start` while they are the current code's (`key` and `mask`: the code
    /// and its "-" as a word, `codeLength` bytes of code), each with a known suffix and a plain
    /// value that ends inside the word it starts, followed by a separator and more items; returns
    /// where it stopped. The item it stops at is read again by the scan's general path, which
    /// takes it or gives up: this loop only takes items the general path would take the same way.
    /// `previous` is the field of the item before `start`, and is left the field of the last item read.
    @inline(__always)
    static func run(
        _ p: UnsafePointer<UInt8>, from start: Int, after previous: inout UInt8, count: Int, key: UInt64, mask: UInt64,
        codeLength: Int, slot: UnsafeMutablePointer<Slot>, values: UnsafeMutablePointer<Double>, tables: Tables
    ) -> Int {
        var index = start
        while index &+ 16 <= count {
            guard ByteWords.load(p, index) & mask == key else { break }
            let suffix = ByteWords.load(p, index &+ codeLength &+ 1)
            // The suffix that followed the previous one last time, and its "=": a compare instead
            // of finding the "=" and looking the suffix up (the same bytes name the same field).
            let guess = tables.guesses[Int(previous)]
            let field: UInt8, length: Int
            if suffix & guess.mask == guess.word {
                field = guess.field
                length = Int(guess.length)
            } else {
                length = ByteWords.firstIndex(of: equals, in: suffix)
                guard length >= 3 && length <= 6 else { break }
                field = Self.field(suffix: suffix & ByteWords.prefixMask(length), length: length, table: tables.suffixes)
                guard field != noField else { break }
                tables.guesses[Int(previous)] = SuffixGuess(suffix, length: length, field: field)
            }
            previous = field
            var at = index &+ codeLength &+ length &+ 2
            // The value's word, and room for a sign before it.
            guard at &+ 9 <= count else { break }
            var word = ByteWords.load(p, at)
            if field < 10 {
                let first = UInt8(truncatingIfNeeded: word)
                let negative = first == dashByte
                if negative || first == UInt8(ascii: "+") {
                    at &+= 1
                    word = ByteWords.load(p, at)
                }
                guard let number = decimal(in: word) else { break }
                let separator = UInt8(truncatingIfNeeded: word &>> UInt64(truncatingIfNeeded: number.end &* 8))
                let next = at &+ number.end &+ 1
                let bit = UInt16(1) &<< field
                guard separator == semicolon || separator == comma, next < count, slot.pointee.present & bit == 0 else { break }
                let value = Double(number.mantissa) / tables.powers[number.places]
                values[Int(field)] = negative ? -value : value
                slot.pointee.present |= bit
                index = next
            } else {
                // A one-letter flag.
                let letter = UInt8(truncatingIfNeeded: word), separator = UInt8(truncatingIfNeeded: word &>> 8)
                guard slot.pointee.flag == 0, letter > 0x20, letter != semicolon, letter != comma,
                      separator == semicolon || separator == comma, at &+ 2 < count
                else { break }
                slot.pointee.flag = letter
                index = at &+ 2
            }
        }
        return index
    }

    /// A guess of an item's suffix: the suffix and its "=" as a word (`ByteWords`) and the mask of
    /// their bytes, with the suffix's field and length. The empty guess matches no word.
    struct SuffixGuess {
        /// One guess for each field (numeric fields, then the flag).
        static let count = 11

        var word: UInt64 = 1
        var mask: UInt64 = 0
        var field: UInt8 = 0
        var length: UInt8 = 0

        init() {}

        /// The guess that the suffix of `length` bytes at the start of `word`, followed by its "=", comes again.
        @inline(__always)
        init(_ word: UInt64, length: Int, field: UInt8) {
            mask = ByteWords.prefixMask(length &+ 1)
            self.word = word & mask
            self.field = field
            self.length = UInt8(truncatingIfNeeded: length)
        }
    }

    /// Reads the value at `index` of a `code-Suffix` item for `field` into the code's slot and
    /// values, leaving `index` at the byte after it; false when the fast reader must give up.
    @inline(__always)
    static func readValue(
        _ p: UnsafePointer<UInt8>, _ count: Int, _ index: inout Int, field: UInt8, slot: UnsafeMutablePointer<Slot>,
        values: UnsafeMutablePointer<Double>, powers: UnsafePointer<Double>
    ) -> Bool {
        guard field < 10 else {
            // A one-letter flag.
            guard index + 1 <= count, slot.pointee.flag == 0 else { return false }
            let letter = p[index]
            index += 1
            guard letter > 0x20, letter != semicolon, letter != comma,
                  index == count || p[index] == semicolon || p[index] == comma
            else { return false }
            slot.pointee.flag = letter
            return true
        }
        // A plain decimal.
        var negative = false
        if index < count && (p[index] == dashByte || p[index] == UInt8(ascii: "+")) {
            negative = p[index] == dashByte
            index += 1
        }
        var mantissa: UInt64 = 0
        var fraction = 0
        if index + 8 <= count, let number = decimal(in: ByteWords.load(p, index)) {
            mantissa = number.mantissa
            fraction = number.places
            index += number.end
        } else {
            // Longer numbers, and numbers at the very end: digit by digit.
            var digits = decimalDigits(p, &index, count, &mantissa)
            if index < count && p[index] == dot {
                index += 1
                fraction = decimalDigits(p, &index, count, &mantissa)
                digits += fraction
            }
            guard digits > 0, digits <= 19, mantissa < 1 << 53, fraction <= 22 else { return false }
        }
        let bit = UInt16(1) &<< field
        guard index == count || p[index] == semicolon || p[index] == comma, slot.pointee.present & bit == 0 else { return false }
        let value = Double(mantissa) / powers[fraction]
        values[Int(field)] = negative ? -value : value
        slot.pointee.present |= bit
        return true
    }

    /// A plain decimal at the start of the word that ends inside it: digits, maybe a point and
    /// more digits, at least one digit in all. Its digits' value, its places after the point, and
    /// where it ends; nil when it does not end inside the word or has no digits.
    @inline(__always)
    static func decimal(in word: UInt64) -> (mantissa: UInt64, places: Int, end: Int)? {
        let nonDigits = ByteWords.nonDigitBytes(word)
        let run = nonDigits.trailingZeroBitCount &>> 3
        guard run < 8 else { return nil }
        guard UInt8(truncatingIfNeeded: word &>> UInt64(truncatingIfNeeded: run &* 8)) == dot else {
            return run > 0 ? (ByteWords.digitsValue(word, run), 0, run) : nil
        }
        // The point's flag (the lowest) cleared, the next flag ends the fraction; the point is
        // squeezed out.
        let end = (nonDigits & (nonDigits &- 1)).trailingZeroBitCount &>> 3
        let digits = end &- 1
        guard end < 8, digits > 0 else { return nil }
        let below = (UInt64(1) &<< UInt64(truncatingIfNeeded: run &* 8)) &- 1
        let squeezed = (word & below) | ((word &>> 8) & ~below)
        return (ByteWords.digitsValue(squeezed, digits), end &- run &- 1, end)
    }

    /// Reads digits at `index` into `mantissa` (wrapping; the caller bounds the count), returning how many.
    @inline(__always)
    static func decimalDigits(_ p: UnsafePointer<UInt8>, _ index: inout Int, _ count: Int, _ mantissa: inout UInt64) -> Int {
        let start = index
        while index < count {
            let digit = p[index] &- 0x30
            if digit > 9 { break }
            mantissa = mantissa &* 10 &+ UInt64(digit)
            index += 1
        }
        return index - start
    }

    /// Finds the slot of the code `start..<start + length` (its bytes as a word when it has at most
    /// 8), or starts one, and makes it `current`; false when there is no room for another code.
    @inline(__always)
    static func startSlot(
        word: UInt64, _ p: UnsafePointer<UInt8>, _ start: Int, _ length: Int, slots: UnsafeMutablePointer<Slot>,
        values: UnsafeMutablePointer<Double>, used: inout Int, seen: inout UInt64, capacity: Int, tooManyCodes: inout Bool,
        tables: CodeTables, current: inout Int
    ) -> Bool {
        current = -1
        // A code's first item: mostly a code not seen before, which the bit of its word's hash in
        // `seen` rules out without looking through the slots.
        let seenBit = UInt64(1) &<< ((word &* 0x9E37_79B9_7F4A_7C15) &>> 58)
        if seen & seenBit != 0 {
            for slot in 0..<used where slots[slot].length == length && slots[slot].word == word
                && (length <= 8 || same(p, start, slots[slot].start, length)) {
                current = slot
                break
            }
        }
        seen |= seenBit
        if current < 0 {
            guard used < capacity else {
                tooManyCodes = capacity < maximumSlots
                return false
            }
            current = used
            slots[current] = Slot(
                start: start, length: length, word: word,
                known: tables.interned.index(word: word, length: length), present: 0, flag: 0)
            (values + current * 10).initialize(repeating: 0, count: 10)
            used += 1
        }
        return true
    }

    /// Appends a reading for each slot, in order. Each reading is written straight into the
    /// array's storage (see `Reading.init(codeRef:rawCodeRef:values:present:knownFlagLetter:)`);
    /// a flag letter the standard does not define, a code of more than 15 bytes and a code the
    /// intern table lacks are set afterwards, in place.
    @inline(__always)
    static func appendReadings(
        _ p: UnsafePointer<UInt8>, _ count: Int, slots: UnsafeMutablePointer<Slot>, values: UnsafeMutablePointer<Double>,
        used: Int, mapCodes: Bool, medium: InternTable.Medium, tables: CodeTables, to content: inout DataContent
    ) {
        var unknownFlags = false, unknownCodes = false
        tables.interned.withEntries { interned in
            // Into the content's own (empty) array: a local array assigned to it afterwards costs
            // atomic retains and releases of its storage. Not Array(unsafeUninitializedCapacity:),
            // which allocates through an unspecialized entry point that looks the storage type's
            // metadata up on every call.
            content.readings.append(addingCapacity: used) { span in
                for slot in 0..<used {
                    // Known codes are slots of the code tables, with their 2005 mapping.
                    let known = slots[slot].known
                    let rawCode: CodeRef, code: CodeRef
                    if known >= 0 {
                        rawCode = CodeRef(slot: known)
                        let current = mapCodes ? interned.current2005Slot(at: known, medium: medium) : -1
                        code = current >= 0 ? CodeRef(slot: current) : rawCode
                        unknownCodes = unknownCodes || current < -1
                    } else {
                        let length = slots[slot].length
                        rawCode = length <= 15 ? CodeRef(p, slots[slot].start, length, count: count) : .inExtras
                        code = rawCode
                        unknownCodes = unknownCodes || mapCodes || length > 15
                    }
                    let letter = slots[slot].flag
                    let knownLetter = letter == 0 || DataFlag.isKnown(letter: letter)
                    unknownFlags = unknownFlags || !knownLetter
                    span.append(Reading(
                        codeRef: code, rawCodeRef: rawCode, values: values + slot * 10, present: slots[slot].present,
                        knownFlagLetter: knownLetter ? letter : 0))
                }
            }
        }
        if unknownFlags {
            for slot in 0..<used where !DataFlag.isKnown(letter: slots[slot].flag) && slots[slot].flag != 0 {
                content.readings[slot].setFlag(letter: slots[slot].flag)
            }
        }
        if unknownCodes {
            for slot in 0..<used {
                let known = slots[slot].known
                if known < 0 && slots[slot].length > 15 {
                    let rawCode = String(decoding: UnsafeRawBufferPointer(start: p + slots[slot].start, count: slots[slot].length), as: UTF8.self)
                    content.readings[slot].rawCode = rawCode
                    content.readings[slot].code = rawCode
                }
                guard mapCodes else { continue }
                if known >= 0 {
                    if let code = tables.interned.current2005(at: known, medium: medium), content.readings[slot].code != code {
                        content.readings[slot].code = code
                    }
                } else if let code = tables.currentCode(for: content.readings[slot].rawCode, medium: medium.name) {
                    content.readings[slot].code = code
                }
            }
        }
    }

    /// How many `;` come before `end`: the group of a named item (every `;` before it separated two items).
    static func semicolons(_ p: UnsafePointer<UInt8>, before end: Int) -> Int {
        var count = 0
        for index in 0..<end where p[index] == semicolon { count += 1 }
        return count
    }

    @inline(__always)
    static func same(_ p: UnsafePointer<UInt8>, _ a: Int, _ b: Int, _ length: Int) -> Bool {
        var offset = 0
        while offset < length {
            if p[a + offset] != p[b + offset] { return false }
            offset += 1
        }
        return true
    }
}
