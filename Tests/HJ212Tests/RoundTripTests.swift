import Testing
@testable import HJ212

/// Property test: random uploads of every edition are built, encoded (2025 ones sometimes
/// SM4-encrypted), sent through the scanner in random pieces, decoded, and compared field by field.
@Suite("Round trip")
struct RoundTripTests {
    enum Ending: CaseIterable { case crlf, lf, none }

    struct Generated {
        var edition: Edition
        var kind: DataKind
        var qn: String?
        var st: String
        var pw: String
        var mn: String
        var answerWanted: Bool
        var backfill: Bool
        var dataTime: LocalDateTime
        var readings: [Reading]
        var decimals: [String: Int]
        var key: SM4Key?
        var encryptedLength: EncodeOptions.EncryptedLength
        var ending: Ending

        var builder: DataUploadBuilder {
            DataUploadBuilder(kind: kind, dataTime: dataTime, readings: readings, decimals: decimals)
        }

        var packet: OutgoingPacket {
            builder.packet(qn: qn, st: st, pw: pw, mn: mn, edition: edition, answerWanted: answerWanted, backfill: backfill)
        }

        /// The frame bytes without the terminator, and the terminator.
        var wire: (frame: [UInt8], terminator: [UInt8]) {
            let frame = packet.encode(options: EncodeOptions(sm4Key: key, encryptedLength: encryptedLength, terminator: false))
            switch ending {
            case .crlf: return (frame, crlf)
            case .lf: return (frame, [0x0A])
            case .none: return (frame, [])
            }
        }
    }

    static let codePool = [
        "w01018", "w00000", "w01001", "w21003", "w21011", "a21026", "a21002", "a34013", "a19001", "a01011",
        "a01012", "a01014", "a00000", "a05024", "O3", "ua19004", "l01001", "ele01", "B01", "011", "060", "02",
        "S01", "LA", "e10101", "g12701", "100000", "a2106",
    ]
    static let flagPool = ["N", "F", "M", "S", "D", "C", "T", "B"]
    static let powers: [Double] = [1, 10, 100, 1000, 10000, 100_000, 1_000_000]
    static let hexDigits = Array("0123456789ABCDEF")
    static let alphanumerics = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

    static func string(_ alphabet: [Character], _ count: Int, _ rng: inout SplitMix64) -> String {
        String((0..<count).map { _ in alphabet.randomElement(using: &rng)! })
    }

    static func time(_ rng: inout SplitMix64, milliseconds: Bool = false) -> LocalDateTime {
        let year = Int.random(in: 1999...2035, using: &rng)
        let month = Int.random(in: 1...12, using: &rng)
        return LocalDateTime(
            year: year, month: month, day: Int.random(in: 1...LocalDateTime.daysIn(year: year, month: month), using: &rng),
            hour: Int.random(in: 0...23, using: &rng), minute: Int.random(in: 0...59, using: &rng),
            second: Int.random(in: 0...59, using: &rng),
            millisecond: milliseconds ? Int.random(in: 0...999, using: &rng) : nil)
    }

    /// A decimal value with at most `places` digits after the point, negatives included.
    static func value(_ rng: inout SplitMix64, places: Int, specials: Bool) -> Double {
        if specials && Int.random(in: 0..<20, using: &rng) == 0 {
            return [0, -0.0, 1.5e-7, 1e16, -2.5e20, 123_456_789.123, -99, 9999.99, 0.30000000000000004].randomElement(using: &rng)!
        }
        let digits = Int.random(in: 0...places, using: &rng)
        let mantissa = Int.random(in: -10_000_000...10_000_000, using: &rng)
        return Double(mantissa) / powers[digits]
    }

    static func generate(_ rng: inout SplitMix64) -> Generated {
        let edition = Edition.allCases.randomElement(using: &rng)!
        let kind = [DataKind.realtime, .minute, .hour, .day].randomElement(using: &rng)!
        var qn: String? = time(&rng).hj212 + String(1000 + Int.random(in: 0...999, using: &rng)).suffix(3)
        if edition == .hj2005 && Bool.random(using: &rng) { qn = nil }
        let st = ["21", "22", "23", "31", "32", "39", "80", "91", "101", "A1"].randomElement(using: &rng)!
        let mn = switch Int.random(in: 0..<6, using: &rng) {
        case 0: string(hexDigits, 24, &rng)
        case 1: string(Array("0123456789"), 14, &rng)
        case 2: "JLYP01_AIR01_" + string(Array("0123456789"), 4, &rng)
        case 3: string(Array("abcdefghijklmnopqrstuvwxyz0123456789"), 24, &rng)
        case 4: string(Array("0123456789"), 7, &rng)
        default: ""
        }
        let pw = switch Int.random(in: 0..<4, using: &rng) {
        case 0: "123456"
        case 1: string(hexDigits, 24, &rng)
        case 2: string(alphanumerics, 6, &rng)
        default: ""
        }
        let count = Int.random(in: 1...12, using: &rng)
        var codes = codePool.shuffled(using: &rng)
        codes.removeSubrange(count...)
        var readings: [Reading] = []
        var decimals: [String: Int] = [:]
        for code in codes {
            var reading = Reading(code: code)
            var places = 6
            let fixed = Int.random(in: 0..<3, using: &rng) == 0
            if fixed {
                places = Int.random(in: 0...6, using: &rng)
                decimals[code] = places
            }
            func next() -> Double { value(&rng, places: places, specials: !fixed) }
            if kind == .realtime {
                reading.rtd = next()
                if Int.random(in: 0..<3, using: &rng) == 0 { reading.zsRtd = next() }
                if Int.random(in: 0..<5, using: &rng) == 0 { reading.sampleTime = time(&rng).hj212 }
            } else {
                let suffixes = ["Cou", "Min", "Avg", "Max", "ZsMin", "ZsAvg", "ZsMax", "RawAvg"]
                let chosen = suffixes.filter { _ in Bool.random(using: &rng) }
                for suffix in chosen.isEmpty ? ["Avg"] : chosen { reading[numeric: suffix] = next() }
            }
            if Int.random(in: 0..<7, using: &rng) != 0 {
                var pool = flagPool
                if edition == .hj2005 { pool.append("P") }
                reading.flag = DataFlag(rawValue: pool.randomElement(using: &rng)!)
            }
            if Int.random(in: 0..<5, using: &rng) == 0 { reading.eFlag = "A" + string(Array("0123456789"), 2, &rng) }
            readings.append(reading)
        }
        var key: SM4Key?
        if edition == .hj2025 && Bool.random(using: &rng) {
            key = Bool.random(using: &rng)
                ? Fixtures.exampleKey
                : SM4Key(bytes: (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) })
        }
        let roll = Int.random(in: 0..<10, using: &rng)
        var generated = Generated(
            edition: edition, kind: kind, qn: qn, st: st, pw: pw, mn: mn, answerWanted: Bool.random(using: &rng),
            backfill: Bool.random(using: &rng), dataTime: time(&rng, milliseconds: Int.random(in: 0..<10, using: &rng) == 0),
            readings: readings, decimals: decimals, key: key,
            encryptedLength: Bool.random(using: &rng) ? .plaintext : .transmitted,
            ending: roll == 0 ? .lf : roll == 1 ? .none : .crlf)
        // A 2025 data area stays within the standard's 950 characters, so the encrypted frame fits the cap.
        while generated.key != nil && generated.builder.dataArea.text.utf8.count > 900 && generated.readings.count > 1 {
            generated.readings.removeLast()
        }
        return generated
    }

    static func medium(_ st: String) -> String? {
        switch st {
        case "31": "gas"
        case "32": "water"
        default: nil
        }
    }

    /// The warnings a generated frame must draw, and no others.
    static func expectedProblems(_ generated: Generated, frame: [UInt8]) -> Set<ProblemCode> {
        var expected: Set<ProblemCode> = []
        switch generated.ending {
        case .crlf: break
        case .lf: expected.insert(.bareLineFeed)
        case .none: expected.insert(.missingTerminator)
        }
        let plaintextLength = generated.packet.dataSegmentText.utf8.count
        let wireLength = frame.count - 10
        if generated.key != nil {
            // The 1024 limit is about the plaintext segment, not the 5-fold wire form.
            if generated.encryptedLength == .plaintext { expected.insert(.lengthIsPlaintext) }
            if plaintextLength > 1024 { expected.insert(.lengthOverStandard) }
        } else if wireLength > 1024 {
            expected.insert(.lengthOverStandard)
        }
        return expected
    }

    static func check(_ packet: Packet, against generated: Generated, frame: [UInt8]) {
        #expect(packet.header.qn == generated.qn)
        #expect(packet.header.st == generated.st)
        #expect(packet.header.cn == generated.kind.cn)
        #expect(packet.header.pw == generated.pw)
        #expect(packet.header.mn == generated.mn)
        #expect(packet.header.flag == PacketFlag(edition: generated.edition, answerWanted: generated.answerWanted))
        #expect(packet.header.rf == (generated.edition == .hj2025 && generated.backfill ? "1" : nil))
        #expect(packet.header.pnum == nil && packet.header.pno == nil)
        #expect(packet.edition == generated.edition)
        #expect(packet.wasEncrypted == (generated.key != nil))
        #expect(packet.crc.matched == .hj212)
        #expect(packet.kind == generated.kind)
        #expect(packet.content.dataTime == generated.dataTime)
        #expect(packet.content.dataTimeText == generated.dataTime.hj212)
        #expect(packet.dataArea.text == generated.builder.dataArea.text)
        #expect(packet.content.readings.count == generated.readings.count)
        for (got, sent) in zip(packet.content.readings, generated.readings) {
            #expect(got.rawCode == sent.code)
            var code = sent.code
            if generated.edition == .hj2005, let mapped = CodeTables.shipped.currentCode(for: sent.code, medium: medium(generated.st)) {
                code = mapped
            }
            #expect(got.code == code)
            for suffix in Reading.numericSuffixes {
                #expect(got[numeric: suffix] == sent[numeric: suffix], "\(sent.code)-\(suffix)")
            }
            #expect(got.flag == sent.flag)
            #expect(got.eFlag == sent.eFlag)
            #expect(got.sampleTime == sent.sampleTime)
            #expect(got.other.isEmpty)
        }
        #expect(Set(packet.problemCodes) == expectedProblems(generated, frame: frame), "\(packet.problems)")
        #expect(packet.isAccepted, "\(packet.errors)")
    }

    @Test("400 random uploads survive encode → scanner (random pieces) → decode", arguments: [UInt64(2025), 2017, 2005])
    func roundTrip(_ seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let packets = (0..<400).map { _ in Self.generate(&rng) }
        #expect(Set(packets.map(\.edition)).count == 3)
        #expect(packets.contains { $0.key != nil })
        var stream: [UInt8] = []
        var frames: [(frame: [UInt8], offset: Int)] = []
        for generated in packets {
            let (frame, terminator) = generated.wire
            frames.append((frame, stream.count))
            stream += frame + terminator
        }
        var scanner = FrameScanner()
        var events: [FrameScanner.Event] = []
        var position = 0
        while position < stream.count {
            let length = Int.random(in: 0..<4, using: &rng) == 0 ? Int.random(in: 1...8, using: &rng) : Int.random(in: 1...3000, using: &rng)
            let end = min(stream.count, position + length)
            scanner.append(stream[position..<end])
            events += scanner.drain()
            position = end
        }
        events += scanner.drain(endOfInput: true)
        #expect(events.count == packets.count)
        #expect(scanner.skippedBytes == 0)
        for (index, event) in events.prefix(packets.count).enumerated() {
            let raw = try #require(event.frame, "event \(index): \(event)")
            let generated = packets[index]
            #expect(raw.bytes == frames[index].frame, "frame \(index)")
            #expect(raw.streamOffset == frames[index].offset)
            let key = generated.key ?? Fixtures.exampleKey
            let packet = PacketDecoder.decode(raw, options: DecodeOptions(sm4Key: key))
            Self.check(packet, against: generated, frame: raw.bytes)
            // Under the strict policy only the expected, tolerated deviations refuse it.
            let strict = PacketDecoder.decode(raw, options: DecodeOptions(policy: .strict, sm4Key: key))
            let expected = Self.expectedProblems(generated, frame: raw.bytes).subtracting([.lengthIsPlaintext])
            #expect(strict.isAccepted == expected.isEmpty)
        }
    }

    @Test("split packets round-trip through the reassembler", arguments: [UInt64(1), 2, 3])
    func splitRoundTrip(_ seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<30 {
            var generated = Self.generate(&rng)
            generated.edition = .hj2017
            generated.key = nil
            generated.ending = .crlf
            let whole = generated.builder
            let pieces = max(1, min(4, whole.readings.count))
            var chunked: [[Reading]] = Array(repeating: [], count: pieces)
            for (index, reading) in whole.readings.enumerated() { chunked[index % pieces].append(reading) }
            var stream: [UInt8] = []
            for (index, readings) in chunked.enumerated() {
                var piece = DataUploadBuilder(kind: whole.kind, dataTime: whole.dataTime, readings: readings, decimals: whole.decimals)
                    .packet(qn: "2024010100000000\(index)", st: generated.st, pw: generated.pw, mn: generated.mn, edition: .hj2017, answerWanted: true)
                if pieces > 1 {
                    piece.header.flag = PacketFlag(edition: .hj2017, answerWanted: true, split: true)
                    piece.header.pnum = pieces
                    piece.header.pno = index + 1
                }
                stream += piece.encode()
            }
            var reassembler = SplitReassembler()
            var merged: Packet?
            for event in scanAll(stream).events.shuffled(using: &rng) {
                let packet = PacketDecoder.decode(try #require(event.frame))
                #expect(packet.isAccepted)
                switch reassembler.add(packet, now: 0) {
                case .whole(let packet), .complete(let packet, _): merged = packet
                case .pending: break
                case .duplicatePiece: Issue.record("no piece was sent twice")
                }
            }
            let packet = try #require(merged)
            #expect(reassembler.pendingCount == 0)
            #expect(Set(packet.content.readings.map(\.rawCode)) == Set(whole.readings.map(\.code)))
            for sent in whole.readings {
                let got = try #require(packet.content.readings.first { $0.rawCode == sent.code })
                for suffix in Reading.numericSuffixes { #expect(got[numeric: suffix] == sent[numeric: suffix]) }
                #expect(got.flag == sent.flag)
            }
        }
    }
}
