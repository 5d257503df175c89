import HJ212

/// Where a stored reading came from: the frame that first stored it.
///
/// A record (one row of `records`) keeps the provenance of the frame that created it in its
/// columns. A reading merged in later from a frame with other provenance (another piece of a
/// split upload, a later frame adding a pollutant, or rows converted from the v1 schema) carries
/// its own inside the blob, so every ``StoredReading`` reads back exactly as it was stored.
struct RecordProvenance: Sendable, Hashable {
    /// DataTime exactly as sent (14 or 17 digits).
    var dataTime: String
    /// ``Edition`` raw value, e.g. `2017`.
    var edition: String
    /// ``Backfill`` raw value.
    var backfill: Int
    var receivedAtMillis: Int64
    var connection: String
    var qn: String?

    init(dataTime: String, edition: String, backfill: Int, receivedAtMillis: Int64, connection: String, qn: String?) {
        self.dataTime = dataTime
        self.edition = edition
        self.backfill = backfill
        self.receivedAtMillis = receivedAtMillis
        self.connection = connection
        self.qn = qn
    }

    init(_ frame: IngestFrame) {
        self.init(
            dataTime: frame.dataTime.hj212, edition: frame.edition.rawValue, backfill: frame.backfill.rawValue,
            receivedAtMillis: frame.receivedAtMillis, connection: frame.connection, qn: frame.qn)
    }

    /// Byte for byte, as SQLite compares text (`String.==` would call canonically equivalent
    /// spellings equal, and a merged reading would lose its own).
    static func == (a: RecordProvenance, b: RecordProvenance) -> Bool {
        a.backfill == b.backfill && a.receivedAtMillis == b.receivedAtMillis
            && ReadingCodec.compareBytes(a.dataTime, b.dataTime) == 0 && ReadingCodec.compareBytes(a.edition, b.edition) == 0
            && ReadingCodec.compareBytes(a.connection, b.connection) == 0
            && (a.qn == nil) == (b.qn == nil) && ReadingCodec.compareBytes(a.qn ?? "", b.qn ?? "") == 0
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(backfill)
        hasher.combine(receivedAtMillis)
        for text in [dataTime, edition, connection, qn ?? ""] {
            for byte in text.utf8 { hasher.combine(byte) }
            hasher.combine(0xFF as UInt8)
        }
        hasher.combine(qn == nil)
    }
}

/// One reading inside a record's blob, with its own provenance when it differs from the record's.
struct PackedReading: Sendable, Hashable {
    var reading: Reading
    /// nil: the record's provenance.
    var provenance: RecordProvenance?

    init(_ reading: Reading, provenance: RecordProvenance? = nil) {
        self.reading = reading
        self.provenance = provenance
    }
}

/// A blob that is not what ``ReadingCodec`` writes (or was written by a newer version).
struct ReadingCodecError: Error, Sendable, Hashable, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}

/// The `records.readings` blob: every reading of one record (MN, kind, DataTime), packed.
///
/// ## Format, version 1
/// All integers little-endian; `varint` is unsigned LEB128; `str` is a varint byte length
/// followed by that many bytes of UTF-8.
///
/// ```
/// blob     := version:u8 (= 1)  count:varint  entry × count
/// entry    := header:u8  code:str  [rawCode:str]  [polId:str]  mask:u16  value × popcount(mask)
///             [flag:str]  [eFlag:str]  [sampleTime:str]  [other]  [provenance]
/// header   := 0x01 rawCode differs from code   0x02 polId present (non-empty)   0x04 flag
///             0x08 eFlag   0x10 sampleTime   0x20 other suffixes   0x40 own provenance
///             (0x80 is reserved: a reader refuses it)
/// mask     := bit i set when `Reading.NumericField(rawValue: i)` (Rtd, Min, Avg, Max, Cou, ZsRtd,
///             ZsMin, ZsAvg, ZsMax, RawAvg) was sent; the values follow in that order. NaN is
///             stored as "not sent" (SQLite stored it as NULL in the v1 schema).
/// value    := varint v; scale k = v & 0x0F
///             k < 15: the value is m / 10^k, with m = zigzag-decoded (v >> 4), |m| ≤ 2^53
///                     (devices send decimals: 8.47 is m = 847, k = 2, three bytes)
///             k = 15: v is 15 and the value's IEEE 754 bit pattern follows as u64 (infinities,
///                     -0, values that are no short decimal)
///             Either way the value reads back bit for bit: the writer checks m / 10^k before
///             choosing the short form.
/// flag     := the flag's raw value (`N`, `T`, or a vendor flag as sent)
/// other    := count:varint (suffix:str value:str) × count   — frame order, repeats kept
/// provenance := dataTime:str edition:str backfill:u8 receivedAt:i64 connection:str hasQN:u8 [qn:str]
/// ```
///
/// Entries are unique on the natural key (code, polId, with no polId as ``) and sorted by it in
/// byte order (SQLite's BINARY collation), so a record reads out in the order the v1 primary key
/// gave, and a reader looking for one code can stop after passing it. A newer format gets a new
/// version byte; a reader refuses versions it does not know rather than misreading them.
enum ReadingCodec {
    static let version: UInt8 = 1

    enum Header {
        static let rawCode: UInt8 = 0x01
        static let polId: UInt8 = 0x02
        static let flag: UInt8 = 0x04
        static let eFlag: UInt8 = 0x08
        static let sampleTime: UInt8 = 0x10
        static let other: UInt8 = 0x20
        static let provenance: UInt8 = 0x40
        static let known: UInt8 = 0x7F
    }

    // MARK: Key order

    /// Compares two natural keys (code, polId) in byte order: negative, zero or positive.
    @inline(__always)
    static func compareKeys(_ a: Reading, _ b: Reading) -> Int {
        let codes = compareBytes(a.code, b.code)
        if codes != 0 { return codes }
        return compareBytes(a.polId ?? "", b.polId ?? "")
    }

    /// Compares two strings by their UTF-8 bytes (SQLite's BINARY collation), not by Unicode
    /// canonical equivalence as `String.==` does: the stored key is the bytes.
    @inline(__always)
    static func compareBytes(_ a: String, _ b: String) -> Int {
        var a = a
        var b = b
        return a.withUTF8 { left in
            b.withUTF8 { right in
                let shared = Swift.min(left.count, right.count)
                for index in 0..<shared where left[index] != right[index] {
                    return left[index] < right[index] ? -1 : 1
                }
                return left.count - right.count
            }
        }
    }

    // MARK: Writing

    /// Builds one blob. Call ``begin(count:)``, then ``append(_:provenance:)`` `count` times in
    /// key order; ``bytes`` then holds the blob until the next ``begin(count:)``.
    struct Writer: ~Copyable {
        private var buffer: ByteBuffer

        init(capacity: Int = 1024) {
            buffer = ByteBuffer(capacity: capacity)
        }

        /// The blob written so far.
        var bytes: UnsafeRawBufferPointer { buffer.bytes }

        /// Starts a new blob of `count` entries, reusing the memory.
        mutating func begin(count: Int) {
            buffer.removeAll()
            buffer.reserve(1 + 10)
            buffer.appendUnchecked(ReadingCodec.version)
            appendVarint(UInt64(count))
        }

        mutating func append(_ reading: Reading, provenance: RecordProvenance? = nil) {
            let polId = reading.polId ?? ""
            let rawDiffers = reading.rawCode != reading.code
            var header: UInt8 = 0
            if rawDiffers { header |= Header.rawCode }
            if !polId.isEmpty { header |= Header.polId }
            if reading.flag != nil { header |= Header.flag }
            if reading.eFlag != nil { header |= Header.eFlag }
            if reading.sampleTime != nil { header |= Header.sampleTime }
            if !reading.other.isEmpty { header |= Header.other }
            if provenance != nil { header |= Header.provenance }
            // Header, mask and ten values at most 9 bytes each.
            buffer.reserve(1 + 2 + 10 * 9)
            buffer.appendUnchecked(header)
            appendString(reading.code)
            if rawDiffers { appendString(reading.rawCode) }
            if !polId.isEmpty { appendString(polId) }

            var values: (Double, Double, Double, Double, Double, Double, Double, Double, Double, Double) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            var mask: UInt16 = 0
            withUnsafeMutableBytes(of: &values) { slots in
                for field in Reading.NumericField.allCases {
                    if let value = reading[field], !value.isNaN {
                        mask |= 1 << field.rawValue
                        slots.storeBytes(of: value, toByteOffset: Int(field.rawValue) * 8, as: Double.self)
                    }
                }
            }
            buffer.reserve(2 + 10 * 9)
            buffer.appendUnchecked(UInt8(truncatingIfNeeded: mask))
            buffer.appendUnchecked(UInt8(truncatingIfNeeded: mask >> 8))
            if mask != 0 {
                withUnsafeBytes(of: &values) { slots in
                    var remaining = mask
                    while remaining != 0 {
                        let field = remaining.trailingZeroBitCount
                        remaining &= remaining - 1
                        appendValue(slots.load(fromByteOffset: field * 8, as: Double.self))
                    }
                }
            }

            if let flag = reading.flag { appendString(flag.rawValue) }
            if let eFlag = reading.eFlag { appendString(eFlag) }
            if let sampleTime = reading.sampleTime { appendString(sampleTime) }
            if !reading.other.isEmpty {
                buffer.reserve(10)
                appendVarint(UInt64(reading.other.count))
                for item in reading.other {
                    appendString(item.suffix)
                    appendString(item.value)
                }
            }
            if let provenance {
                appendString(provenance.dataTime)
                appendString(provenance.edition)
                buffer.reserve(1 + 8)
                buffer.appendUnchecked(UInt8(truncatingIfNeeded: provenance.backfill))
                buffer.appendUnchecked(UInt64(bitPattern: provenance.receivedAtMillis))
                appendString(provenance.connection)
                buffer.reserve(1)
                if let qn = provenance.qn {
                    buffer.appendUnchecked(UInt8(1))
                    appendString(qn)
                } else {
                    buffer.appendUnchecked(UInt8(0))
                }
            }
        }

        /// A value as a short decimal when one reads back bit for bit, else as its bit pattern.
        /// Room for 9 bytes must have been reserved.
        @inline(__always)
        private mutating func appendValue(_ value: Double) {
            if let (mantissa, scale) = ReadingCodec.decimal(value) {
                let zigzag = UInt64(bitPattern: (mantissa << 1) ^ (mantissa >> 63))
                appendVarint(zigzag << 4 | UInt64(scale))
            } else {
                buffer.appendUnchecked(ReadingCodec.rawScale)
                buffer.appendUnchecked(value.bitPattern)
            }
        }

        /// Room for 10 bytes must have been reserved.
        @inline(__always)
        private mutating func appendVarint(_ value: UInt64) {
            var value = value
            while value >= 0x80 {
                buffer.appendUnchecked(UInt8(truncatingIfNeeded: value) | 0x80)
                value >>= 7
            }
            buffer.appendUnchecked(UInt8(value))
        }

        @inline(__always)
        private mutating func appendString(_ value: String) {
            var value = value
            value.withUTF8 { utf8 in
                buffer.reserve(10 + utf8.count)
                appendVarint(UInt64(utf8.count))
                buffer.appendUnchecked(UnsafeRawBufferPointer(utf8))
            }
        }
    }

    // MARK: Values

    /// The scale that marks a value stored as its bit pattern.
    static let rawScale: UInt8 = 15
    /// 10^0 … 10^14, all exact in a Double.
    static let powersOfTen: [Double] = (0..<15).map { (0..<$0).reduce(1.0) { value, _ in value * 10 } }
    /// The largest mantissa kept as a short decimal (every integer up to it is exact in a Double).
    static let largestMantissa: Double = 9_007_199_254_740_992

    /// `(m, k)` with `Double(m) / 10^k` equal to `value` bit for bit and the smallest such k, or
    /// nil when there is none below 15 (then the value is stored as its bit pattern).
    @inline(__always)
    static func decimal(_ value: Double) -> (mantissa: Int64, scale: Int)? {
        var scale = 0
        while scale < Int(rawScale) {
            let power = powersOfTen[scale]
            let product = value * power
            let scaled = product.rounded()
            guard Swift.abs(scaled) <= largestMantissa else { return nil }
            // A value that is m / 10^k bit for bit has value * 10^k within |m| * 2^-51 of m, so a
            // product farther from an integer cannot pass the exact check: skip its division.
            if Swift.abs(product - scaled) <= Swift.abs(scaled) * 0x1p-48 {
                let mantissa = Int64(scaled)
                if (Double(mantissa) / power).bitPattern == value.bitPattern { return (mantissa, scale) }
            }
            scale += 1
        }
        return nil
    }

    /// One blob for `entries` (which must be unique and in key order).
    static func encode(_ entries: [PackedReading]) -> [UInt8] {
        var writer = Writer(capacity: 64 * Swift.max(1, entries.count))
        writer.begin(count: entries.count)
        for entry in entries { writer.append(entry.reading, provenance: entry.provenance) }
        return [UInt8](writer.bytes)
    }

    // MARK: Reading

    /// Reads a blob entry by entry. The bytes must stay valid while it is used (SQLite's column
    /// memory lasts until the statement steps again).
    struct Reader {
        private let bytes: UnsafeRawBufferPointer
        private var offset = 0
        /// Entries not read yet.
        private(set) var remaining: Int

        init(_ bytes: UnsafeRawBufferPointer) throws(ReadingCodecError) {
            self.bytes = bytes
            remaining = 0
            guard !bytes.isEmpty else { throw ReadingCodecError(reason: "the blob is empty") }
            let version = bytes[0]
            guard version == ReadingCodec.version else {
                throw ReadingCodecError(reason: "the blob has format version \(version), this version reads only \(ReadingCodec.version)")
            }
            offset = 1
            let count = try readVarint()
            guard count <= UInt64(bytes.count) else { throw ReadingCodecError(reason: "the blob claims \(count) readings in \(bytes.count) bytes") }
            remaining = Int(count)
        }

        /// The next entry, or nil after the last.
        mutating func next() throws(ReadingCodecError) -> PackedReading? {
            guard remaining > 0 else { return try finish() }
            remaining -= 1
            let header = try readByte()
            guard header & ~Header.known == 0 else {
                throw ReadingCodecError(reason: "a reading has header bits \(String(header, radix: 16)) this version does not know")
            }
            let code = try readString()
            return try readEntry(header: header, code: code)
        }

        /// The next entry whose code is `wanted` (UTF-8 bytes), skipping the others without
        /// building them; nil once none can follow (entries are in key order).
        mutating func next(code wanted: [UInt8]) throws(ReadingCodecError) -> PackedReading? {
            while remaining > 0 {
                remaining -= 1
                let header = try readByte()
                guard header & ~Header.known == 0 else {
                    throw ReadingCodecError(reason: "a reading has header bits \(String(header, radix: 16)) this version does not know")
                }
                let code = try readRange()
                let order = Self.compare(code, wanted)
                if order == 0 { return try readEntry(header: header, code: string(code)) }
                if order > 0 {
                    // Past the wanted code: the rest cannot match.
                    remaining = 0
                    offset = bytes.count
                    return nil
                }
                try skipEntry(header: header)
            }
            return try finish()
        }

        /// Reads every entry.
        static func decodeAll(_ bytes: UnsafeRawBufferPointer) throws(ReadingCodecError) -> [PackedReading] {
            var reader = try Reader(bytes)
            var result: [PackedReading] = []
            result.reserveCapacity(reader.remaining)
            while let entry = try reader.next() { result.append(entry) }
            return result
        }

        private mutating func finish() throws(ReadingCodecError) -> PackedReading? {
            guard offset == bytes.count else {
                throw ReadingCodecError(reason: "the blob has \(bytes.count - offset) bytes after its last reading")
            }
            return nil
        }

        private mutating func readEntry(header: UInt8, code: String) throws(ReadingCodecError) -> PackedReading {
            let rawCode = header & Header.rawCode != 0 ? try readString() : nil
            let polId = header & Header.polId != 0 ? try readString() : nil
            var reading = Reading(code: code, rawCode: rawCode, polId: polId)
            let mask = try readUInt16()
            guard mask >> Reading.NumericField.allCases.count == 0 else {
                throw ReadingCodecError(reason: "a reading's value mask \(String(mask, radix: 16)) names fields this version does not know")
            }
            if mask != 0 {
                for field in Reading.NumericField.allCases where mask & (1 << field.rawValue) != 0 {
                    reading[field] = try readValue()
                }
            }
            if header & Header.flag != 0 { reading.flag = DataFlag(rawValue: try readString()) }
            if header & Header.eFlag != 0 { reading.eFlag = try readString() }
            if header & Header.sampleTime != 0 { reading.sampleTime = try readString() }
            if header & Header.other != 0 {
                let count = try readVarint()
                guard count <= UInt64(bytes.count - offset) else { throw truncated() }
                reading.other.reserveCapacity(Int(count))
                for _ in 0..<count {
                    let suffix = try readString()
                    reading.other.append(Reading.SuffixValue(suffix: suffix, value: try readString()))
                }
            }
            var provenance: RecordProvenance?
            if header & Header.provenance != 0 {
                let dataTime = try readString()
                let edition = try readString()
                let backfill = Int(try readByte())
                let receivedAt = Int64(bitPattern: try readUInt64())
                let connection = try readString()
                let qn = try readByte() != 0 ? try readString() : nil
                provenance = RecordProvenance(
                    dataTime: dataTime, edition: edition, backfill: backfill, receivedAtMillis: receivedAt,
                    connection: connection, qn: qn)
            }
            return PackedReading(reading, provenance: provenance)
        }

        private mutating func skipEntry(header: UInt8) throws(ReadingCodecError) {
            if header & Header.rawCode != 0 { _ = try readRange() }
            if header & Header.polId != 0 { _ = try readRange() }
            let mask = try readUInt16()
            for _ in 0..<mask.nonzeroBitCount { _ = try readValue() }
            if header & Header.flag != 0 { _ = try readRange() }
            if header & Header.eFlag != 0 { _ = try readRange() }
            if header & Header.sampleTime != 0 { _ = try readRange() }
            if header & Header.other != 0 {
                let count = try readVarint()
                guard count <= UInt64(bytes.count - offset) else { throw truncated() }
                for _ in 0..<(2 * count) { _ = try readRange() }
            }
            if header & Header.provenance != 0 {
                _ = try readRange()
                _ = try readRange()
                try skip(1 + 8)
                _ = try readRange()
                if try readByte() != 0 { _ = try readRange() }
            }
        }

        private static func compare(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Int {
            let shared = Swift.min(a.count, b.count)
            for index in 0..<shared where a[index] != b[index] {
                return a[index] < b[index] ? -1 : 1
            }
            return a.count - b.count
        }

        private func truncated() -> ReadingCodecError {
            ReadingCodecError(reason: "the blob ends inside a reading (\(bytes.count) bytes)")
        }

        @inline(__always)
        private mutating func skip(_ count: Int) throws(ReadingCodecError) {
            guard count <= bytes.count - offset else { throw truncated() }
            offset += count
        }

        @inline(__always)
        private mutating func readByte() throws(ReadingCodecError) -> UInt8 {
            guard offset < bytes.count else { throw truncated() }
            defer { offset += 1 }
            return bytes[offset]
        }

        @inline(__always)
        private mutating func readUInt16() throws(ReadingCodecError) -> UInt16 {
            guard bytes.count - offset >= 2 else { throw truncated() }
            defer { offset += 2 }
            return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
        }

        @inline(__always)
        private mutating func readUInt64() throws(ReadingCodecError) -> UInt64 {
            guard bytes.count - offset >= 8 else { throw truncated() }
            defer { offset += 8 }
            return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }

        @inline(__always)
        private mutating func readValue() throws(ReadingCodecError) -> Double {
            let packed = try readVarint()
            let scale = Int(packed & 0x0F)
            if scale == Int(ReadingCodec.rawScale) {
                guard packed == UInt64(ReadingCodec.rawScale) else {
                    throw ReadingCodecError(reason: "a raw value's marker carries extra bits")
                }
                return Double(bitPattern: try readUInt64())
            }
            let zigzag = packed >> 4
            let mantissa = Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)
            return Double(mantissa) / ReadingCodec.powersOfTen[scale]
        }

        @inline(__always)
        private mutating func readVarint() throws(ReadingCodecError) -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let byte = try readByte()
                guard shift < 64 else { throw ReadingCodecError(reason: "a length in the blob is too long") }
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
        }

        @inline(__always)
        private mutating func readRange() throws(ReadingCodecError) -> UnsafeRawBufferPointer {
            let length = try readVarint()
            guard length <= UInt64(bytes.count - offset) else { throw truncated() }
            let start = offset
            offset += Int(length)
            return UnsafeRawBufferPointer(rebasing: bytes[start..<offset])
        }

        @inline(__always)
        private mutating func readString() throws(ReadingCodecError) -> String {
            string(try readRange())
        }

        @inline(__always)
        private func string(_ range: UnsafeRawBufferPointer) -> String {
            String(decoding: range, as: UTF8.self)
        }
    }
}
