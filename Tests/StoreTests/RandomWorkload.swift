import Foundation
import HJ212
@testable import Store

/// SplitMix64: the same seed gives the same sequence on every run and platform.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D4_9BB4_6113_3AC6
        return z ^ (z >> 31)
    }

    mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &self) < probability }

    mutating func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &self)] }
}

/// Generated readings and frames, with the awkward cases the store must keep exactly.
enum Generated {
    /// Values with every kind of trouble: decimals, -0, infinities, NaN, huge, tiny, inexact.
    static let values: [Double] = [
        0, -0.0, 8.47, 124_630, -0.25, 1e-9, 1e300, -1e300, .infinity, -.infinity, .nan, 1.0 / 3.0, 0.1 + 0.2,
        12_345_678.9012, .greatestFiniteMagnitude, .leastNonzeroMagnitude, 9_007_199_254_740_994, 4_611_686_018_427_387_904,
        3.141592653589793, 99.125, -131_020.5, 0.0021,
    ]

    /// Texts for EFlag, SampleTime and other suffixes: empty, unicode, quotes, control characters.
    static let texts: [String] = ["", "E1", "中文", "quote \" back\\slash", "🌫 e\u{301}", "tab\t\n", "很长的说明文字", "x"]

    /// Codes: short ASCII (the packed-key path), longer or non-ASCII ones (the string path),
    /// prefixes and case variants whose order must follow bytes.
    static let codes: [String] = [
        "a21026", "a21002", "a01011", "a19001", "w01018", "a2102", "A21026", "a34013-extra-long", "é01", "a00000",
    ]

    static func value(_ rng: inout SeededGenerator) -> Double {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return rng.pick(values)
        case 1: return Double(Int.random(in: -100_000...100_000, using: &rng)) / 100
        case 2: return Double(bitPattern: rng.next())
        default: return Double(Int.random(in: -1_000_000_000...1_000_000_000, using: &rng))
        }
    }

    static func reading(code: String, polId: String? = nil, _ rng: inout SeededGenerator) -> Reading {
        var reading = Reading(code: code, rawCode: rng.chance(0.2) ? rng.pick(["02", "SO2-原", code + "x"]) : nil, polId: polId)
        for field in Reading.NumericField.allCases where rng.chance(0.35) {
            reading[field] = value(&rng)
        }
        if rng.chance(0.8) {
            reading.flag = rng.pick([DataFlag.normal, .overRange, .maintenance, .unknown("X9"), .unknown("中"), .stopped])
        }
        if rng.chance(0.2) { reading.eFlag = rng.pick(texts) }
        if rng.chance(0.2) { reading.sampleTime = rng.pick(["20261128075500", "", "不是时间"]) }
        if rng.chance(0.2) {
            reading.other = (0..<Int.random(in: 1...3, using: &rng)).map { _ in
                Reading.SuffixValue(suffix: rng.pick(["Ala", "Info", "乙"]), value: rng.pick(texts))
            }
        }
        return reading
    }

    /// A random reading with a random code (PolId on `i12001` device information).
    static func anyReading(_ rng: inout SeededGenerator) -> Reading {
        if rng.chance(0.1) {
            return reading(code: "i12001", polId: rng.pick(["w01018", "w21003", ""]), &rng)
        }
        return reading(code: rng.pick(codes), &rng)
    }
}

/// A random stream of uploads with the situations ingest meets: new records, exact resends,
/// resends with changed values or flags, other pieces of a record (new pollutants, other
/// provenance), repeated keys inside one frame, QN-less 2005 frames, DataTimes with milliseconds.
struct RandomWorkload {
    static let devices = ["010000A8900016F000169DC0", "LD130133000015", "设备-MN-3"]
    static let kinds: [DataKind] = [.realtime, .minute, .hour, .info]

    var rng: SeededGenerator
    private(set) var sent: [IngestFrame] = []
    private var sequence = 0

    init(seed: UInt64) { rng = SeededGenerator(seed: seed) }

    mutating func nextBatch() -> [IngestFrame] {
        (0..<Int.random(in: 1...6, using: &rng)).map { _ in nextFrame() }
    }

    mutating func nextFrame() -> IngestFrame {
        sequence += 1
        let roll = Double.random(in: 0..<1, using: &rng)
        var frame: IngestFrame
        if !sent.isEmpty, roll < 0.15 {
            frame = rng.pick(sent)  // exact resend
        } else if !sent.isEmpty, roll < 0.3 {
            frame = rng.pick(sent)  // resend with changes
            if !frame.readings.isEmpty {
                let index = Int.random(in: 0..<frame.readings.count, using: &rng)
                if rng.chance(0.5) {
                    frame.readings[index].rtd = Generated.value(&rng)
                } else {
                    frame.readings[index].flag = rng.pick([DataFlag.fault, .calibration, .normal])
                }
            }
            frame.qn = frame.qn.map { _ in "R\(sequence)" }
            frame.receivedAtMillis += 1000
        } else if !sent.isEmpty, roll < 0.45 {
            frame = rng.pick(sent)  // another piece under the same key
            frame.readings = (0..<Int.random(in: 1...4, using: &rng)).map { _ in Generated.anyReading(&rng) }
            frame.qn = frame.qn.map { _ in "P\(sequence)" }
            frame.connection = rng.pick(["node2/\(sequence)", frame.connection])
            frame.receivedAtMillis += Int64.random(in: 0...2, using: &rng) * 500
            frame.edition = rng.pick([frame.edition, .hj2025])
            frame.backfill = rng.pick([frame.backfill, .rf])
            if rng.chance(0.3) { frame.dataTime.millisecond = Int.random(in: 0...999, using: &rng) }
        } else {
            frame = newFrame()
        }
        sent.append(frame)
        return frame
    }

    private mutating func newFrame() -> IngestFrame {
        let kind = rng.pick(Self.kinds)
        let unix = Sample.base + 60 * Int64.random(in: -70...70, using: &rng)
        var readings = (0..<Int.random(in: 0...7, using: &rng)).map { _ in Generated.anyReading(&rng) }
        if !readings.isEmpty, rng.chance(0.15) {
            // A key repeated inside the frame (2005 code mapping), same or other values.
            var repeated = rng.pick(readings)
            if rng.chance(0.5) { repeated.avg = Generated.value(&rng) }
            readings.append(repeated)
        }
        let edition = rng.pick([Edition.hj2005, .hj2017, .hj2025])
        let qn: String? = edition == .hj2005 && rng.chance(0.7) ? nil : "Q\(sequence)"
        return IngestFrame(
            mn: rng.pick(Self.devices), qn: qn, cn: kind.cn, kind: kind,
            dataTime: Sample.time(unix, millisecond: rng.chance(0.2) ? Int.random(in: 0...999, using: &rng) : nil),
            dataTimeUnix: unix, edition: edition, backfill: rng.pick([Backfill.live, .rf, .historyAnswer]),
            receivedAtMillis: 1_795_824_000_000 + Int64(sequence) * 250, connection: rng.pick(["node1/7", "节点/2"]),
            peer: "10.0.0.7:40001", readings: readings)
    }

    /// Random reading queries over what the workload can produce.
    mutating func queries(_ count: Int) -> [ReadingQuery] {
        var result: [ReadingQuery] = [ReadingQuery()]
        for _ in 0..<count {
            let since: Int64? = rng.chance(0.4) ? Sample.base + 60 * Int64.random(in: -80...80, using: &rng) : nil
            result.append(ReadingQuery(
                mn: rng.chance(0.7) ? rng.pick(Self.devices + ["NOSUCHMN"]) : nil,
                pollutant: rng.chance(0.4) ? rng.pick(Generated.codes + ["i12001", "zzz"]) : nil,
                kind: rng.chance(0.6) ? rng.pick(Self.kinds + [.day]) : nil,
                since: since,
                until: rng.chance(0.4) ? (since ?? Sample.base) + 60 * Int64.random(in: -10...100, using: &rng) : nil,
                limit: rng.chance(0.4) ? Int.random(in: -1...25, using: &rng) : nil))
        }
        return result
    }
}
