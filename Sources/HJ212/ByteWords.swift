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
        length >= 8 ? ~0 : (UInt64(1) << UInt64(length &* 8)) &- 1
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
}
