import Foundation
import HJ212
import Testing
@testable import Store

@Suite("Reading codec: the records blob")
struct ReadingCodecTests {
    /// Entries as a record holds them: unique keys in byte order, some with their own provenance.
    static func entries(_ rng: inout SeededGenerator, count: Int) -> [PackedReading] {
        let readings = (0..<count).map { _ in Generated.anyReading(&rng) }
        let order = RecordMerge.newRecord(readings).order
        return order.map { index in
            let provenance = rng.chance(0.3) ? RecordProvenance(
                dataTime: rng.pick(["20261128080000", "20261128080000123"]), edition: rng.pick(["2005", "2017", "2025"]),
                backfill: Int.random(in: 0...2, using: &rng), receivedAtMillis: Int64.random(in: Int64.min...Int64.max, using: &rng),
                connection: rng.pick(Generated.texts), qn: rng.chance(0.5) ? rng.pick(["Q1", "", "二"]) : nil) : nil
            return PackedReading(readings[index], provenance: provenance)
        }
    }

    static func decode(_ bytes: [UInt8]) throws -> [PackedReading] {
        try bytes.withUnsafeBytes { try ReadingCodec.Reader.decodeAll($0) }
    }

    /// The same reading with NaN values as "not sent", as the store keeps them.
    static func stored(_ reading: Reading) -> Reading {
        var reading = reading
        for field in Reading.NumericField.allCases where reading[field]?.isNaN == true { reading[field] = nil }
        if reading.polId == "" { reading.polId = nil }
        return reading
    }

    @Test("round trip over generated readings: every field, values bit for bit", arguments: [1, 2, 3, 42, 2026] as [UInt64])
    func roundTrip(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<300 {
            let entries = Self.entries(&rng, count: Int.random(in: 0...12, using: &rng))
            let bytes = ReadingCodec.encode(entries)
            let back = try Self.decode(bytes)
            #expect(back.count == entries.count)
            for (sent, read) in zip(entries, back) {
                let expected = Self.stored(sent.reading)
                #expect(read.reading == expected)
                #expect(read.provenance == sent.provenance)
                for field in Reading.NumericField.allCases {
                    #expect(read.reading[field]?.bitPattern == expected[field]?.bitPattern, "\(field) of \(sent.reading.code)")
                }
                #expect(read.reading.other == sent.reading.other)
                #expect(read.reading.eFlag == sent.reading.eFlag)
                #expect(read.reading.sampleTime == sent.reading.sampleTime)
                #expect(read.reading.rawCode == sent.reading.rawCode)
            }
        }
    }

    @Test("empty optional fields, empty strings and a reading with nothing but a code")
    func emptyFields() throws {
        var bare = Reading(code: "")
        bare.eFlag = ""
        bare.sampleTime = ""
        bare.other = [.init(suffix: "", value: "")]
        let nothing = Reading(code: "a21026")
        let entries = [PackedReading(bare), PackedReading(nothing, provenance: RecordProvenance(
            dataTime: "", edition: "", backfill: 0, receivedAtMillis: 0, connection: "", qn: ""))]
        let back = try Self.decode(ReadingCodec.encode(entries))
        #expect(back == entries)
        #expect(back[0].reading.eFlag == "")
        #expect(back[0].reading.flag == nil)
        #expect(back[1].provenance?.qn == "")
        #expect(try Self.decode(ReadingCodec.encode([])).isEmpty)
    }

    @Test("NaN is kept as not sent; infinities, -0 and huge values exactly")
    func specialValues() throws {
        var reading = Reading(code: "a21026")
        reading.rtd = .nan
        reading.min = -.infinity
        reading.avg = -0.0
        reading.max = .greatestFiniteMagnitude
        reading.cou = .leastNonzeroMagnitude
        reading.zsRtd = Double(bitPattern: 0x7FF0_0000_0000_0001)  // a signalling NaN
        let back = try #require(try Self.decode(ReadingCodec.encode([PackedReading(reading)])).first?.reading)
        #expect(back.rtd == nil)
        #expect(back.zsRtd == nil)
        #expect(back.min == -.infinity)
        #expect(back.avg?.sign == .minus)
        #expect(back.avg == 0)
        #expect(back.max == .greatestFiniteMagnitude)
        #expect(back.cou == .leastNonzeroMagnitude)
    }

    @Test("decimals as devices send them are stored short; others as their bit pattern")
    func decimals() {
        #expect(ReadingCodec.decimal(8.47)! == (847, 2))
        #expect(ReadingCodec.decimal(124_630)! == (124_630, 0))
        #expect(ReadingCodec.decimal(-0.25)! == (-25, 2))
        #expect(ReadingCodec.decimal(0.0021)! == (21, 4))
        #expect(ReadingCodec.decimal(1e-9)! == (1, 9))
        #expect(ReadingCodec.decimal(0)! == (0, 0))
        #expect(ReadingCodec.decimal(-0.0) == nil)
        #expect(ReadingCodec.decimal(.infinity) == nil)
        #expect(ReadingCodec.decimal(1.0 / 3.0) == nil)
        #expect(ReadingCodec.decimal(0.1 + 0.2) == nil)
        #expect(ReadingCodec.decimal(1e300) == nil)
        #expect(ReadingCodec.decimal(9_007_199_254_740_992)! == (9_007_199_254_740_992, 0))

        // A CEMS reading of four decimals and a flag: header, code, mask, 4 short values, flag.
        var reading = Reading(code: "a21026")
        reading.min = 28.4
        reading.avg = 35.62
        reading.max = 41.9
        reading.zsAvg = 41.44
        reading.flag = .normal
        let bytes = ReadingCodec.encode([PackedReading(reading)])
        #expect(bytes.count == 2 + 1 + 7 + 2 + (2 + 3 + 2 + 3) + 2)
    }

    @Test("a blob that is not what the writer writes is refused, never misread")
    func malformed() throws {
        var rng = SeededGenerator(seed: 7)
        let entries = Self.entries(&rng, count: 8)
        let bytes = ReadingCodec.encode(entries)
        #expect(throws: ReadingCodecError.self) { try Self.decode([]) }
        // Every truncation fails (and none crashes).
        for length in 0..<bytes.count {
            #expect(throws: ReadingCodecError.self) { try Self.decode(Array(bytes[0..<length])) }
        }
        #expect(throws: ReadingCodecError.self) { try Self.decode(bytes + [0]) }
        var newer = bytes
        newer[0] = 2
        let error = #expect(throws: ReadingCodecError.self) { try Self.decode(newer) }
        #expect(error?.reason.contains("version 2") == true)

        var one = Reading(code: "a21026")
        one.rtd = 1
        let single = ReadingCodec.encode([PackedReading(one)])
        // [version, count, header, code length, "a21026", mask lo, mask hi, value]
        var unknownHeader = single
        unknownHeader[2] |= 0x80
        #expect(throws: ReadingCodecError.self) { try Self.decode(unknownHeader) }
        var unknownField = single
        unknownField[11] = 0x04
        #expect(throws: ReadingCodecError.self) { try Self.decode(unknownField) }
        var rawWithBits = single
        rawWithBits[12] = 0x1F
        #expect(throws: ReadingCodecError.self) { try Self.decode(rawWithBits) }
    }

    @Test("reading one code skips the others and stops after it", arguments: [5, 6] as [UInt64])
    func oneCode(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<200 {
            let entries = Self.entries(&rng, count: Int.random(in: 0...12, using: &rng))
            let bytes = ReadingCodec.encode(entries)
            for code in Generated.codes + ["i12001", "", "zzz", "a"] {
                let found = try bytes.withUnsafeBytes { buffer in
                    var reader = try ReadingCodec.Reader(buffer)
                    var found: [PackedReading] = []
                    while let entry = try reader.next(code: Array(code.utf8)) { found.append(entry) }
                    return found
                }
                let expected = try Self.decode(bytes).filter { ReadingCodec.compareBytes($0.reading.code, code) == 0 }
                #expect(found == expected)
            }
        }
    }

    @Test("DataTime digits match LocalDateTime.hj212; out-of-range fields fall back")
    func dataTimeDigits() {
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<2000 {
            var time = LocalDateTime(secondsSinceEpochIgnoringZone: Int64.random(in: -62_000_000_000...250_000_000_000, using: &rng))
            if rng.chance(0.5) { time.millisecond = Int.random(in: 0...999, using: &rng) }
            let digits = withUnsafeTemporaryAllocation(byteCount: DataTimeDigits.capacity, alignment: 1) { buffer in
                DataTimeDigits.write(time, into: buffer).map { String(decoding: UnsafeRawBufferPointer(rebasing: buffer[0..<$0]), as: UTF8.self) }
            }
            if (0...9999).contains(time.year) {
                #expect(digits == time.hj212)
            } else {
                #expect(digits == nil)
            }
        }
    }
}
