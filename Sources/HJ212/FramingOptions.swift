/// Limits and tolerances for finding frames in a byte stream.
public struct FramingOptions: Sendable, Hashable {
    /// The hard cap on one frame, from `##` through the terminator. The default, 10 KB, holds
    /// the longest frames seen in the field (1757-character logs) and 2025 encrypted frames.
    public var maximumFrameBytes: Int

    /// The data-segment length the standard allows; longer segments draw a warning.
    public var standardMaximumDataLength: Int

    public init(maximumFrameBytes: Int = 10 * 1024, standardMaximumDataLength: Int = 1024) {
        self.maximumFrameBytes = max(64, maximumFrameBytes)
        self.standardMaximumDataLength = standardMaximumDataLength
    }
}

/// How a frame ended on the wire.
public enum FrameTerminator: String, Sendable, Hashable {
    /// CR LF, as the standard requires.
    case crlf
    /// A bare LF.
    case lf
    /// A bare CR.
    case cr
    /// Nothing: the next `##` or the end of input followed the CRC.
    case none
}
