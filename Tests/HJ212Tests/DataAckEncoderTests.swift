import Testing
@testable import HJ212

/// The gateway's fast 9014 must be the bytes of the general answer, for every header.
@Suite("Encoded 9014 answers")
struct DataAckEncoderTests {
    @Test("the §6.4 answer to sample #2, both ways")
    func sample() throws {
        let upload = try decode(Fixtures.sample(containing: "CN=2061").frame)
        #expect(Reply.encodedDataAck(to: upload.header, edition: upload.edition)
            == Reply.dataAck(to: upload.header, edition: upload.edition).encode())
    }

    @Test("random headers of every edition: the same bytes as dataAck(to:edition:).encode()")
    func randomHeaders() {
        var rng = SplitMix64(seed: 9014)
        let alphabet = Array("0123456789ABCDEFabcdefXYZ-_.".utf8)
        func text(_ lengths: ClosedRange<Int>) -> String? {
            let length = Int.random(in: lengths, using: &rng)
            if length < 0 { return nil }
            return String(decoding: (0..<length).map { _ in alphabet.randomElement(using: &rng)! }, as: UTF8.self)
        }
        var fast = 0
        for _ in 0..<2_000 {
            // Missing fields (-1), empty ones, and values longer than the header keeps inline (32).
            let header = Header(
                qn: text(-1...40), st: text(1...2), cn: "2051", pw: text(-1...36), mn: text(-1...40),
                flag: Bool.random(using: &rng) ? PacketFlag(rawValue: UInt8.random(in: 0...63, using: &rng)) : nil)
            for edition in Edition.allCases {
                let expected = Reply.dataAck(to: header, edition: edition).encode()
                #expect(Reply.encodedDataAck(to: header, edition: edition) == expected, "\(header) \(edition)")
                if edition != .hj2005, header.qn != nil, header.pw != nil, header.mn != nil { fast += 1 }
            }
        }
        // Most of them take the fast path.
        #expect(fast > 500)
    }
}
