import Testing
@testable import HJ212

/// FrameLocator.locate on single buffers: the one framing routine every path uses.
@Suite("FrameLocator")
struct FrameLocatorTests {
    static func locate(_ input: [UInt8], endOfInput: Bool = false, options: FramingOptions = FramingOptions(), resumeAt: Int = 0) -> FrameLocator.Location {
        input.withUnsafeBytes { FrameLocator.locate(in: $0, endOfInput: endOfInput, options: options, resumeAt: resumeAt) }
    }

    static let standard = "##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&1C80"

    @Test("an empty buffer needs more")
    func empty() {
        #expect(Self.locate([]) == .needMore(resumeAt: 0))
        #expect(Self.locate([], endOfInput: true) == .needMore(resumeAt: 0))
    }

    @Test("bytes before \"##\" are junk; a trailing '#' is kept until the end of input")
    func junk() {
        #expect(Self.locate(bytes("GET / HTTP/1.1\r\n")) == .junk(count: 16))
        #expect(Self.locate(bytes("abc#")) == .junk(count: 3))
        #expect(Self.locate(bytes("abc#"), endOfInput: true) == .junk(count: 4))
        #expect(Self.locate(bytes("#")) == .needMore(resumeAt: 0))
        #expect(Self.locate(bytes("SIM13800##0101")) == .junk(count: 8))
    }

    @Test("\"##\" without four digits is junk, one byte at a time, even when few bytes follow", arguments: [
        "##ab", "##ab#", "##0x", "##01a", "##-101QN", "## 101QN",
    ])
    func noLength(_ text: String) {
        #expect(Self.locate(bytes(text)) == .junk(count: 1))
        #expect(Self.locate(bytes(text), endOfInput: true) == .junk(count: 1))
    }

    @Test("a frame start cut short waits, and is truncated at the end of input")
    func shortStart() {
        #expect(Self.locate(bytes("##01")) == .needMore(resumeAt: 0))
        guard case .malformed(let consumed, let kept, let problem) = Self.locate(bytes("##01"), endOfInput: true) else {
            Issue.record("expected malformed")
            return
        }
        #expect(consumed == 4 && kept == 4)
        #expect(problem.code == .frameTruncated)
    }

    @Test("a whole frame with CR LF: every field of Found")
    func wholeFrame() {
        let input = bytes(Self.standard) + crlf + bytes("##0")
        guard case .frame(let found) = Self.locate(input) else {
            Issue.record("expected a frame")
            return
        }
        #expect(found.consumed == 113)
        #expect(found.dataEnd == 107)
        #expect(found.crcDigits == 4)
        #expect(found.frameLength == 111)
        #expect(found.declaredLength == 101)
        #expect(found.terminator == .crlf)
        #expect(found.problems.isEmpty)
        let frame = input.withUnsafeBytes { RawFrame(buffer: $0, found: found, streamOffset: 9) }
        #expect(frame.text == Self.standard)
        #expect(frame.crcText == "1C80")
        #expect(Array(frame.dataSegment) == Array(bytes(Self.standard)[6..<107]))
        #expect(frame.streamOffset == 9)
    }

    @Test("the frame waits for its terminator until the end of input", arguments: [
        (crlf, FrameTerminator.crlf), ([0x0A], .lf), ([0x0D, 0x41], .cr), (bytes("##"), .none),
    ] as [([UInt8], FrameTerminator)])
    func terminators(_ terminator: [UInt8], _ expected: FrameTerminator) {
        let text = bytes(Self.standard)
        #expect(Self.locate(text) == .needMore(resumeAt: 0))
        #expect(Self.locate(text + [0x0D]) == .needMore(resumeAt: 0))
        guard case .frame(let found) = Self.locate(text + terminator) else {
            Issue.record("expected a frame")
            return
        }
        #expect(found.terminator == expected)
        #expect(found.consumed == 111 + (expected == .crlf ? 2 : expected == .none ? 0 : 1))
        guard case .frame(let flushed) = Self.locate(text, endOfInput: true) else {
            Issue.record("expected a flushed frame")
            return
        }
        #expect(flushed.terminator == .none)
    }

    @Test("the fallback resumes at a closing \"&&\" that ends the buffer")
    func resumeAtClosingAmpersands() throws {
        // A length that is too large sends the locator down the fallback path, which scans for "&&".
        let text = bytes(Self.standard.replacingPrefix("##0101", with: "##0200")) + crlf
        let cut = text.count - 6 // ends with "…=30&&"
        #expect(String(decoding: text[(cut - 2)..<cut], as: UTF8.self) == "&&")
        guard case .needMore(let hint) = Self.locate(Array(text[..<cut])) else {
            Issue.record("expected needMore")
            return
        }
        #expect(hint == cut - 2, "resume at the \"&&\" itself")
        guard case .frame(let found) = Self.locate(text, resumeAt: hint) else {
            Issue.record("the frame must be found after resuming")
            return
        }
        #expect(found.dataEnd == 107)
        #expect(found.problems.map(\.code) == [.lengthMismatch])
    }

    @Test("no frame end within the cap: frame_too_large, dropped up to the next \"##\"")
    func tooLarge() {
        let options = FramingOptions(maximumFrameBytes: 256)
        let input = bytes("##0101QN=1;") + Array(repeating: UInt8(ascii: "x"), count: 300) + bytes("##0101")
        guard case .malformed(let consumed, let kept, let problem) = Self.locate(input, options: options) else {
            Issue.record("expected malformed")
            return
        }
        #expect(consumed == 311)
        #expect(kept == 256)
        #expect(problem.code == .frameTooLarge)
        #expect(problem.isError)
    }

    @Test("FramingOptions keeps a sane minimum cap")
    func minimumCap() {
        #expect(FramingOptions(maximumFrameBytes: 1).maximumFrameBytes == 64)
        #expect(FramingOptions().maximumFrameBytes == 10 * 1024)
        #expect(FramingOptions().standardMaximumDataLength == 1024)
    }

    @Test("a frame cut off mid-way does not swallow the whole frame that follows it", arguments: [60, 6, 100, 107])
    func truncatedThenGood(_ cut: Int) {
        // A device (or DTU) that drops the rest of a frame and then sends the next one whole.
        let good = bytes(Self.standard) + crlf
        let input = Array(good.prefix(cut)) + good + good
        let expected = [Self.standard, Self.standard]
        for chunk in [input.count, 1, 5, 50] {
            var scanner = FrameScanner()
            var events: [FrameScanner.Event] = []
            var position = 0
            while position < input.count {
                let end = min(input.count, position + chunk)
                scanner.append(input[position..<end])
                events += scanner.drain()
                position = end
            }
            events += scanner.drain(endOfInput: true)
            #expect(events.compactMap(\.frame).map(\.text) == expected, "chunks of \(chunk)")
            #expect(events.compactMap(\.frame).map(\.streamOffset) == [cut, cut + good.count])
            let malformed = events.first?.malformed
            #expect(malformed?.problem.code == .frameTruncated)
            #expect(malformed?.droppedBytes == cut)
            #expect(malformed?.bytes == Array(good.prefix(cut)))
            #expect(events.count == 3)
        }
    }

    @Test("\"##\" and digits inside a frame that is still arriving do not cut it")
    func hashesInsideData() throws {
        let segment = "QN=20240101000000000;ST=32;CN=3020;PW=1;MN=M;Flag=4;CP=&&DataTime=20240101000000;i11001-Info=//##0010 not a frame ##12//&&"
        let wire = PacketEncoder.frame(segment: bytes(segment), length: segment.utf8.count + 5) // wrong length: fallback path
        let frames = FrameScannerStreamTests.feed(wire + wire, chunks: Array(repeating: 3, count: wire.count)).events.compactMap(\.frame)
        #expect(frames.count == 2)
        #expect(frames.first?.text == String(decoding: wire.dropLast(2), as: UTF8.self))
        #expect(frames.first?.problems.map(\.code) == [.lengthMismatch])
    }
}
