/// Cuts frames out of a byte stream that arrives in pieces.
///
/// Feed it bytes as they come (`append`), then take events (`next`) until it asks for more.
/// A frame may be split at any byte, many frames may arrive in one read, and junk between
/// frames is skipped and counted. Memory stays bounded by the frame cap plus one read.
public struct FrameScanner: Sendable {
    /// What the scanner found.
    public enum Event: Sendable, Hashable {
        case frame(RawFrame)
        case malformed(MalformedFrame)
    }

    public let options: FramingOptions
    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var resumeAt = 0
    private var consumedBefore = 0

    /// Bytes skipped as junk since the scanner started.
    public private(set) var skippedBytes = 0
    /// Bytes skipped as junk since the last frame (the gateway closes a connection that only sends junk).
    public private(set) var skippedSinceLastFrame = 0
    /// Frames found since the scanner started.
    public private(set) var framesFound = 0

    public init(options: FramingOptions = FramingOptions()) {
        self.options = options
    }

    /// Bytes held, waiting for the rest of a frame.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Adds received bytes.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if readIndex > 0 && readIndex >= buffer.count / 2 {
            buffer.removeFirst(readIndex)
            consumedBefore += readIndex
            readIndex = 0
        }
        // Contiguous bytes (arrays, slices, buffers) are copied in one go, not element by element.
        if bytes.withContiguousStorageIfAvailable({ buffer.append(contentsOf: $0) }) == nil {
            buffer.append(contentsOf: bytes)
        }
    }

    /// The next frame or malformed stretch, or nil when more bytes are needed.
    /// - Parameter endOfInput: pass true when no more bytes will come, to flush a frame that
    ///   lacks its CR LF or to report a truncated one.
    public mutating func next(endOfInput: Bool = false) -> Event? {
        while readIndex < buffer.count {
            let start = readIndex
            let location = buffer.withUnsafeBytes { raw in
                FrameLocator.locate(
                    in: UnsafeRawBufferPointer(rebasing: raw[start...]), endOfInput: endOfInput,
                    options: options, resumeAt: resumeAt)
            }
            let offset = consumedBefore + start
            switch location {
            case .needMore(let hint):
                resumeAt = hint
                return nil
            case .junk(let count):
                skip(count)
                skippedBytes += count
                skippedSinceLastFrame += count
            case .frame(let found):
                let frame = buffer.withUnsafeBytes { raw in
                    RawFrame(buffer: UnsafeRawBufferPointer(rebasing: raw[start...]), found: found, streamOffset: offset)
                }
                skip(found.consumed)
                framesFound += 1
                skippedSinceLastFrame = 0
                return .frame(frame)
            case .malformed(let consumed, let kept, let problem):
                let evidence = Array(buffer[start..<(start + kept)])
                skip(consumed)
                skippedSinceLastFrame += consumed
                return .malformed(MalformedFrame(bytes: evidence, droppedBytes: consumed, problem: problem, streamOffset: offset))
            }
        }
        return nil
    }

    /// Convenience: all events for the bytes given so far.
    public mutating func drain(endOfInput: Bool = false) -> [Event] {
        var events: [Event] = []
        while let event = next(endOfInput: endOfInput) { events.append(event) }
        return events
    }

    private mutating func skip(_ count: Int) {
        readIndex += count
        resumeAt = 0
        if readIndex == buffer.count {
            consumedBefore += readIndex
            buffer.removeAll(keepingCapacity: buffer.capacity <= 64 * 1024)
            readIndex = 0
        }
    }
}
