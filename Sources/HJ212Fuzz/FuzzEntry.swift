// libFuzzer entry point: every input is fed to the frame scanner in chunks and every frame it
// finds is decoded, with and without an SM4 key, under both policies. libFuzzer reports any
// crash, hang or memory growth. Build and run: see README.md, "Fuzzing".
import HJ212

private let fuzzKey = SM4Key(hex: "30303030303030303030303030303030")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var scanner = FrameScanner(options: FramingOptions(maximumFrameBytes: 4096))
    // Split the input where its first byte says, to exercise partial reads.
    let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    var events: [FrameScanner.Event] = []
    scanner.append(bytes[..<split])
    events += scanner.drain()
    scanner.append(bytes[split...])
    events += scanner.drain()
    events += scanner.drain(endOfInput: true)
    precondition(scanner.bufferedByteCount <= 4096 + bytes.count, "scanner holds more than the cap")
    for event in events {
        guard case .frame(let frame) = event else { continue }
        _ = PacketDecoder.decode(frame)
        _ = PacketDecoder.decode(frame, options: DecodeOptions(policy: .strict, extraCRCAlgorithms: [.modbus, .modbusSwapped], sm4Key: fuzzKey))
    }
    return 0
}
