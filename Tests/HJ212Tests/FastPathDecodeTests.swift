import Testing
@_spi(Readers) @testable import HJ212

/// Whole frames decoded with the fast readers and with the general readers only: the packets
/// must be the same. The inputs are what the fuzzer's differential check found.
@Suite("Fast and general readers decode whole frames the same")
struct FastPathDecodeTests {
    static let findings: [[UInt8]] = [
        // A key with a NUL byte after it: zero-padded words took "QN\0" for "QN".
        Array("##0094QN\u{0}=\u{0}&&CC01\n".utf8),
        Array("##0080QN=20240101000000000;ST\u{0}=32;CN=2011;PW=1;MN=M1;Flag=5;CP=&&DataTime=20240101000000&&ABCD\r\n".utf8),
        Array("##0080QN=20240101000000000;ST=32;CN=2011;PW=1;MN=M1;PNO\u{0}=1;CP=&&DataTime=20240101000000&&ABCD\r\n".utf8),
        // A suffix with NUL bytes after it: "Flag\0\0" was read as Flag.
        Array("##0100QN=20220513162608123;ST=22;CN=2011;PW=1;MN=M1;Flag=4;CP=&&DataTime=20220513162600;a21004-Avg=4,a21004-Flag\u{0}\u{0}=N;a05024-Avg=6&&ABCD\r\n".utf8),
    ]

    @Test("fuzzer findings", arguments: findings.indices)
    func finding(index: Int) {
        var scanner = FrameScanner()
        scanner.append(Self.findings[index][...])
        for event in scanner.drain(endOfInput: true) {
            guard case .frame(let frame) = event else { continue }
            let fast = PacketDecoder.decode(frame)
            var options = DecodeOptions()
            options.usesFastReaders = false
            let general = PacketDecoder.decode(frame, options: options)
            #expect(fast.header == general.header, "\(fast.header) vs \(general.header)")
            #expect(fast.problems == general.problems, "\(fast.problems) vs \(general.problems)")
            #expect(fast.content == general.content, "\(fast.content) vs \(general.content)")
            #expect(fast == general)
        }
    }
}
