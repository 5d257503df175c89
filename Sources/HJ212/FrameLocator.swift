/// Finds the next HJ 212 frame at the start of a byte buffer.
///
/// This is the one framing routine: the stream scanner, the gateway's NIO decoder, the
/// fuzz target and the benchmarks all call it, so every path frames bytes the same way.
/// It never copies and never allocates unless it reports a problem.
public enum FrameLocator {
    /// What the buffer starts with.
    public enum Location: Sendable, Equatable {
        /// More bytes are needed. `resumeAt` is a scan hint to pass back on the next call.
        case needMore(resumeAt: Int)
        /// The first `count` bytes are not part of any frame: drop them.
        case junk(count: Int)
        /// A frame occupies the start of the buffer.
        case frame(Found)
        /// The start of the buffer looked like a frame but cannot become one (too large, or
        /// cut off at the end of input). Drop `consumed` bytes; keep the first `kept` as evidence.
        case malformed(consumed: Int, kept: Int, problem: Problem)
    }

    /// A frame found at the start of the buffer.
    public struct Found: Sendable, Equatable {
        /// Bytes to drop from the buffer, including the terminator.
        public var consumed: Int
        /// Where the CRC text starts; the data segment is `6..<dataEnd`.
        public var dataEnd: Int
        /// How many CRC hex digits follow the data (4, or fewer from devices that do not pad).
        public var crcDigits: Int
        /// The length the frame declared.
        public var declaredLength: Int
        public var terminator: FrameTerminator
        /// Framing deviations that were tolerated, as warnings.
        public var problems: [Problem]

        /// Bytes from `##` through the last CRC digit.
        public var frameLength: Int { dataEnd + crcDigits }
    }

    private static let hash = UInt8(ascii: "#")
    private static let amp = UInt8(ascii: "&")
    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    /// Locates the first frame in `buffer`.
    /// - Parameters:
    ///   - buffer: bytes received and not yet consumed.
    ///   - endOfInput: no more bytes will follow (connection closed, end of file, or a grace timer).
    ///   - resumeAt: the hint returned by the previous `.needMore` for the same buffer start.
    public static func locate(
        in buffer: UnsafeRawBufferPointer,
        endOfInput: Bool,
        options: FramingOptions = FramingOptions(),
        resumeAt: Int = 0
    ) -> Location {
        let count = buffer.count
        guard count > 0 else { return .needMore(resumeAt: 0) }

        // 1. Find "##".
        var start = 0
        var found = false
        while start + 1 < count {
            if buffer[start] == hash && buffer[start + 1] == hash { found = true; break }
            start += 1
        }
        if !found {
            // Keep a trailing single '#': it may be the first half of "##".
            let junk = (!endOfInput && buffer[count - 1] == hash) ? count - 1 : count
            return junk > 0 ? .junk(count: junk) : .needMore(resumeAt: 0)
        }
        if start > 0 { return .junk(count: start) }

        // 2. The 4-digit length.
        guard count >= 6 else {
            // "##" followed by a non-digit is junk however few bytes follow (as below for 6 or more).
            for index in 2..<count where buffer[index] < 0x30 || buffer[index] > 0x39 { return .junk(count: 1) }
            if endOfInput {
                return .malformed(consumed: count, kept: count, problem: truncated(count))
            }
            return .needMore(resumeAt: 0)
        }
        var declared = 0
        for index in 2..<6 {
            let byte = buffer[index]
            guard byte >= 0x30 && byte <= 0x39 else {
                // "##" without a length: skip one '#' and look again.
                return .junk(count: 1)
            }
            declared = declared * 10 + Int(byte - 0x30)
        }

        let cap = options.maximumFrameBytes

        // 3. Strict path: CRC and terminator exactly where the length says.
        let crcStart = 6 + declared
        let crcEnd = crcStart + 4
        if crcEnd <= count {
            if allHex(buffer, crcStart, crcEnd) {
                switch terminator(buffer, at: crcEnd, endOfInput: endOfInput) {
                case .incomplete:
                    return needMoreOrGiveUp(buffer, endOfInput: endOfInput, cap: cap, resumeAt: resumeAt)
                case .found(let kind, let length):
                    return finish(
                        buffer, dataEnd: crcStart, crcDigits: 4, declared: declared,
                        terminator: kind, consumed: crcEnd + length, options: options)
                case .notTerminator:
                    break
                }
            }
            return fallback(buffer, declared: declared, endOfInput: endOfInput, options: options, resumeAt: resumeAt)
        }

        // Not enough bytes for the declared length yet. The length may be too large (a device
        // that counts wrongly): accept a complete frame ending earlier, else wait.
        return fallback(buffer, declared: declared, endOfInput: endOfInput, options: options, resumeAt: resumeAt)
    }

    // MARK: - Fallback: find "&&" + CRC + terminator

    private static func fallback(
        _ buffer: UnsafeRawBufferPointer, declared: Int, endOfInput: Bool,
        options: FramingOptions, resumeAt: Int
    ) -> Location {
        let count = buffer.count
        let cap = options.maximumFrameBytes
        var index = max(6, resumeAt)
        let limit = min(count, cap + 8)
        while index + 1 < limit {
            if buffer[index] == hash && buffer[index + 1] == hash {
                // A whole frame starting here means this one was cut off before its end.
                switch frameStarts(buffer, at: index, endOfInput: endOfInput) {
                case .yes: return .malformed(consumed: index, kept: min(index, cap), problem: cutOff(index))
                case .undecided: return needMoreOrGiveUp(buffer, endOfInput: endOfInput, cap: cap, resumeAt: index)
                case .no: break
                }
            }
            guard buffer[index] == amp && buffer[index + 1] == amp else { index += 1; continue }
            var digits = 0
            while digits < 5 && index + 2 + digits < count && isHex(buffer[index + 2 + digits]) { digits += 1 }
            if digits == 0 && index + 2 == count && !endOfInput {
                // "&&" ends the buffer: its CRC may come with the next read, so resume at this "&&".
                return needMoreOrGiveUp(buffer, endOfInput: endOfInput, cap: cap, resumeAt: index)
            }
            if digits == 0 || digits > 4 { index += 1; continue }
            let after = index + 2 + digits
            if after == count && !endOfInput {
                return needMoreOrGiveUp(buffer, endOfInput: endOfInput, cap: cap, resumeAt: index)
            }
            switch terminator(buffer, at: after, endOfInput: endOfInput) {
            case .incomplete:
                return needMoreOrGiveUp(buffer, endOfInput: endOfInput, cap: cap, resumeAt: index)
            case .found(let kind, let length):
                return finish(
                    buffer, dataEnd: index + 2, crcDigits: digits, declared: declared,
                    terminator: kind, consumed: after + length, options: options)
            case .notTerminator:
                index += 1
            }
        }
        // A candidate may straddle the end: resume one byte back so "&" + "&" is seen whole.
        return needMoreOrGiveUp(buffer, endOfInput: endOfInput, cap: cap, resumeAt: max(6, index))
    }

    private static func needMoreOrGiveUp(
        _ buffer: UnsafeRawBufferPointer, endOfInput: Bool, cap: Int, resumeAt: Int
    ) -> Location {
        let count = buffer.count
        if count >= cap {
            let next = nextFrameStart(buffer, after: 2) ?? count
            let consumed = min(next, count)
            return .malformed(
                consumed: consumed, kept: min(consumed, cap),
                problem: Problem(
                    .frameTooLarge, offset: 0,
                    "no frame end (\"&&\", 4 hex CRC digits, CR LF) within \(cap) bytes of \"##\"; the bytes up to the next \"##\" were dropped. Check the device's framing, or raise max_frame_bytes if its frames are really this long"))
        }
        if endOfInput {
            let next = nextFrameStart(buffer, after: 2) ?? count
            return .malformed(consumed: next, kept: min(next, cap), problem: truncated(next))
        }
        return .needMore(resumeAt: resumeAt)
    }

    private enum Verdict { case yes, no, undecided }

    /// Whether a frame that checks out on the strict path (length, 4 hex CRC digits, terminator)
    /// starts at `start`.
    private static func frameStarts(_ buffer: UnsafeRawBufferPointer, at start: Int, endOfInput: Bool) -> Verdict {
        let count = buffer.count
        var declared = 0
        for index in (start + 2)..<(start + 6) {
            guard index < count else { return endOfInput ? .no : .undecided }
            guard buffer[index] >= 0x30 && buffer[index] <= 0x39 else { return .no }
            declared = declared * 10 + Int(buffer[index] - 0x30)
        }
        let crcStart = start + 6 + declared
        guard crcStart + 4 <= count else { return endOfInput ? .no : .undecided }
        guard allHex(buffer, crcStart, crcStart + 4) else { return .no }
        switch terminator(buffer, at: crcStart + 4, endOfInput: endOfInput) {
        case .found: return .yes
        case .incomplete: return .undecided
        case .notTerminator: return .no
        }
    }

    private static func cutOff(_ count: Int) -> Problem {
        Problem(
            .frameTruncated, offset: count,
            "the frame was cut off after \(count) bytes: a whole new frame starts there, before this one's \"&&\" + CRC + CR LF. The device or the link lost the rest of it; the \(count) bytes were dropped")
    }

    private static func truncated(_ count: Int) -> Problem {
        Problem(
            .frameTruncated, offset: count,
            "the input ended after \(count) bytes, inside a frame: no \"&&\" + CRC + CR LF was found. The connection dropped mid-frame, or the frame was cut")
    }

    private static func nextFrameStart(_ buffer: UnsafeRawBufferPointer, after: Int) -> Int? {
        var index = after
        while index + 1 < buffer.count {
            if buffer[index] == hash && buffer[index + 1] == hash { return index }
            index += 1
        }
        return nil
    }

    // MARK: - Frame end checks

    private enum TerminatorCheck {
        case found(FrameTerminator, length: Int)
        case incomplete
        case notTerminator
    }

    private static func terminator(_ buffer: UnsafeRawBufferPointer, at index: Int, endOfInput: Bool) -> TerminatorCheck {
        let count = buffer.count
        guard index < count else { return endOfInput ? .found(.none, length: 0) : .incomplete }
        switch buffer[index] {
        case cr:
            guard index + 1 < count else { return endOfInput ? .found(.cr, length: 1) : .incomplete }
            return buffer[index + 1] == lf ? .found(.crlf, length: 2) : .found(.cr, length: 1)
        case lf:
            return .found(.lf, length: 1)
        case hash:
            guard index + 1 < count else { return endOfInput ? .notTerminator : .incomplete }
            return buffer[index + 1] == hash ? .found(.none, length: 0) : .notTerminator
        default:
            return .notTerminator
        }
    }

    private static func finish(
        _ buffer: UnsafeRawBufferPointer, dataEnd: Int, crcDigits: Int, declared: Int,
        terminator: FrameTerminator, consumed: Int, options: FramingOptions
    ) -> Location {
        if consumed > options.maximumFrameBytes {
            return .malformed(
                consumed: consumed, kept: options.maximumFrameBytes,
                problem: Problem(
                    .frameTooLarge, offset: 0,
                    "the frame is \(consumed) bytes, over the \(options.maximumFrameBytes)-byte cap; it was not read. Raise max_frame_bytes if this device really sends frames this long"))
        }
        var problems: [Problem] = []
        let actual = dataEnd - 6
        let crcOffset = dataEnd
        if crcDigits < 4 {
            problems.append(Problem(
                .crcNotPadded, .warning, offset: crcOffset,
                "the CRC has \(crcDigits) hex digits instead of 4: the device does not zero-pad it"))
        }
        switch terminator {
        case .crlf: break
        case .lf:
            problems.append(Problem(.bareLineFeed, .warning, offset: dataEnd + crcDigits, "the frame ends with a bare LF instead of CR LF"))
        case .cr:
            problems.append(Problem(.missingTerminator, .warning, offset: dataEnd + crcDigits, "the frame ends with a bare CR instead of CR LF"))
        case .none:
            problems.append(Problem(.missingTerminator, .warning, offset: dataEnd + crcDigits, "no CR LF after the CRC"))
        }
        if actual != declared {
            problems.append(lengthProblem(buffer, declared: declared, actual: actual))
        }
        if actual > options.standardMaximumDataLength {
            problems.append(Problem(
                .lengthOverStandard, .warning, offset: 2,
                "the data segment is \(actual) bytes, over the standard's 1024; the device should split it with PNUM/PNO"))
        }
        return .frame(Found(
            consumed: consumed, dataEnd: dataEnd, crcDigits: crcDigits, declaredLength: declared,
            terminator: terminator, problems: problems))
    }

    private static func lengthProblem(_ buffer: UnsafeRawBufferPointer, declared: Int, actual: Int) -> Problem {
        let data = UnsafeRawBufferPointer(rebasing: buffer[6..<(6 + actual)])
        if containsEncryptedCP(data) {
            return Problem(
                .lengthIsPlaintext, .warning, offset: 2,
                "the length field says \(declared) but \(actual) bytes follow: the data area is SM4-encrypted and the length counts the plaintext, as the 2025 standard's examples do")
        }
        if declared == utf8CharacterCount(data) || declared == gbkCharacterCount(data) {
            return Problem(
                .lengthCountsCharacters, .warning, offset: 2,
                "the length field says \(declared) but the data segment is \(actual) bytes: the device counts characters, not bytes, in its Chinese text")
        }
        return Problem(
            .lengthMismatch, .warning, offset: 2,
            "the length field says \(declared) but the data segment is \(actual) bytes; the frame was read up to its CRC and CR LF instead. Fix the device's length calculation")
    }

    static func containsEncryptedCP(_ data: UnsafeRawBufferPointer) -> Bool {
        let pattern = Array("CP=&&{".utf8)
        guard data.count >= pattern.count else { return false }
        var index = 0
        while index + pattern.count <= data.count {
            var matched = true
            for offset in 0..<pattern.count where data[index + offset] != pattern[offset] {
                matched = false
                break
            }
            if matched { return true }
            index += 1
        }
        return false
    }

    /// Number of characters when the bytes are read as UTF-8 (continuation bytes not counted).
    static func utf8CharacterCount(_ data: UnsafeRawBufferPointer) -> Int {
        var characters = 0
        for byte in data where byte & 0xC0 != 0x80 { characters += 1 }
        return characters
    }

    /// Number of characters when the bytes are read as GBK (a lead byte >= 0x81 takes two bytes).
    static func gbkCharacterCount(_ data: UnsafeRawBufferPointer) -> Int {
        var characters = 0
        var index = 0
        while index < data.count {
            index += data[index] >= 0x81 ? 2 : 1
            characters += 1
        }
        return characters
    }

    @inline(__always)
    static func isHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }

    private static func allHex(_ buffer: UnsafeRawBufferPointer, _ from: Int, _ to: Int) -> Bool {
        for index in from..<to where !isHex(buffer[index]) { return false }
        return true
    }
}
