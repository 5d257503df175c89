import Testing
@testable import HJ212

/// The stream scanner: frames cut at any byte, many frames per read, junk, terminator variants,
/// wrong length fields, the frame cap and the memory bound.
@Suite("FrameScanner stream")
struct FrameScannerStreamTests {
    /// A summary of a frame event that does not depend on how the bytes arrived.
    struct Seen: Equatable, CustomStringConvertible {
        var text: String
        var terminator: FrameTerminator
        var problems: [ProblemCode]
        var offset: Int
        var description: String { "\(offset): \(text.prefix(40))… \(terminator) \(problems)" }
    }

    static func seen(_ events: [FrameScanner.Event]) -> [Seen] {
        events.compactMap { event in
            guard let frame = event.frame else { return nil }
            return Seen(text: frame.text, terminator: frame.terminator, problems: frame.problems.map(\.code), offset: frame.streamOffset)
        }
    }

    /// Feeds `input` in the given chunk lengths (the last chunk takes the rest), then flushes.
    static func feed(_ input: [UInt8], chunks: [Int], options: FramingOptions = FramingOptions()) -> (events: [FrameScanner.Event], scanner: FrameScanner) {
        var scanner = FrameScanner(options: options)
        var events: [FrameScanner.Event] = []
        var position = 0
        for length in chunks where position < input.count {
            let end = min(input.count, position + length)
            scanner.append(input[position..<end])
            events += scanner.drain()
            position = end
        }
        if position < input.count {
            scanner.append(input[position...])
            events += scanner.drain()
        }
        events += scanner.drain(endOfInput: true)
        return (events, scanner)
    }

    static func standardFrame() throws -> String { try Fixtures.sample(containing: "CN=1062").frame }

    /// A mixed stream: standard frame, encrypted 2025 frame, ST=101 frame, encrypted with clear tail,
    /// a frame with a too-short length, and a 9014 with a lowercase CRC.
    static func mixedStream() throws -> [UInt8] {
        let shortLength = try standardFrame().replacingPrefix("##0101", with: "##0090")
        let parts = [
            try standardFrame(),
            try Fixtures.example(2),
            try Fixtures.sample(containing: "ST=101").frame,
            try Fixtures.example(4),
            shortLength,
            try Fixtures.sample(containing: "CN=9014").frame,
        ]
        return parts.flatMap { bytes($0) + crlf }
    }

    // MARK: - Chunking

    @Test("one append finds every frame of the mixed stream, with its offset and warnings")
    func wholeStream() throws {
        let input = try Self.mixedStream()
        let (events, scanner) = scanAll(input)
        let seen = Self.seen(events)
        #expect(events.count == 6)
        #expect(seen.count == 6)
        #expect(scanner.framesFound == 6)
        #expect(scanner.skippedBytes == 0)
        #expect(scanner.bufferedByteCount == 0)
        // Framing sees example 2's 1128 wire bytes; only decryption shows its plaintext is within 1024.
        #expect(seen.map(\.problems) == [[], [.lengthIsPlaintext, .lengthOverStandard], [], [.lengthIsPlaintext], [.lengthMismatch], []])
        let packets = events.compactMap(\.frame).map { PacketDecoder.decode($0, options: DecodeOptions(sm4Key: Fixtures.exampleKey)) }
        #expect(packets.map(\.problemCodes) == [[], [.lengthIsPlaintext], [.missingFlag], [.lengthIsPlaintext], [.lengthMismatch], [.crcLowercase]])
        #expect(packets.allSatisfy { $0.isAccepted })
        var offset = 0
        for frame in seen {
            #expect(frame.offset == offset)
            #expect(frame.terminator == .crlf)
            offset += frame.text.utf8.count + 2
        }
        #expect(offset == input.count)
    }

    @Test("split into two chunks at every byte position, the same frames come out")
    func everySplit() throws {
        let input = try Self.mixedStream()
        let expected = Self.seen(scanAll(input).events)
        #expect(expected.count == 6)
        for split in 0...input.count {
            let (events, scanner) = Self.feed(input, chunks: [split])
            let seen = Self.seen(events)
            #expect(seen == expected, "split at \(split)")
            #expect(events.count == expected.count, "split at \(split)")
            #expect(scanner.skippedBytes == 0, "split at \(split)")
            if seen != expected { break }
        }
    }

    @Test("split into three chunks around the ends of the encrypted frames")
    func threeChunks() throws {
        let input = try Self.mixedStream()
        let expected = Self.seen(scanAll(input).events)
        let encryptedEnd = expected[2].offset // the encrypted frame ends just before the third frame
        for first in stride(from: 0, through: input.count, by: 37) {
            for second in [encryptedEnd - 9, encryptedEnd - 8, encryptedEnd - 6, encryptedEnd - 2, encryptedEnd - 1, encryptedEnd] where second > first {
                let seen = Self.seen(Self.feed(input, chunks: [first, second - first]).events)
                #expect(seen == expected, "splits at \(first), \(second)")
            }
        }
    }

    @Test("byte by byte, the same frames come out, each as soon as its terminator is complete")
    func byteByByte() throws {
        let input = try Self.mixedStream()
        let expected = Self.seen(scanAll(input).events)
        var scanner = FrameScanner()
        var events: [FrameScanner.Event] = []
        for (index, byte) in input.enumerated() {
            scanner.append(CollectionOfOne(byte))
            let new = scanner.drain()
            for event in new {
                let frame = try #require(event.frame)
                // Reported on the LF that ends it.
                #expect(frame.streamOffset + frame.bytes.count + 2 == index + 1)
            }
            events += new
        }
        #expect(scanner.drain(endOfInput: true).isEmpty)
        #expect(Self.seen(events) == expected)
    }

    @Test("random chunkings give the same frames", arguments: [1, 2, 3, 4, 5])
    func randomChunks(_ seed: UInt64) throws {
        let input = try Self.mixedStream()
        let expected = Self.seen(scanAll(input).events)
        var rng = SplitMix64(seed: seed)
        for _ in 0..<40 {
            let chunks = (0..<200).map { _ in Int.random(in: 1...300, using: &rng) }
            #expect(Self.seen(Self.feed(input, chunks: chunks).events) == expected)
        }
    }

    @Test("100 frames in one append")
    func hundredFrames() throws {
        var input: [UInt8] = []
        var texts: [String] = []
        for index in 0..<100 {
            let builder = DataUploadBuilder(
                kind: .realtime, dataTime: LocalDateTime(year: 2024, month: 1, day: 1, hour: 0, minute: index / 60, second: index % 60),
                readings: [{ var r = Reading(code: "w01018"); r.rtd = Double(index) / 4; r.flag = .normal; return r }()])
            let wire = builder.packet(qn: "20240101000000\(String(100 + index).suffix(3))", st: "32", pw: "123456", mn: "MN\(index)", edition: .hj2017, answerWanted: index % 2 == 0).encode()
            texts.append(String(decoding: wire.dropLast(2), as: UTF8.self))
            input += wire
        }
        let (events, scanner) = scanAll(input, endOfInput: false)
        #expect(events.count == 100)
        #expect(events.compactMap(\.frame).map(\.text) == texts)
        #expect(scanner.framesFound == 100)
        #expect(scanner.bufferedByteCount == 0)
        let packets = events.compactMap(\.frame).map { PacketDecoder.decode($0) }
        #expect(packets.allSatisfy { $0.problems.isEmpty })
        #expect(packets.map { $0.content.reading("w01018")?.rtd } == (0..<100).map { Double($0) / 4 })
        #expect(packets[7].header.mn == "MN7")
    }

    // MARK: - Junk

    struct Junk: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var testDescription: String { name }
    }

    static let junks: [Junk] = {
        var rng = SplitMix64(seed: 42)
        let random = (0..<777).map { _ -> UInt8 in
            var byte = UInt8.random(in: 0...255, using: &rng)
            while byte == UInt8(ascii: "#") { byte = UInt8.random(in: 0...255, using: &rng) }
            return byte
        }
        var hello: [UInt8] = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03]
        hello += (0..<32).map { UInt8($0 * 7 & 0xFF) } + [0x20] + (0..<32).map { UInt8(0xA0 ^ $0) }
        hello += [0x00, 0x3E, 0x13, 0x02, 0x13, 0x03, 0x13, 0x01, 0xC0, 0x2C, 0xC0, 0x30, 0x00, 0x9F]
        return [
            Junk(name: "random bytes without '#'", bytes: random),
            Junk(name: "HTTP GET", bytes: bytes("GET / HTTP/1.1\r\nHost: 203.0.113.7:8212\r\nUser-Agent: Mozilla/5.0 zgrab/0.x\r\nAccept: */*\r\n\r\n")),
            Junk(name: "TLS ClientHello", bytes: hello),
            Junk(name: "RDP cookie probe", bytes: bytes("\u{03}\u{00}\u{00}/*\u{E0}\u{00}\u{00}\u{00}\u{00}\u{00}Cookie: mstshash=Administr\r\n")),
            Junk(name: "DTU SIM prefix", bytes: bytes("13800138000")),
            Junk(name: "a lone '#' and '##' without digits", bytes: bytes("#x##ab#")),
        ]
    }()

    @Test("junk between frames is skipped and counted exactly", arguments: junks)
    func junkBetweenFrames(_ junk: Junk) throws {
        let frame = bytes(try Self.standardFrame()) + crlf
        let encrypted = bytes(try Fixtures.example(2)) + crlf
        let input = junk.bytes + frame + junk.bytes + encrypted + junk.bytes + frame + junk.bytes
        for chunking in [input.count, 1, 7, 64, 1000] {
            let (events, scanner) = Self.feed(input, chunks: Array(repeating: chunking, count: input.count / chunking + 1))
            let frames = events.compactMap(\.frame)
            #expect(events.count == 3, "\(chunking)")
            #expect(frames.map(\.text) == [try Self.standardFrame(), try Fixtures.example(2), try Self.standardFrame()])
            #expect(scanner.skippedBytes == junk.bytes.count * 4, "\(chunking)")
            #expect(scanner.skippedSinceLastFrame == junk.bytes.count, "\(chunking)")
            #expect(frames.map(\.streamOffset) == [junk.bytes.count, 2 * junk.bytes.count + frame.count, 3 * junk.bytes.count + frame.count + encrypted.count])
            #expect(frames.allSatisfy { $0.terminator == .crlf })
        }
    }

    @Test("a trailing single '#' is kept until the next byte shows whether it starts a frame")
    func trailingHash() throws {
        let frame = bytes(try Self.standardFrame()) + crlf
        var scanner = FrameScanner()
        scanner.append(bytes("junk#"))
        let first = scanner.next()
        #expect(first == nil)
        #expect(scanner.skippedBytes == 4)
        #expect(scanner.bufferedByteCount == 1)
        scanner.append(frame.dropFirst())
        let second = scanner.next()
        #expect(second?.frame?.text == (try Self.standardFrame()))
        #expect(scanner.skippedBytes == 4)
    }

    // MARK: - Terminators

    @Test("a bare LF ends a frame, with a bare_lf warning")
    func bareLF() throws {
        let text = try Self.standardFrame()
        let input = bytes(text) + [0x0A] + bytes(text) + crlf
        let frames = scanAll(input).events.compactMap(\.frame)
        #expect(frames.count == 2)
        #expect(frames[0].terminator == .lf)
        #expect(frames[0].problems.map(\.code) == [.bareLineFeed])
        #expect(frames[0].problems.first?.severity == .warning)
        #expect(frames[1].streamOffset == text.utf8.count + 1)
        #expect(frames[1].problems.isEmpty)
        let packet = PacketDecoder.decode(frames[0])
        #expect(packet.isAccepted)
        #expect(packet.crc.matched == .hj212)
    }

    @Test("no terminator: the next frame glued after the CRC")
    func glued() throws {
        let text = try Self.standardFrame()
        let input = bytes(text) + bytes(text) + crlf
        let frames = Self.feed(input, chunks: [text.utf8.count + 1]).events.compactMap(\.frame)
        #expect(frames.count == 2)
        #expect(frames.map(\.text) == [text, text])
        #expect(frames[0].terminator == .none)
        #expect(frames[0].problems.map(\.code) == [.missingTerminator])
        #expect(frames[1].terminator == .crlf)
        #expect(frames[1].streamOffset == text.utf8.count)
    }

    @Test("a bare CR before the next frame")
    func bareCR() throws {
        let text = try Self.standardFrame()
        let frames = scanAll(bytes(text) + [0x0D] + bytes(text) + crlf).events.compactMap(\.frame)
        #expect(frames.count == 2)
        #expect(frames[0].terminator == .cr)
        #expect(frames[0].problems.map(\.code) == [.missingTerminator])
    }

    @Test("a frame without CR LF waits, and is flushed at the end of input")
    func flushAtEnd() throws {
        let text = try Self.standardFrame()
        var scanner = FrameScanner()
        scanner.append(bytes(text))
        let early = scanner.next()
        #expect(early == nil, "the CR LF may still come")
        #expect(scanner.bufferedByteCount == text.utf8.count)
        let flushed = scanner.next(endOfInput: true)
        let event = try #require(flushed)
        let frame = try #require(event.frame)
        #expect(frame.text == text)
        #expect(frame.terminator == .none)
        #expect(frame.problems.map(\.code) == [.missingTerminator])
        #expect(scanner.bufferedByteCount == 0)
        #expect(PacketDecoder.decode(frame).isAccepted)
    }

    @Test("a frame cut off at the end of input is reported as truncated")
    func truncated() throws {
        let text = try Self.standardFrame()
        let cut = Array(bytes(text).prefix(60))
        let (events, scanner) = scanAll(bytes(text) + crlf + cut)
        #expect(events.count == 2)
        let malformed = try #require(events.last?.malformed)
        #expect(malformed.problem.code == .frameTruncated)
        #expect(malformed.problem.isError)
        #expect(malformed.bytes == cut)
        #expect(malformed.droppedBytes == 60)
        #expect(malformed.streamOffset == text.utf8.count + 2)
        #expect(scanner.bufferedByteCount == 0)
    }

    // MARK: - Wrong length fields

    @Test("a wrong length field: the frame is still found, with length_mismatch", arguments: ["0090", "0100", "0102", "0150", "0999"])
    func wrongLength(_ length: String) throws {
        let text = try Self.standardFrame().replacingPrefix("##0101", with: "##" + length)
        let input = bytes(text) + crlf + bytes(try Self.standardFrame()) + crlf
        let expected = Self.seen(scanAll(input).events)
        #expect(expected.count == 2)
        #expect(expected.first?.text == text)
        #expect(expected.first?.problems == [.lengthMismatch])
        let frame = try #require(scanAll(input).events.first?.frame)
        #expect(frame.declaredLength == Int(length))
        #expect(frame.dataEnd == 6 + 101)
        let packet = PacketDecoder.decode(frame)
        #expect(packet.crc.matched == .hj212)
        #expect(packet.isAccepted)
        // The fallback path must also survive every split.
        for split in 0...input.count {
            #expect(Self.seen(Self.feed(input, chunks: [split]).events) == expected, "split at \(split)")
        }
    }

    @Test("xiaoyao9184 issue #6: declared 0215 for a 271-byte segment")
    func declaredTooShort() throws {
        var segment = "QN=20200101000000000;ST=32;CN=2011;PW=123456;MN=LD130133000015;Flag=4;CP=&&DataTime=20200101000000"
        var code = 1001
        while segment.utf8.count < 269 {
            segment += ";w0\(code)-Rtd=1.5"
            code += 1
        }
        segment += "&&"
        let actual = segment.utf8.count
        #expect(actual > 215)
        let good = framed(segment)
        let text = "##0215" + good.dropFirst(6)
        let packet = try decode(String(text))
        #expect(packet.has(.lengthMismatch))
        #expect(packet.problem(.lengthMismatch)?.message.contains("\(actual)") == true)
        #expect(packet.crc.matched == .hj212)
    }

    @Test("a length counted in characters for a UTF-8 Chinese -Info text: length_counts_characters")
    func lengthInCharacters() throws {
        let segment = "QN=20190507101010000;ST=32;CN=3020;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&DataTime=20190507101010;PolId=w01018;i11001-Info=//清洗管路，开始//&&"
        let byteCount = segment.utf8.count
        let characterCount = segment.count
        #expect(byteCount == characterCount + 14)
        let wire = PacketEncoder.frame(segment: bytes(segment), length: characterCount)
        let frames = Self.feed(wire + wire, chunks: [1, 50, 17]).events.compactMap(\.frame)
        #expect(frames.count == 2)
        let frame = frames[0]
        #expect(frame.declaredLength == characterCount)
        #expect(frame.dataEnd - 6 == byteCount)
        #expect(frame.problems.map(\.code) == [.lengthCountsCharacters])
        let packet = PacketDecoder.decode(frame)
        #expect(packet.crc.matched == .hj212, "the CRC is over the bytes")
        #expect(packet.kind == .info)
        let info = try #require(packet.content.readings.first { $0.rawCode == "i11001" })
        #expect(info.polId == "w01018")
        #expect(info.other == [Reading.SuffixValue(suffix: "Info", value: "//清洗管路，开始//")])
        #expect(packet.isAccepted)
    }

    @Test("a frame over the standard's 1024 but under the cap is read, with length_over_1024")
    func overStandard() throws {
        let sample = try Fixtures.sample(containing: "##1025", crcOK: false)
        let frame = try rawFrame(sample.frame)
        #expect(frame.problems.map(\.code) == [.lengthOverStandard])
        #expect(frame.declaredLength == 1025)
    }

    // MARK: - Frame cap and memory

    static func bigFrame(dataBytes: Int) -> [UInt8] {
        var segment = "QN=20240101000000000;ST=32;CN=3020;PW=123456;MN=MN;Flag=4;CP=&&DataTime=20240101000000;i11001-Info=//"
        segment += String(repeating: "x", count: dataBytes - segment.utf8.count - 4) + "//&&"
        return PacketEncoder.frame(segment: bytes(segment))
    }

    @Test("a 20 KB frame is dropped as frame_too_large and the next good frame is read", arguments: [0, 4096, 1000, 1])
    func frameTooLarge(_ chunk: Int) throws {
        let big = Self.bigFrame(dataBytes: 20 * 1024)
        #expect(big.count > 20 * 1024)
        let good = try Self.standardFrame()
        let input = big + bytes(good) + crlf
        let chunks = chunk == 0 ? [input.count] : Array(repeating: chunk, count: input.count / chunk + 1)
        let (events, scanner) = Self.feed(input, chunks: chunks)
        #expect(events.count == 2)
        let malformed = try #require(events.first?.malformed)
        #expect(malformed.problem.code == .frameTooLarge)
        #expect(malformed.problem.isError)
        #expect(malformed.streamOffset == 0)
        #expect(malformed.bytes.count <= FramingOptions().maximumFrameBytes)
        #expect(Array(malformed.bytes.prefix(6)) == Array(big.prefix(6)))
        let frame = try #require(events.last?.frame)
        #expect(frame.text == good)
        #expect(frame.streamOffset == big.count)
        #expect(frame.problems.isEmpty)
        #expect(malformed.droppedBytes + scanner.skippedBytes == big.count)
    }

    @Test("with a larger cap the same 20 KB frame is read")
    func raisedCap() throws {
        let big = Self.bigFrame(dataBytes: 20 * 1024)
        let (events, _) = scanAll(big, options: FramingOptions(maximumFrameBytes: 64 * 1024))
        let frame = try #require(events.first?.frame)
        #expect(events.count == 1)
        #expect(Set(frame.problems.map(\.code)) == [.lengthMismatch, .lengthOverStandard])
        #expect(PacketDecoder.decode(frame).crc.matched == .hj212)
    }

    @Test("a frame just under the cap is read; just over it is refused")
    func capBoundary() throws {
        let options = FramingOptions(maximumFrameBytes: 2048)
        let fits = Self.bigFrame(dataBytes: 2048 - 12)
        #expect(fits.count == 2048)
        #expect(scanAll(fits, options: options).events.first?.frame != nil)
        let over = Self.bigFrame(dataBytes: 2048 - 11)
        let events = scanAll(over, options: options).events
        #expect(events.first?.malformed?.problem.code == .frameTooLarge)
        #expect(events.compactMap(\.frame).isEmpty)
    }

    @Test("memory stays within cap + one read while 1 MB of junk arrives in 4 KB reads", arguments: [false, true])
    func memoryBound(_ withFrameStarts: Bool) throws {
        let options = FramingOptions()
        let cap = options.maximumFrameBytes
        let chunk = 4096
        var rng = SplitMix64(seed: withFrameStarts ? 99 : 98)
        var scanner = FrameScanner(options: options)
        var malformed = 0
        var maximum = 0
        var fed = 0
        while fed < 1 << 20 {
            var bytes = (0..<chunk).map { _ -> UInt8 in
                var byte = UInt8.random(in: 0...255, using: &rng)
                while byte == UInt8(ascii: "#") { byte = UInt8.random(in: 0...255, using: &rng) }
                return byte
            }
            // Now and then something that looks like the start of a frame and never ends.
            if withFrameStarts && fed % (5 * chunk) == 0 {
                bytes.replaceSubrange(100..<106, with: Array("##0100".utf8))
            }
            scanner.append(bytes)
            fed += chunk
            maximum = max(maximum, scanner.bufferedByteCount)
            #expect(scanner.bufferedByteCount <= cap + chunk)
            while let event = scanner.next() {
                #expect(event.malformed?.problem.code == .frameTooLarge)
                malformed += 1
            }
            #expect(scanner.bufferedByteCount < cap)
        }
        #expect(scanner.framesFound == 0)
        if withFrameStarts {
            #expect(malformed > 0)
            #expect(maximum > cap / 2, "the scanner does hold a frame start while waiting for its end")
        } else {
            #expect(malformed == 0)
            #expect(scanner.skippedBytes == 1 << 20)
        }
        // A frame start still pending is dropped at the end of input; after that a good frame is read.
        for event in scanner.drain(endOfInput: true) {
            #expect(event.malformed?.problem.code == .frameTruncated)
        }
        #expect(scanner.bufferedByteCount == 0)
        scanner.append(crlf + bytes(try Self.standardFrame()) + crlf)
        let tail = scanner.drain(endOfInput: true)
        #expect(tail.compactMap(\.frame).map(\.text) == [try Self.standardFrame()])
    }
}

extension String {
    func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        precondition(hasPrefix(prefix))
        return replacement + dropFirst(prefix.count)
    }
}
