/// A reading's code as the reading keeps it, without a reference to count: a slot of the shipped
/// intern table (`InternTable.shipped`), or the code's bytes inline when it has at most 15; nil
/// for a longer code, which the reading keeps as a string among its extras.
///
/// Every code's reference is canonical: a code the table holds is always its slot, any other its
/// bytes. So two references to codes of ASCII bytes are equal exactly when the codes are; other
/// codes are compared as strings (Unicode equivalence can make different bytes equal).
struct CodeRef: Sendable, Equatable {
    /// The slot, or bytes 0..<8.
    private var low: UInt64
    /// Bytes 8..<15 in bits 0..<56, and the kind in the top byte: `interned`, or `inline` with the
    /// length in its low four bits.
    private var high: UInt64

    private static let interned: UInt64 = 0x40 << 56
    private static let inline: UInt64 = 0x80 << 56
    private static let asciiHighs: UInt64 = 0x8080_8080_8080_8080

    /// The slot of an interned code.
    @inline(__always)
    init(slot: Int) {
        low = UInt64(truncatingIfNeeded: slot)
        high = Self.interned
    }

    /// The code of `length` (at most 15) bytes at `p + start`, inline; `count` bounds the buffer.
    @inline(__always)
    init(_ p: UnsafePointer<UInt8>, _ start: Int, _ length: Int, count: Int) {
        let first = Swift.min(length, 8)
        low = ByteWords.word(p, start, first, count: count)
        high = (length > 8 ? ByteWords.word(p, start + 8, length - 8, count: count) : 0) | Self.inline
            | UInt64(truncatingIfNeeded: length) << 56
    }

    /// The reference for a code: its slot when the shipped table holds it, else its bytes inline;
    /// nil for a code of more than 15 bytes.
    init?(_ code: String) {
        let slot = InternTable.shipped.index(of: code)
        if slot >= 0 {
            self.init(slot: slot)
            return
        }
        var code = code
        let inline = code.withUTF8 { bytes -> CodeRef? in
            guard bytes.count <= 15 else { return nil }
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return CodeRef(emptyString: ()) }
            return CodeRef(base, 0, bytes.count, count: bytes.count)
        }
        guard let inline else { return nil }
        self = inline
    }

    private init(empty: Void) {
        low = 0
        high = 0
    }

    private init(emptyString: Void) {
        low = 0
        high = Self.inline
    }

    /// The code.
    var string: String {
        if high == Self.interned { return InternTable.shipped.string(at: Int(truncatingIfNeeded: low)) }
        let length = Int(truncatingIfNeeded: (high >> 56) & 0xF)
        var words = (low, high & 0x00FF_FFFF_FFFF_FFFF)
        return withUnsafeBytes(of: &words) { String(decoding: UnsafeRawBufferPointer(rebasing: $0[0..<length]), as: UTF8.self) }
    }

    /// A code kept elsewhere (a reading's extras), too long for a reference.
    static var inExtras: CodeRef { CodeRef(empty: ()) }

    var isInExtras: Bool { high == 0 }

    /// Whether the code is all ASCII (the table's codes are).
    private var isASCII: Bool { high == Self.interned || (low | high & 0x00FF_FFFF_FFFF_FFFF) & Self.asciiHighs == 0 }

    /// Whether two references name equal codes: by the references when both are ASCII codes
    /// held here, else by `strings`, which compares the codes as strings.
    @inline(__always)
    static func same(_ a: CodeRef, _ b: CodeRef, strings: () -> Bool) -> Bool {
        if a.isASCII && b.isASCII && !a.isInExtras && !b.isInExtras { return a == b }
        return strings()
    }
}
