import Testing
@testable import HJ212

/// The strict policy refuses every deviation the lenient one tolerates.
@Suite("Strict policy")
struct StrictPolicyTests {
    static let strict = DecodeOptions(policy: .strict)

    @Test("a bare LF: accepted when lenient, refused when strict")
    func bareLF() throws {
        let text = try Fixtures.sample(containing: "CN=1062").frame
        let lenient = try decode(text, terminator: [0x0A])
        #expect(lenient.isAccepted)
        #expect(lenient.problem(.bareLineFeed)?.severity == .warning)
        let strict = try decode(text, terminator: [0x0A], options: Self.strict)
        #expect(!strict.isAccepted)
        #expect(strict.problem(.bareLineFeed)?.severity == .error)
        #expect(strict.errors.map(\.code) == [.bareLineFeed])
    }

    @Test("a lowercase CRC: accepted when lenient, refused when strict")
    func lowercaseCRC() throws {
        let text = try Fixtures.sample(containing: "MN=Y80110010000010;Flag=4;CP=&&DataTime=20191012133710;a21005").frame
        #expect(text.hasSuffix("cc01"))
        let lenient = try decode(text)
        #expect(lenient.isAccepted)
        #expect(lenient.crc.matched == .hj212)
        let strict = try decode(text, options: Self.strict)
        #expect(!strict.isAccepted)
        #expect(strict.crc.matched == .hj212, "the CRC itself is right")
        #expect(strict.errors.map(\.code) == [.crcLowercase])
    }

    @Test("missing terminator, wrong length and a missing Flag are refused when strict", arguments: [
        ("no CR LF", "CN=1062", "", [ProblemCode.missingTerminator]),
        ("no Flag", "ST=101", "\r\n", [.missingFlag]),
        ("PNO without D bit", "PNO=0002;PNUM=0002", "\r\n", [.missingFlag, .splitFieldsInconsistent]),
    ] as [(String, String, String, [ProblemCode])])
    func otherDeviations(_ name: String, _ fragment: String, _ terminator: String, _ codes: [ProblemCode]) throws {
        let text = try Fixtures.sample(containing: fragment).frame
        let lenient = try decode(text, terminator: bytes(terminator))
        #expect(lenient.isAccepted, "\(name)")
        let strict = try decode(text, terminator: bytes(terminator), options: Self.strict)
        #expect(!strict.isAccepted, "\(name)")
        #expect(Set(strict.errors.map(\.code)) == Set(codes), "\(name)")
    }

    @Test("a clean frame is accepted under both policies", arguments: DecodePolicy.allCases)
    func clean(_ policy: DecodePolicy) throws {
        let packet = try decode(Fixtures.sample(containing: "CN=1062").frame, options: DecodeOptions(policy: policy))
        #expect(packet.isAccepted)
        #expect(packet.problems.isEmpty)
    }

    @Test("the standard's own encrypted example stays acceptable under strict: its plaintext length is the standard's convention")
    func encryptedExampleStrict() throws {
        let packet = try decode(try Fixtures.example(2), options: DecodeOptions(policy: .strict, sm4Key: Fixtures.exampleKey))
        #expect(packet.problem(.lengthIsPlaintext)?.severity == .warning)
        #expect(packet.isAccepted, "\(packet.errors)")
    }

    @Test("a MODBUS quirk is still a deviation under strict")
    func variantStrict() throws {
        let sample = try #require(Fixtures.samples.first { $0.frame.hasSuffix("A6EC") })
        let packet = try decode(sample.frame, options: DecodeOptions(policy: .strict, extraCRCAlgorithms: [.modbusSwapped]))
        #expect(packet.crc.matched == .modbusSwapped)
        #expect(packet.errors.map(\.code).contains(.crcVariantAccepted))
        #expect(!packet.isAccepted)
    }

    @Test("DecodeOptions equality ignores the tables and compares the rest")
    func optionsEquality() {
        #expect(DecodeOptions() == DecodeOptions())
        #expect(DecodeOptions(policy: .strict) != DecodeOptions())
        #expect(DecodeOptions(sm4Key: Fixtures.exampleKey) != DecodeOptions())
        #expect(DecodeOptions(extraCRCAlgorithms: [.modbus]).hashValue == DecodeOptions(extraCRCAlgorithms: [.modbus]).hashValue)
    }
}
