// libFuzzer entry point: every input is fed to the frame scanner in chunks and every frame it
// finds is decoded, with and without an SM4 key, under both policies, and once more with the
// general readers only, which must give the same packet as the fast paths. libFuzzer reports
// any crash (a disagreement is one), hang or memory growth. Build and run: see README.md,
// "Fuzzing".
@_spi(Readers) import HJ212

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
        let packet = PacketDecoder.decode(frame)
        var general = DecodeOptions()
        general.usesFastReaders = false
        precondition(packet == PacketDecoder.decode(frame, options: general), "the fast readers and the general ones read this frame differently")
        _ = PacketDecoder.decode(frame, options: DecodeOptions(policy: .strict, extraCRCAlgorithms: [.modbus, .modbusSwapped], sm4Key: fuzzKey))
    }
    return 0
}

#if FUZZING
// Built with -sanitize=fuzzer: SwiftPM links the module's entry point as `main`, so hand
// control to libFuzzer's driver from there.
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32
) -> Int32

@_cdecl("HJ212Fuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { fuzzOneInput($0, $1) }
}
#else
import Foundation

/// Without the fuzzer: replays the files named on the command line through the same entry
/// point, so a crash file from a fuzzing run becomes a reproducible case.
@main
struct FuzzReplay {
    static func main() {
        var replayed = 0
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
                continue
            }
            let bytes = [UInt8](data)
            _ = bytes.withUnsafeBufferPointer { buffer in
                fuzzOneInput(buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!, buffer.count)
            }
            replayed += 1
        }
        print("replayed \(replayed) input(s) without a crash")
    }
}
#endif
