import Testing
@testable import HJ212

/// Arrays and slices appended to the scanner are read in place, and only a frame that starts in
/// an earlier read takes bytes into the scanner's own buffer. Whatever the stream and however it
/// is cut, that must give exactly the events, counts and offsets of copying every read whole
/// (what any other sequence of bytes still gets).
@Suite("FrameScanner reads arrays in place")
struct FrameScannerBorrowTests {
    /// The bytes of a read, as a sequence that is neither an array nor a slice (so it is copied).
    struct Copied: Sequence {
        var bytes: [UInt8]
        func makeIterator() -> IndexingIterator<[UInt8]> { bytes.makeIterator() }
    }

    struct Run: Equatable {
        var events: [FrameScanner.Event]
        var skipped: Int
        var sinceLastFrame: Int
        var frames: Int
        var buffered: [Int]
    }

    static func run(_ input: [UInt8], chunks: [Int], options: FramingOptions, copied: Bool, flush: Bool) -> Run {
        var scanner = FrameScanner(options: options)
        var events: [FrameScanner.Event] = []
        var buffered: [Int] = []
        var position = 0
        var chunk = 0
        while position < input.count {
            let end = min(input.count, position + chunks[chunk % chunks.count])
            chunk += 1
            if copied {
                scanner.append(Copied(bytes: Array(input[position..<end])))
            } else if chunk % 2 == 0 {
                scanner.append(input[position..<end])
            } else {
                scanner.append(Array(input[position..<end]))
            }
            // Now and then a second read comes before the first is drained.
            if chunk % 5 != 0 || end == input.count { events += scanner.drain() }
            buffered.append(scanner.bufferedByteCount)
            position = end
        }
        if flush { events += scanner.drain(endOfInput: true) }
        return Run(events: events, skipped: scanner.skippedBytes, sinceLastFrame: scanner.skippedSinceLastFrame,
                   frames: scanner.framesFound, buffered: buffered)
    }

    /// Good frames, junk, stray `##`, frames with wrong lengths, truncated and oversized frames,
    /// bare LF and CR and no terminator.
    static func stream(_ rng: inout SplitMix64, frames: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        for _ in 0..<Int.random(in: 5...40, using: &rng) {
            var frame = frames.randomElement(using: &rng)!
            switch Int.random(in: 0..<12, using: &rng) {
            case 0: out += (0..<Int.random(in: 1...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            case 1: out += bytes(["##", "#", "##12", "##0", "&&", "&&4F2A\r\n", "##00"].randomElement(using: &rng)!)
            case 2:
                // A wrong length field.
                let digits = String(format: "%04d", Int.random(in: 0...1300, using: &rng))
                frame.replaceSubrange(2..<6, with: bytes(digits))
                out += frame + crlf
            case 3: out += frame.prefix(Int.random(in: 1..<frame.count, using: &rng))
            case 4:
                // Longer than the cap: the data segment repeated.
                let body = Array(frame[6..<(frame.count - 4)])
                out += bytes("##") + bytes(String(format: "%04d", min(9999, body.count * 4))) + body + body + body + body + frame.suffix(4) + crlf
            case 5: out += frame + [UInt8(ascii: "\n")]
            case 6: out += frame + [UInt8(ascii: "\r")]
            case 7: out += frame
            default: out += frame + crlf
            }
        }
        return out
    }

    @Test("random streams and cuts: the same events as copying every read", arguments: [1, 2, 3, 4, 5, 6])
    func randomStreams(_ seed: UInt64) throws {
        let samples = [
            try FrameScannerStreamTests.standardFrame(), try Fixtures.example(2), try Fixtures.example(4),
            try Fixtures.sample(containing: "ST=101").frame, try Fixtures.sample(containing: "CN=9014").frame,
        ].map(bytes)
        var rng = SplitMix64(seed: seed)
        for round in 0..<60 {
            let input = Self.stream(&rng, frames: samples)
            let options = FramingOptions(maximumFrameBytes: [600, 1500, 10 * 1024].randomElement(using: &rng)!)
            let chunks = (0..<50).map { _ in
                Int.random(in: 0..<4, using: &rng) == 0 ? Int.random(in: 1...20, using: &rng) : Int.random(in: 1...3000, using: &rng)
            }
            for flush in [false, true] {
                let borrowed = Self.run(input, chunks: chunks, options: options, copied: false, flush: flush)
                let copied = Self.run(input, chunks: chunks, options: options, copied: true, flush: flush)
                var detail = ""
                if let first = zip(borrowed.events, copied.events).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
                    func brief(_ event: FrameScanner.Event) -> String {
                        switch event {
                        case .frame(let frame): "frame \(frame.streamOffset) \(frame.bytes.count) \(frame.problems.map(\.code))"
                        case .malformed(let bad): "malformed \(bad.streamOffset) dropped \(bad.droppedBytes) kept \(bad.bytes.count) \(bad.problem.code) \(bad.problem.message)"
                        }
                    }
                    detail = "event \(first): \(brief(borrowed.events[first])) vs \(brief(copied.events[first]))"
                } else if borrowed.events.count != copied.events.count {
                    detail = "counts \(borrowed.events.count) vs \(copied.events.count)"
                } else {
                    detail = "skipped \(borrowed.skipped) vs \(copied.skipped), since \(borrowed.sinceLastFrame) vs \(copied.sinceLastFrame), buffered \(borrowed.buffered) vs \(copied.buffered)"
                }
                #expect(borrowed == copied, "round \(round), cap \(options.maximumFrameBytes), flush \(flush): \(detail)")
                if borrowed != copied { return }
            }
        }
    }
}
