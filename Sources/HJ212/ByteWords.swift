/// Eight bytes at a time: unaligned little-endian loads and the classic bit tricks for finding a
/// byte in a word, so the readers compare codes and suffixes in one step instead of byte by byte.
/// Byte `i` of a loaded word is the `i`-th byte in memory (bits `8i..<8i+8`).
enum ByteWords {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The eight bytes at `p + offset`. The caller makes sure they are all inside the buffer.
    @inline(__always)
    static func load(_ p: UnsafePointer<UInt8>, _ offset: Int) -> UInt64 {
        UnsafeRawPointer(p + offset).loadUnaligned(as: UInt64.self).littleEndian
    }

    /// A mask of the first `length` bytes of a word (`length` from 0 to 8).
    @inline(__always)
    static func prefixMask(_ length: Int) -> UInt64 {
        // Masking shifts: no checks for shift amounts of 64 or more, which cannot occur here.
        length >= 8 ? ~0 : (UInt64(1) &<< UInt64(truncatingIfNeeded: length &* 8)) &- 1
    }

    /// The bytes `start..<start + length` (at most 8) as a word, zero-padded; `count` bounds the buffer.
    @inline(__always)
    static func word(_ p: UnsafePointer<UInt8>, _ start: Int, _ length: Int, count: Int) -> UInt64 {
        if start + 8 <= count { return load(p, start) & prefixMask(length) }
        var word: UInt64 = 0
        var index = start + length
        while index > start {
            index -= 1
            word = word << 8 | UInt64(p[index])
        }
        return word
    }

    /// The position (0...7) of the first byte of `word` equal to `byte`, or 8 when there is none.
    @inline(__always)
    static func firstIndex(of byte: UInt8, in word: UInt64) -> Int {
        let x = word ^ (ones &* UInt64(byte))
        // Only the lowest flagged byte is exact (a borrow can flag bytes above a zero byte).
        let zeros = (x &- ones) & ~x & highs
        return zeros.trailingZeroBitCount >> 3
    }

    /// A string's bytes as a word, when it has at most 8; nil otherwise. Comparing words is
    /// cheaper than comparing strings that differ (which the standard library does carefully).
    @inline(__always)
    static func word(_ string: String) -> UInt64? {
        var word: UInt64 = 0
        var shift: UInt64 = 0
        for byte in string.utf8 {
            guard shift < 64 else { return nil }
            word |= UInt64(byte) << shift
            shift += 8
        }
        return word
    }

    /// How many bytes at the start of the word surely continue a data-area key: bytes from `0`
    /// (0x30) up, except `;` and `=`. The first byte that may not (0...8) needs a closer look.
    @inline(__always)
    static func plainKeyBytes(_ word: UInt64) -> Int {
        let below = (word &- ones &* 0x30) & ~word
        let semicolon = word ^ (ones &* 0x3B), equals = word ^ (ones &* 0x3D)
        let found = (below | (semicolon &- ones) & ~semicolon | (equals &- ones) & ~equals) & highs
        return found.trailingZeroBitCount >> 3
    }

    /// How many ASCII digits the word starts with (0...8).
    @inline(__always)
    static func digitCount(_ word: UInt64) -> Int {
        let x = word &- ones &* 0x30
        // A byte is a digit when it is 0...9 after the subtraction: not 0x80 or more, before or
        // after adding 0x76. A borrow or carry can only spoil bytes after a non-digit.
        let nonDigits = (x | (x &+ ones &* 0x76)) & highs
        return nonDigits.trailingZeroBitCount >> 3
    }

    /// The high bit of every byte of the word that is not an ASCII digit. Exact for every byte (no
    /// carry or borrow crosses a byte), so the digits after a decimal point can be found from it too.
    @inline(__always)
    static func nonDigitBytes(_ word: UInt64) -> UInt64 {
        // XOR 0x30 leaves a digit 0...9; any other byte has a high nibble, or a low nibble of 10 or
        // more, which adding 6 carries into the high nibble (never out of the byte).
        let x = word ^ 0x3030_3030_3030_3030
        let high = ((x & 0x0F0F_0F0F_0F0F_0F0F) &+ 0x0606_0606_0606_0606) | x
        // A byte is flagged when its high nibble is not zero: 0x7F plus it reaches 0x80.
        return (((high &>> 4) & 0x0F0F_0F0F_0F0F_0F0F) &+ 0x7F7F_7F7F_7F7F_7F7F) & highs
    }

    /// The value of the first `count` (1...8) bytes of the word, all ASCII digits.
    @inline(__always)
    static func digitsValue(_ word: UInt64, _ count: Int) -> UInt64 {
        // Right-align the digits as the last of eight (leading zeros), then combine pairs,
        // quads and halves.
        var value = (word &- ones &* 0x30) &<< UInt64(truncatingIfNeeded: (8 &- count) &* 8)
        value = (value &* 10 &+ (value &>> 8)) & 0x00FF_00FF_00FF_00FF
        value = (value &* 100 &+ (value &>> 16)) & 0x0000_FFFF_0000_FFFF
        value = (value &* 10000 &+ (value &>> 32)) & 0xFFFF_FFFF
        return value
    }

    /// The high bit of every byte of the word equal to `byte` (exact for every byte, unlike the
    /// first-match trick above, so each can be visited).
    @inline(__always)
    static func matches(of byte: UInt8, in word: UInt64) -> UInt64 {
        let x = word ^ (ones &* UInt64(byte))
        // 0x7F added to the low seven bits carries into the high bit unless they are all zero.
        return ~(((x & ~highs) &+ ~highs) | x) & highs
    }
}
