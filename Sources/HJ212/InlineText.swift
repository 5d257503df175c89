/// Up to 32 bytes of text kept inline, made into a `String` on access. QN (17 characters) and
/// MN (24) are longer than Swift's 15-byte small strings, so making them as strings costs a heap
/// allocation per frame; the header keeps their bytes instead, and a frame whose QN or MN is
/// never looked at never allocates for it.
struct InlineText: Sendable {
    static let capacity = 32

    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private(set) var count = 0

    init() {}

    /// The bytes `start..<start + length` of `p`, or nil when they do not fit. `limit` bounds the
    /// buffer: when it holds 32 bytes from `start`, they are taken as four words and masked
    /// (no call to memmove, and whole-word stores that later wide loads can be forwarded from).
    @inline(__always)
    init?(_ p: UnsafePointer<UInt8>, _ start: Int, _ length: Int, limit: Int) {
        guard length <= Self.capacity else { return nil }
        if start >= 0 && start <= limit &- Self.capacity {
            words = (
                ByteWords.load(p, start) & Self.mask(length, 0), ByteWords.load(p, start &+ 8) & Self.mask(length, 8),
                ByteWords.load(p, start &+ 16) & Self.mask(length, 16), ByteWords.load(p, start &+ 24) & Self.mask(length, 24))
        } else {
            withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(start: p + start, count: length)) }
        }
        count = length
    }

    /// The bytes `start..<start + length` of `p`, or nil when they do not fit; nothing past them
    /// is read.
    init?(_ p: UnsafePointer<UInt8>, _ start: Int, _ length: Int) {
        self.init(p, start, length, limit: start + length)
    }

    /// A string's bytes, or nil when it has more than 32.
    init?(_ string: String) {
        var string = string
        guard let text = string.withUTF8({ bytes -> InlineText? in
            guard bytes.count <= Self.capacity else { return nil }
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return InlineText() }
            return InlineText(base, 0, bytes.count)
        }) else { return nil }
        self = text
    }

    /// The mask of the word at byte `offset` that keeps the first `length` bytes of the text.
    @inline(__always)
    private static func mask(_ length: Int, _ offset: Int) -> UInt64 {
        length <= offset ? 0 : ByteWords.prefixMask(length &- offset)
    }

    /// Appends the text's bytes to `out`.
    @inline(__always)
    func append(to out: inout [UInt8]) {
        var words = words
        withUnsafeBytes(of: &words) { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }

    /// The text, decoded as `String(decoding:as: UTF8.self)` would decode the bytes.
    var string: String {
        var words = words
        return withUnsafeBytes(of: &words) { String(decoding: UnsafeRawBufferPointer(rebasing: $0[0..<count]), as: UTF8.self) }
    }
}
