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
    /// Bytes copied in: what is left of an earlier read (the start of a frame), and input that
    /// is not an array or a slice of one.
    private var buffer: [UInt8] = []
    private var readIndex = 0
    /// The last read, when it came as an array or a slice of one: read in place from
    /// `borrowedStart` on, after the unread bytes of `buffer`. Only a frame that starts in
    /// `buffer` takes bytes from it into `buffer`.
    private var borrowed: ArraySlice<UInt8> = []
    private var borrowedStart = 0
    /// How many of `buffer`'s last bytes were taken from `borrowed` (just before `borrowedStart`):
    /// once the frame that needed them is read, those left unread are given back.
    private var taken = 0
    private var resumeAt = 0
    /// The stream offset of the first unread byte.
    private var offset = 0

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
    public var bufferedByteCount: Int { buffer.count - readIndex + borrowed.endIndex - borrowedStart }

    /// Adds received bytes. An array or a slice of one is kept as it is (the bytes are shared, not
    /// copied) until the frames in it are taken.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        keepBorrowedBytes()
        if readIndex > 0 && readIndex >= buffer.count / 2 {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
        if let slice = bytes as? ArraySlice<UInt8> {
            borrow(slice)
        } else if let array = bytes as? [UInt8] {
            borrow(array[...])
        } else if bytes.withContiguousStorageIfAvailable({ buffer.append(contentsOf: $0) }) == nil {
            // Contiguous bytes (buffers) are copied in one go, not element by element.
            buffer.append(contentsOf: bytes)
        }
    }

    private mutating func borrow(_ slice: ArraySlice<UInt8>) {
        borrowed = slice
        borrowedStart = slice.startIndex
        taken = 0
    }

    /// Copies the unread borrowed bytes into `buffer` (another read comes, or they are the start of a frame).
    private mutating func keepBorrowedBytes() {
        if borrowedStart < borrowed.endIndex {
            if readIndex == buffer.count {
                buffer.removeAll(keepingCapacity: buffer.capacity <= 64 * 1024)
                readIndex = 0
            }
            buffer.append(contentsOf: borrowed[borrowedStart...])
        }
        borrowed = []
        borrowedStart = 0
        taken = 0
    }

    /// The next frame or malformed stretch, or nil when more bytes are needed.
    /// - Parameter endOfInput: pass true when no more bytes will come, to flush a frame that
    ///   lacks its CR LF or to report a truncated one.
    public mutating func next(endOfInput: Bool = false) -> Event? {
        while readIndex < buffer.count {
            let start = readIndex
            let lastBytes = borrowedStart == borrowed.endIndex
            if !lastBytes { takeDeclaredBytes() }
            let location = buffer.withUnsafeBytes { raw in
                FrameLocator.locate(
                    in: UnsafeRawBufferPointer(rebasing: raw[start...]), endOfInput: endOfInput && lastBytes,
                    options: options, resumeAt: resumeAt)
            }
            if !lastBytes {
                switch location {
                case .needMore(let hint):
                    takeBorrowedBytes(all: false)
                    resumeAt = hint
                    continue
                case .malformed:
                    // What is dropped depends on how many bytes follow: decide on all of them.
                    takeBorrowedBytes(all: true)
                    continue
                case .junk, .frame:
                    break
                }
            }
            guard let event = buffer.withUnsafeBytes({ raw in
                handle(location, in: UnsafeRawBufferPointer(rebasing: raw[start...]))
            }) else {
                if case .needMore = location { return nil }
                skippedInBuffer()
                continue
            }
            skippedInBuffer()
            return event
        }
        while borrowedStart < borrowed.endIndex {
            let start = borrowedStart - borrowed.startIndex
            let location = borrowed.withUnsafeBytes { raw in
                FrameLocator.locate(
                    in: UnsafeRawBufferPointer(rebasing: raw[start...]), endOfInput: endOfInput, options: options,
                    resumeAt: resumeAt)
            }
            if case .needMore(let hint) = location {
                keepBorrowedBytes()
                resumeAt = hint
                return nil
            }
            if let event = borrowed.withUnsafeBytes({ raw in handle(location, in: UnsafeRawBufferPointer(rebasing: raw[start...])) }) {
                return event
            }
        }
        return nil
    }

    /// Takes borrowed bytes into `buffer` for a frame that starts there and declares a length,
    /// up to its declared end and terminator: the locator then decides on the bytes it would have
    /// seen had the read been copied whole (it reads the CRC where the length says first).
    private mutating func takeDeclaredBytes() {
        let unread = buffer.count - readIndex
        guard unread >= 6, buffer[readIndex] == UInt8(ascii: "#"), buffer[readIndex + 1] == UInt8(ascii: "#") else { return }
        var declared = 0
        for index in (readIndex + 2)..<(readIndex + 6) {
            let digit = buffer[index] &- 0x30
            guard digit <= 9 else { return }
            declared = declared * 10 + Int(digit)
        }
        let wanted = 6 + declared + 4 + 2 - unread
        if wanted > 0 { take(wanted) }
    }

    /// Takes more of the borrowed bytes into `buffer` for the frame that starts there: as many as
    /// it holds unread (at least 256), or all of them.
    private mutating func takeBorrowedBytes(all: Bool) {
        take(all ? borrowed.endIndex - borrowedStart : max(256, buffer.count - readIndex))
    }

    /// Takes `count` borrowed bytes (fewer when fewer are left) into `buffer`, or all of them when
    /// the frame would reach the cap: the locator gives up on a frame that long, and what it drops
    /// then depends on how many bytes follow.
    private mutating func take(_ count: Int) {
        let available = borrowed.endIndex - borrowedStart
        let count = buffer.count - readIndex + count >= options.maximumFrameBytes ? available : min(available, count)
        buffer.append(contentsOf: borrowed[borrowedStart..<(borrowedStart + count)])
        borrowedStart += count
        taken += count
    }

    /// After bytes of `buffer` were consumed: when all of it is read, it is emptied; when only
    /// bytes taken from `borrowed` are left, they are given back and read in place.
    private mutating func skippedInBuffer() {
        let unread = buffer.count - readIndex
        guard unread <= taken else { return }
        borrowedStart -= unread
        buffer.removeAll(keepingCapacity: buffer.capacity <= 64 * 1024)
        readIndex = 0
        taken = 0
    }

    /// Acts on what the locator found at the start of `bytes` (the unread bytes of `buffer` or
    /// `borrowed`), consuming them; the event to return, or nil to look again (or for more bytes).
    private mutating func handle(_ location: FrameLocator.Location, in bytes: UnsafeRawBufferPointer) -> Event? {
        switch location {
        case .needMore(let hint):
            resumeAt = hint
            return nil
        case .junk(let count):
            skip(count)
            skippedBytes += count
            skippedSinceLastFrame += count
            return nil
        case .frame(let found):
            let frame = RawFrame(buffer: bytes, found: found, streamOffset: offset)
            skip(found.consumed)
            framesFound += 1
            skippedSinceLastFrame = 0
            return .frame(frame)
        case .malformed(let consumed, let kept, let problem):
            let evidence = Array(bytes[0..<kept])
            let malformed = MalformedFrame(bytes: evidence, droppedBytes: consumed, problem: problem, streamOffset: offset)
            skip(consumed)
            skippedSinceLastFrame += consumed
            return .malformed(malformed)
        }
    }

    /// Convenience: all events for the bytes given so far.
    public mutating func drain(endOfInput: Bool = false) -> [Event] {
        var events: [Event] = []
        while let event = next(endOfInput: endOfInput) { events.append(event) }
        return events
    }

    /// Consumes `count` bytes: of `buffer` while it has unread bytes, else of `borrowed`.
    private mutating func skip(_ count: Int) {
        offset += count
        resumeAt = 0
        if readIndex < buffer.count {
            readIndex += count
            if readIndex == buffer.count {
                buffer.removeAll(keepingCapacity: buffer.capacity <= 64 * 1024)
                readIndex = 0
                taken = 0
            }
        } else {
            borrowedStart += count
        }
    }
}
