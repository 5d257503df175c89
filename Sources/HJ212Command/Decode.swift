import ArgumentParser
import Foundation
import HJ212
import Reports
import LocalTime

extension HJ212Command {
    /// `hj212 decode`: what did this device send?
    struct Decode: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decode HJ 212 frames and say what is right and wrong with each.",
            discussion: """
                Input is one frame per line (a log, or frames pasted from one), or a raw capture \
                with --raw. Every frame gets a verdict: ACCEPTED (perhaps with warnings) or REFUSED \
                (with errors), each problem with its byte offset or field.

                --format json prints one JSON object per frame, one per line (JSON Lines).
                Exit status: 0 when the input was read (whatever the verdicts; see --fail-on-refused), \
                1 for unreadable input, 64 for usage errors.
                """
        )

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case table, json
        }

        @Argument(help: "A file of frames, or - for standard input.")
        var input: String = "-"

        @Option(help: "Output format: table or json.")
        var format: Format = .table

        @Option(help: "The device's SM4 key as 32 hex digits, for HJ 212-2025 encrypted data areas.")
        var key: String?

        @Option(help: "Also accept this CRC variant (modbus, modbus-swapped), as for a device with that quirk.")
        var crc: [CRCAlgorithm] = []

        @Flag(help: "Refuse every deviation from the standard instead of warning.")
        var strict = false

        @Flag(help: "Read the input as a raw byte stream instead of one frame per line.")
        var raw = false

        @Option(help: "The time zone device times are in.")
        var timezone = "Asia/Shanghai"

        @Option(help: "The frame size cap in bytes.")
        var maxFrameBytes = 10 * 1024

        @Flag(help: "Exit with status 2 when any frame is refused.")
        var failOnRefused = false

        func validate() throws {
            if let key, SM4Key(hex: key) == nil {
                throw ValidationError("--key must be 32 hex digits (a 128-bit SM4 key), e.g. 30303030303030303030303030303030")
            }
            if LocalTimeZone(identifier: timezone) == nil {
                throw ValidationError("--timezone \(timezone) is not a known time zone; use e.g. Asia/Shanghai")
            }
        }

        func run() async throws {
            let options = DecodeOptions(
                policy: strict ? .strict : .lenient, extraCRCAlgorithms: Set(crc),
                sm4Key: key.flatMap(SM4Key.init(hex:)))
            let report = DecodeReport(timeZone: LocalTimeZone(identifier: timezone) ?? .beijing)
            var scanner = FrameScanner(options: FramingOptions(maximumFrameBytes: maxFrameBytes))
            var lines = LineSplitter()
            var index = 0
            var refused = 0
            let output = StandardOutput()

            func emit(_ events: [FrameScanner.Event]) {
                for event in events {
                    index += 1
                    switch event {
                    case .frame(let frame):
                        let packet = PacketDecoder.decode(frame, options: options)
                        if !packet.isAccepted { refused += 1 }
                        output.write(format == .json
                            ? report.json(packet, frame: frame).serialized()
                            : report.text(packet, frame: frame, index: index) + "\n")
                    case .malformed(let malformed):
                        refused += 1
                        output.write(format == .json
                            ? report.json(malformed).serialized()
                            : report.text(malformed, index: index) + "\n")
                    }
                }
            }

            let source: InputSource
            do {
                source = try InputSource(path: input)
            } catch {
                throw CLIError("cannot read \(input): \(error.localizedDescription)")
            }
            while let chunk = source.read() {
                if raw {
                    scanner.append(chunk)
                } else {
                    for line in lines.feed(chunk) { scanner.append(line) }
                }
                emit(scanner.drain())
            }
            if !raw, let last = lines.finish() { scanner.append(last) }
            emit(scanner.drain(endOfInput: true))
            if index == 0 && format == .table {
                output.write("No HJ 212 frame (\"##\" + 4-digit length) was found in the input.")
            }
            if scanner.skippedBytes > 0 && format == .table {
                output.write("\(scanner.skippedBytes) byte(s) outside frames were skipped.")
            }
            if failOnRefused && refused > 0 { throw ExitCode(2) }
        }
    }
}

extension CRCAlgorithm: ExpressibleByArgument {}

/// Splits input into lines and gives each back with CR LF, so a file with one frame per line
/// reads like the wire, whatever line endings the file has.
struct LineSplitter {
    private var pending: [UInt8] = []

    mutating func feed(_ chunk: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        for byte in chunk {
            if byte == UInt8(ascii: "\n") {
                lines.append(terminated(pending))
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
            }
        }
        return lines
    }

    mutating func finish() -> [UInt8]? {
        defer { pending = [] }
        return pending.isEmpty ? nil : terminated(pending)
    }

    private func terminated(_ line: [UInt8]) -> [UInt8] {
        var line = line
        while let last = line.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: " ") || last == 0x09 { line.removeLast() }
        guard !line.isEmpty else { return [] }
        return line + [0x0D, 0x0A]
    }
}
