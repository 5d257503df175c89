// Decode throughput of the protocol core on one core, release build:
//   swift run -c release decode-benchmark [--megabytes N] [--repeats N] [--only PREFIX] [--cpu-time]
// Figures are wall-clock, best of the repeats. --cpu-time adds the same figure measured in the
// thread's CPU time, which other processes on a busy machine disturb less (for comparing changes).
// The mix is realistic: 10-pollutant minute frames, real-time frames, 2005 frames, and
// SM4-encrypted 2025 frames. The target (design.md §4) is 400 MB/s for plain frames.
import Foundation
import HJ212

@main
struct DecodeBenchmark {
    static func main() {
        let arguments = CommandLine.arguments
        func option(_ name: String, _ fallback: Int) -> Int {
            guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return fallback }
            return Int(arguments[index + 1]) ?? fallback
        }
        let megabytes = option("--megabytes", 64)
        let repeats = option("--repeats", 5)
        let only = arguments.firstIndex(of: "--only").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
        let cpuTime = arguments.contains("--cpu-time")
        let key = SM4Key(hex: "30303030303030303030303030303030")!
        // Load the code tables before any timing (the first decode would otherwise pay for it).
        _ = CodeTables.shipped

        let minute = corpus(kind: .minuteGas, megabytes: megabytes, key: key)
        let mixed = only == nil || only == "plain" || only == "framing"
        let realtime = corpus(kind: .realtimeWater, megabytes: mixed || only == "real" ? megabytes : 0, key: key)
        let old = corpus(kind: .edition2005, megabytes: mixed || only == "2005" ? megabytes : 0, key: key)
        let plainMix = interleave([minute, realtime, old], megabytes: mixed ? megabytes : 0)
        let encrypted = corpus(kind: .encrypted2025, megabytes: only == nil || only == "encrypted" ? max(4, megabytes / 4) : 0, key: key)

        print("hj212 decode benchmark (release build, one core, best of \(repeats))")
        print("frames are scanned from 64 KiB reads, CRC-checked, header + CP parsed, readings typed")
        print("")
        var rows: [[String]] = []
        for (name, stream, decode) in [

            ("plain mix (minute 10-pollutant, real-time, 2005)", plainMix, true),
            ("minute frames, 10 pollutants (2017)", minute.bytes, true),
            ("real-time frames (2017)", realtime.bytes, true),
            ("2005 frames (old codes, no QN/Flag)", old.bytes, true),
            ("encrypted 2025 frames (SM4)", encrypted.bytes, true),
            ("framing only (plain mix, no decode)", plainMix, false),
        ] where only.map({ name.hasPrefix($0) }) ?? true {
            let result = measure(stream: stream, decode: decode, key: key, repeats: repeats)
            var row = [
                name, String(format: "%.1f", Double(stream.count) / 1_000_000 / result.seconds),
                String(format: "%.0f", Double(result.frames) / result.seconds), String(result.frames),
                String(format: "%.0f", result.seconds / Double(result.frames) * 1e9),
                String(format: "%.0f", Double(stream.count) / Double(result.frames)),
            ]
            if cpuTime { row.append(String(format: "%.1f", Double(stream.count) / 1_000_000 / result.cpuSeconds)) }
            rows.append(row)
        }
        var header = ["workload", "MB/s", "frames/s", "frames", "ns/frame", "bytes/frame"]
        if cpuTime { header.append("MB/s (CPU time)") }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max()! }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == 0 ? cell.padding(toLength: max(widths[0], header[0].count), withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: max(0, max(widths[index], header[index].count) - cell.count)) + cell
            }.joined(separator: "  ")
        }
        print(line(header))
        for row in rows { print(line(row)) }
        guard only == nil else { return }
        let plain = Double(rows[0][1]) ?? 0
        print("")
        print("target: 400 MB/s for plain frames -> \(plain >= 400 ? "met" : "NOT met") (\(rows[0][1]) MB/s)")
    }

    struct Result {
        /// The best repeat's wall-clock and thread CPU time.
        var seconds: Double
        var cpuSeconds: Double
        var frames: Int
    }

    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func measure(stream: [UInt8], decode: Bool, key: SM4Key, repeats: Int) -> Result {
        var best = Double.infinity
        var bestCPU = Double.infinity
        var frames = 0
        var accepted = 0
        let options = DecodeOptions(sm4Key: key)
        for _ in 0..<repeats {
            let start = ContinuousClock.now
            let startCPU = threadCPUSeconds()
            var scanner = FrameScanner()
            frames = 0
            accepted = 0
            var offset = 0
            while offset < stream.count {
                let end = min(stream.count, offset + 64 * 1024)
                scanner.append(stream[offset..<end])
                offset = end
                while let event = scanner.next() {
                    guard case .frame(let frame) = event else { continue }
                    frames += 1
                    if decode {
                        let packet = PacketDecoder.decode(frame, options: options)
                        if packet.isAccepted && !packet.content.readings.isEmpty { accepted += 1 }
                    } else {
                        accepted += 1
                    }
                }
            }
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            best = min(best, seconds)
            bestCPU = min(bestCPU, threadCPUSeconds() - startCPU)
        }
        precondition(frames > 0 && accepted == frames, "every benchmark frame must decode cleanly (\(accepted) of \(frames))")
        return Result(seconds: best, cpuSeconds: bestCPU, frames: frames)
    }

    enum Kind { case minuteGas, realtimeWater, edition2005, encrypted2025 }

    struct Corpus { var bytes: [UInt8]; var frameLengths: [Int] }

    static func corpus(kind: Kind, megabytes: Int, key: SM4Key) -> Corpus {
        var generator = SplitMix64(seed: 212)
        var bytes: [UInt8] = []
        var lengths: [Int] = []
        let target = megabytes * 1_000_000
        var minute = LocalDateTime(year: 2026, month: 11, day: 28, hour: 0)
        var device = 0
        while bytes.count < target {
            device = (device + 1) % 500
            let mn = "0100000A89000" + String(format: "%011d", device)
            let frame: [UInt8]
            switch kind {
            case .minuteGas:
                let codes = ["a34013", "a21026", "a21002", "a19001", "a00000", "a01011", "a01012", "a01013", "a01014", "a21005"]
                let readings = codes.map { code -> Reading in
                    var reading = Reading(code: code)
                    let base = generator.next(in: 1...400)
                    reading.min = base * 0.9
                    reading.avg = base
                    reading.max = base * 1.1
                    if ["a34013", "a21026", "a21002"].contains(code) {
                        reading.zsAvg = base * 1.2
                        reading.cou = base * 0.05
                    }
                    reading.flag = .normal
                    return reading
                }
                let decimals = Dictionary(uniqueKeysWithValues: codes.map { ($0, 2) })
                frame = DataUploadBuilder(kind: .minute, dataTime: minute, readings: readings, decimals: decimals)
                    .packet(qn: minute.hj212 + "000", st: "31", pw: "123456", mn: mn, edition: .hj2017, answerWanted: true)
                    .encode()
            case .realtimeWater:
                let codes = ["w01018", "w21003", "w21011", "w21001", "w01001", "w00000"]
                let readings = codes.map { code -> Reading in
                    var reading = Reading(code: code)
                    reading.rtd = generator.next(in: 0...120)
                    reading.flag = .normal
                    return reading
                }
                frame = DataUploadBuilder(kind: .realtime, dataTime: minute, readings: readings, decimals: Dictionary(uniqueKeysWithValues: codes.map { ($0, 3) }))
                    .packet(qn: minute.hj212 + "000", st: "32", pw: "123456", mn: mn, edition: .hj2017, answerWanted: false)
                    .encode()
            case .edition2005:
                let codes = ["B01", "011", "060", "101", "001"]
                let readings = codes.map { code -> Reading in
                    var reading = Reading(code: code)
                    reading.rtd = generator.next(in: 0...300)
                    reading.flag = .normal
                    return reading
                }
                var packet = DataUploadBuilder(kind: .realtime, dataTime: minute, readings: readings, decimals: Dictionary(uniqueKeysWithValues: codes.map { ($0, 2) }))
                    .packet(qn: nil, st: "32", pw: "123456", mn: "LD13013300" + String(format: "%04d", device), edition: .hj2005, answerWanted: false)
                packet.header.flag = nil
                frame = packet.encode()
            case .encrypted2025:
                let codes = ["a34013", "a21026", "a21002", "a19001", "a00000"]
                let readings = codes.map { code -> Reading in
                    var reading = Reading(code: code)
                    reading.avg = generator.next(in: 1...300)
                    reading.flag = .normal
                    return reading
                }
                frame = DataUploadBuilder(kind: .minute, dataTime: minute, readings: readings, decimals: Dictionary(uniqueKeysWithValues: codes.map { ($0, 2) }))
                    .packet(qn: minute.hj212 + "000", st: "31", pw: "123456", mn: mn, edition: .hj2025, answerWanted: true)
                    .encode(options: EncodeOptions(sm4Key: key))
            }
            bytes += frame
            lengths.append(frame.count)
            if device == 0 { minute = minute.adding(seconds: 60) }
        }
        return Corpus(bytes: bytes, frameLengths: lengths)
    }

    /// Frames of several corpora, one of each in turn.
    static func interleave(_ corpora: [Corpus], megabytes: Int) -> [UInt8] {
        var out: [UInt8] = []
        var offsets = Array(repeating: 0, count: corpora.count)
        var indices = Array(repeating: 0, count: corpora.count)
        while out.count < megabytes * 1_000_000 && corpora.allSatisfy({ !$0.frameLengths.isEmpty }) {
            for (which, corpus) in corpora.enumerated() where indices[which] < corpus.frameLengths.count {
                let length = corpus.frameLengths[indices[which]]
                out += corpus.bytes[offsets[which]..<(offsets[which] + length)]
                offsets[which] += length
                indices[which] += 1
            }
        }
        return out
    }
}

/// A small deterministic generator, so every run measures the same bytes.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func nextUInt64() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func next(in range: ClosedRange<Double>) -> Double {
        let unit = Double(nextUInt64() >> 11) / Double(1 << 53)
        return ((range.lowerBound + unit * (range.upperBound - range.lowerBound)) * 100).rounded() / 100
    }
}
