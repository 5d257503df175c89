import HJ212

/// What storing one frame's readings under a record key (MN, kind, DataTime) does, reading by
/// reading. The natural key of a reading stays (MN, kind, DataTime, pollutant, pol_id).
///
/// For each reading, in frame order: if its key is already kept (stored before, or earlier in the
/// same frame) and the kept reading has the same numeric values and flag, it is a duplicate (a
/// resend); with other values it is a conflict, and the kept reading stays. Otherwise it is new
/// and inserted. The first value of a key is always the one kept.
enum RecordMerge {
    /// A frame's readings for a record not stored yet.
    struct NewRecord: Sendable, Hashable {
        /// Positions of the readings to store, first occurrences of each key, in key order.
        var order: [Int]
        /// Later occurrences of a key with the same values as the first.
        var duplicates: Int
        /// Positions of later occurrences with other values, in frame order.
        var conflicts: [Int]
    }

    /// A frame's readings merged into a stored record.
    struct Merged: Sendable, Hashable {
        /// The record's readings afterwards, unique and in key order.
        var entries: [PackedReading]
        var inserted: Int
        var duplicates: Int
        /// Positions (in the frame) of the readings that conflict with a kept one, in frame order.
        var conflicts: [Int]
    }

    /// Orders a frame's readings by key and sorts repeated keys into duplicates and conflicts.
    static func newRecord(_ readings: [Reading]) -> NewRecord {
        var result = NewRecord(order: [], duplicates: 0, conflicts: [])
        var keys: [UInt64] = []
        newRecord(readings, into: &result, keys: &keys)
        return result
    }

    /// ``newRecord(_:)`` reusing the caller's arrays (the commit loop calls it once per frame).
    static func newRecord(_ readings: [Reading], into result: inout NewRecord, keys: inout [UInt64]) {
        result.order.removeAll(keepingCapacity: true)
        result.duplicates = 0
        result.conflicts.removeAll(keepingCapacity: true)
        keys.removeAll(keepingCapacity: true)
        for index in readings.indices {
            guard let key = packedKey(readings[index]) else {
                orderByStrings(readings, into: &result)
                return
            }
            keys.append(key)
        }
        // Frames mostly list few codes: a binary search over the kept ones, then an insert.
        for index in readings.indices {
            let key = keys[index]
            place(index, of: readings, into: &result) { kept in
                let keptKey = keys[kept]
                return keptKey < key ? -1 : (keptKey > key ? 1 : 0)
            }
        }
    }

    /// Puts reading `index` into `result.order` (kept sorted by key), or, when a kept reading has
    /// its key, counts it as a duplicate (same values) or a conflict. `compare(kept)` orders the
    /// kept reading at position `kept` of `readings` against the new one: < 0, 0 or > 0.
    @inline(__always)
    private static func place(_ index: Int, of readings: [Reading], into result: inout NewRecord, compare: (Int) -> Int) {
        var low = 0
        var high = result.order.count
        while low < high {
            let middle = (low + high) / 2
            let order = compare(result.order[middle])
            if order < 0 {
                low = middle + 1
            } else if order > 0 {
                high = middle
            } else {
                if sameValues(kept: readings[result.order[middle]], sent: readings[index]) {
                    result.duplicates += 1
                } else {
                    result.conflicts.append(index)
                }
                return
            }
        }
        result.order.insert(index, at: low)
    }

    /// A reading's key as one integer that orders like the bytes: the code's UTF-8 (at most 8
    /// bytes, none zero) big-endian, zero-padded. nil for a reading with a PolId or a longer code.
    @inline(__always)
    static func packedKey(_ reading: Reading) -> UInt64? {
        if let polId = reading.polId, !polId.isEmpty { return nil }
        var key: UInt64 = 0
        var shift: UInt64 = 64
        for byte in reading.code.utf8 {
            guard byte != 0, shift > 0 else { return nil }
            shift -= 8
            key |= UInt64(byte) << shift
        }
        return key
    }

    /// The general case of ``newRecord(_:into:keys:)``: any codes and PolIds.
    private static func orderByStrings(_ readings: [Reading], into result: inout NewRecord) {
        for index in readings.indices {
            place(index, of: readings, into: &result) { kept in
                ReadingCodec.compareKeys(readings[kept], readings[index])
            }
        }
    }

    /// Merges a frame's readings into a stored record's (`stored` unique and in key order).
    /// `provenance` is the frame's when it differs from the record's, nil when it is the same.
    static func merge(stored: [PackedReading], incoming: [Reading], provenance: RecordProvenance?) -> Merged {
        var result = Merged(entries: stored, inserted: 0, duplicates: 0, conflicts: [])
        result.entries.reserveCapacity(stored.count + incoming.count)
        for index in incoming.indices {
            let reading = incoming[index]
            var low = 0
            var high = result.entries.count
            var found = -1
            while low < high {
                let middle = (low + high) / 2
                let order = ReadingCodec.compareKeys(result.entries[middle].reading, reading)
                if order < 0 {
                    low = middle + 1
                } else if order > 0 {
                    high = middle
                } else {
                    found = middle
                    break
                }
            }
            if found >= 0 {
                if sameValues(kept: result.entries[found].reading, sent: reading) {
                    result.duplicates += 1
                } else {
                    result.conflicts.append(index)
                }
            } else {
                result.entries.insert(PackedReading(reading, provenance: provenance), at: low)
                result.inserted += 1
            }
        }
        return result
    }

    /// Whether a sent reading repeats the kept one: the same ten numeric values and flag. Raw
    /// code, EFlag, SampleTime and other suffixes are not compared (as in the v1 schema).
    static func sameValues(kept: Reading, sent: Reading) -> Bool {
        for field in Reading.NumericField.allCases where !sameValue(kept[field], sent[field]) {
            return false
        }
        return kept.flag?.rawValue == sent.flag?.rawValue
    }

    @inline(__always)
    private static func sameValue(_ kept: Double?, _ sent: Double?) -> Bool {
        // NaN is stored as "not sent", so a NaN sent twice (or after nothing) is the same.
        let kept = kept.flatMap { $0.isNaN ? nil : $0 }
        let sent = sent.flatMap { $0.isNaN ? nil : $0 }
        return kept == sent
    }
}
