import Foundation
import Testing
@testable import HJ212

// Helpers shared by the HJ212 tests: fixture loading, framing and decoding shortcuts, a seeded RNG.

/// One frame of `Fixtures/samples.txt`, with the CRC verdict recorded next to it.
struct Sample: Sendable, CustomTestStringConvertible {
    var index: Int
    var source: String
    var crcOK: Bool
    var frame: String

    var testDescription: String { "#\(index) \(crcOK ? "ok" : "bad") \(frame.prefix(48))…" }
}

/// One packet of `Fixtures/hj212-2025-examples.txt`.
struct NamedFrame: Sendable {
    var name: String
    var frame: String
}

struct FixtureError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

enum Fixtures {
    static func text(_ name: String) throws -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Fixtures") else {
            throw FixtureError(message: "fixture \(name).txt is missing from the test bundle")
        }
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// Every frame of samples.txt, in file order.
    static let samples: [Sample] = (try? loadSamples()) ?? []

    static func loadSamples() throws -> [Sample] {
        var result: [Sample] = []
        var source: String?
        var crc: Bool?
        for line in try text("samples").split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("# source: ") {
                source = String(line.dropFirst("# source: ".count))
            } else if line.hasPrefix("# crc: ") {
                crc = line.hasSuffix("ok")
            } else if line.hasPrefix("##") {
                guard let source, let crc else { continue }
                result.append(Sample(index: result.count, source: source, crcOK: crc, frame: String(line)))
            }
        }
        return result
    }

    /// The sample whose frame contains `fragment` (exactly one must).
    static func sample(containing fragment: String, crcOK: Bool = true) throws -> Sample {
        let matches = samples.filter { $0.frame.contains(fragment) && $0.crcOK == crcOK }
        try #require(matches.count == 1, "expected one sample containing \(fragment), found \(matches.count)")
        return matches[0]
    }

    /// The 2025 standard's Appendix A examples, in file order.
    static let examples2025: [NamedFrame] = (try? loadExamples()) ?? []

    static func loadExamples() throws -> [NamedFrame] {
        var result: [NamedFrame] = []
        var name: String?
        for line in try text("hj212-2025-examples").split(separator: "\n") {
            if line.hasPrefix("# name: ") {
                name = String(line.dropFirst("# name: ".count))
            } else if line.hasPrefix("##"), let name {
                result.append(NamedFrame(name: name, frame: String(line)))
            }
        }
        return result
    }

    /// A.1, A.2 examples 1–4, by position.
    static func example(_ index: Int) throws -> String {
        try #require(examples2025.count == 5, "the 2025 fixture should hold five packets")
        return examples2025[index].frame
    }

    /// The test key of the 2025 examples: sixteen ASCII '0'.
    static let exampleKey = SM4Key(hex: "30303030303030303030303030303030")!
}

/// Bytes of a string (UTF-8).
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// CR LF.
let crlf: [UInt8] = [0x0D, 0x0A]

/// Runs bytes through a fresh scanner and returns every event (flushing at the end).
func scanAll(_ input: [UInt8], options: FramingOptions = FramingOptions(), endOfInput: Bool = true) -> (events: [FrameScanner.Event], scanner: FrameScanner) {
    var scanner = FrameScanner(options: options)
    scanner.append(input)
    var events = scanner.drain()
    if endOfInput { events += scanner.drain(endOfInput: true) }
    return (events, scanner)
}

extension FrameScanner.Event {
    var frame: RawFrame? {
        if case .frame(let frame) = self { return frame }
        return nil
    }

    var malformed: MalformedFrame? {
        if case .malformed(let malformed) = self { return malformed }
        return nil
    }
}

/// Frames one complete frame (the text, plus `terminator`), requiring exactly one frame and nothing else.
func rawFrame(_ text: String, terminator: [UInt8] = crlf, endOfInput: Bool = false) throws -> RawFrame {
    var scanner = FrameScanner()
    scanner.append(bytes(text) + terminator)
    var events = scanner.drain()
    if endOfInput { events += scanner.drain(endOfInput: true) }
    try #require(events.count == 1, "expected exactly one event, got \(events)")
    #expect(scanner.skippedBytes == 0)
    #expect(scanner.bufferedByteCount == 0)
    return try #require(events[0].frame, "expected a frame, got \(events[0])")
}

/// Frames and decodes one frame.
func decode(_ text: String, terminator: [UInt8] = crlf, options: DecodeOptions = DecodeOptions()) throws -> Packet {
    PacketDecoder.decode(try rawFrame(text, terminator: terminator, endOfInput: terminator.isEmpty), options: options)
}

/// A frame for a data segment with the correct length and HJ 212 CRC, CR LF not included.
func framed(_ segment: String) -> String {
    String(decoding: PacketEncoder.frame(segment: bytes(segment), terminator: false), as: UTF8.self)
}

extension Packet {
    var problemCodes: [ProblemCode] { problems.map(\.code) }
    func has(_ code: ProblemCode) -> Bool { problems.contains { $0.code == code } }
    func problem(_ code: ProblemCode) -> Problem? { problems.first { $0.code == code } }
}

/// SplitMix64: a tiny, fast, seedable generator, so the property tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The reference HJ 212 CRC of hj212-reference.md §2.2, written independently of `CRC16`,
/// bit by bit, to check the table-driven implementation and the expected frames.
func referenceCRC(_ data: [UInt8]) -> UInt16 {
    var register: UInt16 = 0xFFFF
    for byte in data {
        register = (register >> 8) ^ UInt16(byte)
        for _ in 0..<8 {
            let carry = register & 1
            register >>= 1
            if carry == 1 { register ^= 0xA001 }
        }
    }
    return register
}

/// The reference CRC-16/MODBUS, bit by bit.
func referenceMODBUS(_ data: [UInt8]) -> UInt16 {
    var register: UInt16 = 0xFFFF
    for byte in data {
        register ^= UInt16(byte)
        for _ in 0..<8 {
            let carry = register & 1
            register >>= 1
            if carry == 1 { register ^= 0xA001 }
        }
    }
    return register
}
