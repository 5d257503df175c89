/// One frame cut from a byte stream, before its content is read.
///
/// It keeps the bytes exactly as received (from `##` through the CRC), so a frame that is
/// later refused can be stored with its reason, byte for byte.
public struct RawFrame: Sendable, Hashable {
    /// From the first `#` through the last CRC digit; the terminator is not included.
    public var bytes: [UInt8]
    /// The length the frame declared in its 4 digits.
    public var declaredLength: Int
    /// Where the data segment ends and the CRC text begins.
    public var dataEnd: Int
    public var terminator: FrameTerminator
    /// Framing deviations that were tolerated, as warnings.
    public var problems: [Problem]
    /// Offset of the frame's first byte in the stream it came from.
    public var streamOffset: Int

    public init(bytes: [UInt8], declaredLength: Int, dataEnd: Int, terminator: FrameTerminator, problems: [Problem], streamOffset: Int = 0) {
        self.bytes = bytes
        self.declaredLength = declaredLength
        self.dataEnd = dataEnd
        self.terminator = terminator
        self.problems = problems
        self.streamOffset = streamOffset
    }

    /// Builds a frame from a located region of a buffer.
    public init(buffer: UnsafeRawBufferPointer, found: FrameLocator.Found, streamOffset: Int = 0) {
        self.init(
            bytes: Array(buffer[0..<found.frameLength]), declaredLength: found.declaredLength,
            dataEnd: found.dataEnd, terminator: found.terminator, problems: found.problems,
            streamOffset: streamOffset)
    }

    /// The data segment: the bytes the length and CRC are about.
    public var dataSegment: ArraySlice<UInt8> { bytes[6..<dataEnd] }

    /// The CRC digits as sent.
    public var crcText: String { String(decoding: bytes[dataEnd...], as: UTF8.self) }

    /// The frame as text, for logs and reports (invalid UTF-8 replaced).
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// A stretch of bytes that started like a frame but could not become one.
public struct MalformedFrame: Sendable, Hashable {
    /// The first bytes of it (at most the frame cap), kept as evidence.
    public var bytes: [UInt8]
    /// How many bytes were dropped in all.
    public var droppedBytes: Int
    public var problem: Problem
    public var streamOffset: Int

    public init(bytes: [UInt8], droppedBytes: Int, problem: Problem, streamOffset: Int) {
        self.bytes = bytes
        self.droppedBytes = droppedBytes
        self.problem = problem
        self.streamOffset = streamOffset
    }
}
