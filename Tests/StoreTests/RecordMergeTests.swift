import HJ212
import Testing
@testable import Store

@Suite("Record merge: per-reading idempotence inside a record")
struct RecordMergeTests {
    /// The v1 semantics written out plainly: readings in frame order, the first value of a key
    /// kept, later ones duplicates (same values and flag) or conflicts.
    static func model(stored: [Reading], incoming: [Reading]) -> (kept: [Reading], inserted: Int, duplicates: Int, conflicts: [Int]) {
        var kept = stored
        var inserted = 0
        var duplicates = 0
        var conflicts: [Int] = []
        for (index, reading) in incoming.enumerated() {
            if let first = kept.first(where: { ReadingCodec.compareKeys($0, reading) == 0 }) {
                if RecordMerge.sameValues(kept: first, sent: reading) { duplicates += 1 } else { conflicts.append(index) }
            } else {
                kept.append(reading)
                inserted += 1
            }
        }
        kept.sort { ReadingCodec.compareKeys($0, $1) < 0 }
        return (kept, inserted, duplicates, conflicts)
    }

    /// A reading that equals itself: NaN (which never equals anything) as not sent.
    static func comparable(_ reading: Reading) -> Reading {
        var reading = reading
        for field in Reading.NumericField.allCases where reading[field]?.isNaN == true { reading[field] = nil }
        return reading
    }

    static func readings(_ rng: inout SeededGenerator) -> [Reading] {
        var readings = (0..<Int.random(in: 0...10, using: &rng)).map { _ in Generated.anyReading(&rng) }
        for _ in 0..<Int.random(in: 0...3, using: &rng) where !readings.isEmpty {
            var repeated = rng.pick(readings)
            if rng.chance(0.5) { repeated.rtd = Generated.value(&rng) }
            if rng.chance(0.3) { repeated.eFlag = "other" }  // not compared
            readings.insert(repeated, at: Int.random(in: 0...readings.count, using: &rng))
        }
        return readings
    }

    @Test("a new record: key order by bytes, first value kept, repeats counted", arguments: [1, 2, 3, 4] as [UInt64])
    func newRecord(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<500 {
            let readings = Self.readings(&rng)
            let record = RecordMerge.newRecord(readings)
            let expected = Self.model(stored: [], incoming: readings)
            #expect(record.order.map { Self.comparable(readings[$0]) } == expected.kept.map(Self.comparable))
            #expect(record.order.count == expected.inserted)
            #expect(record.duplicates == expected.duplicates)
            #expect(record.conflicts == expected.conflicts)
            // The first occurrence is the one kept.
            for index in record.order {
                #expect(!readings[..<index].contains { ReadingCodec.compareKeys($0, readings[index]) == 0 })
            }
        }
    }

    @Test("merging into a stored record", arguments: [5, 6, 7] as [UInt64])
    func merge(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let provenance = RecordProvenance(dataTime: "20261128080000", edition: "2017", backfill: 0, receivedAtMillis: 5, connection: "c", qn: "Q2")
        for _ in 0..<500 {
            let first = Self.readings(&rng)
            let stored = RecordMerge.newRecord(first).order.map { PackedReading(first[$0]) }
            let incoming = Self.readings(&rng) + (rng.chance(0.5) ? stored.prefix(2).map(\.reading) : [])
            let own: RecordProvenance? = rng.chance(0.5) ? provenance : nil
            let merged = RecordMerge.merge(stored: stored, incoming: incoming, provenance: own)
            let expected = Self.model(stored: stored.map(\.reading), incoming: incoming)
            #expect(merged.entries.map { Self.comparable($0.reading) } == expected.kept.map(Self.comparable))
            #expect(merged.inserted == expected.inserted)
            #expect(merged.duplicates == expected.duplicates)
            #expect(merged.conflicts == expected.conflicts)
            // Stored readings keep theirs; merged ones carry the frame's when it differs.
            for entry in merged.entries {
                let wasStored = stored.contains { ReadingCodec.compareKeys($0.reading, entry.reading) == 0 }
                #expect(entry.provenance == (wasStored ? nil : own))
            }
        }
    }

    @Test("keys order by UTF-8 bytes: prefixes first, capitals before small letters, PolId after none")
    func byteOrder() {
        let codes = ["a21026", "a2102", "A21026", "é01", "a34013-extra-long", "a21026\u{301}", "Z"]
        let readings = codes.map { Reading(code: $0) } + [Reading(code: "a21026", polId: "w01018"), Reading(code: "a21026", polId: "")]
        let order = RecordMerge.newRecord(readings).order.map { readings[$0] }
        #expect(order.map(\.code) == ["A21026", "Z", "a2102", "a21026", "a21026", "a21026\u{301}", "a34013-extra-long", "é01"])
        #expect(order[3].polId == nil)  // "" and nil are one key: the first kept
        #expect(order[4].polId == "w01018")
        #expect(RecordMerge.newRecord(readings).duplicates == 1)
        // Canonically equivalent spellings are different keys, as in SQLite.
        #expect(ReadingCodec.compareBytes("é", "e\u{301}") != 0)
    }

    @Test("packed keys order exactly like the bytes of short codes")
    func packedKeys() {
        var rng = SeededGenerator(seed: 9)
        let alphabet = Array("aAzZ019-é中".unicodeScalars)
        for _ in 0..<5000 {
            func code() -> String {
                var text = ""
                for _ in 0..<Int.random(in: 0...6, using: &rng) { text.unicodeScalars.append(rng.pick(alphabet)) }
                return text
            }
            let a = Reading(code: code())
            let b = Reading(code: code())
            guard let ka = RecordMerge.packedKey(a), let kb = RecordMerge.packedKey(b) else {
                #expect(a.code.utf8.count > 8 || b.code.utf8.count > 8)
                continue
            }
            let bytes = ReadingCodec.compareBytes(a.code, b.code)
            #expect((ka < kb) == (bytes < 0))
            #expect((ka == kb) == (bytes == 0))
        }
        #expect(RecordMerge.packedKey(Reading(code: "a\u{0}1")) == nil)
        #expect(RecordMerge.packedKey(Reading(code: "a21026", polId: "w01018")) == nil)
        #expect(RecordMerge.packedKey(Reading(code: "a21026", polId: "")) == RecordMerge.packedKey(Reading(code: "a21026")))
    }

    @Test("values compare as v1 did: NaN as not sent, -0 equal to 0, flag by its letters")
    func sameValues() {
        var kept = Reading(code: "a21026")
        kept.rtd = 0
        kept.flag = .normal
        var sent = kept
        sent.rtd = -0.0
        #expect(RecordMerge.sameValues(kept: kept, sent: sent))
        sent.avg = .nan
        #expect(RecordMerge.sameValues(kept: kept, sent: sent))
        sent.flag = .unknown("N")
        #expect(RecordMerge.sameValues(kept: kept, sent: sent))
        sent.flag = nil
        #expect(!RecordMerge.sameValues(kept: kept, sent: sent))
        sent = kept
        sent.eFlag = "E1"
        sent.other = [.init(suffix: "Ala", value: "1")]
        sent.rawCode = "02"
        #expect(RecordMerge.sameValues(kept: kept, sent: sent))
        sent.zsMax = 1
        #expect(!RecordMerge.sameValues(kept: kept, sent: sent))
    }
}
