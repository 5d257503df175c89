/// Up to 32 bytes of text kept inline, made into a `String` on access. QN (17 characters) and
/// MN (24) are longer than Swift's 15-byte small strings, so making them as strings costs a heap
/// allocation per frame; the header keeps their bytes instead, and a frame whose QN or MN is
/// never looked at never allocates for it.
struct InlineText: Sendable {
    static let capacity = 32

    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private(set) var count = 0

    init() {}

    /// The bytes `start..<start + length` of `p`, or nil when they do not fit.
    @inline(__always)
    init?(_ p: UnsafePointer<UInt8>, _ start: Int, _ length: Int) {
        guard length <= Self.capacity else { return nil }
        withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(start: p + start, count: length)) }
        count = length
    }

    /// The text, decoded as `String(decoding:as: UTF8.self)` would decode the bytes.
    var string: String {
        var words = words
        return withUnsafeBytes(of: &words) { String(decoding: UnsafeRawBufferPointer(rebasing: $0[0..<count]), as: UTF8.self) }
    }
}
