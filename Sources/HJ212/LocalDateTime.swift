/// A time as HJ 212 writes it: Beijing local time with no zone, to the second or millisecond.
///
/// The protocol module keeps times exactly as the device sent them. Converting to an instant
/// needs a time zone, which only the edges (CLI, store, reports) know.
public struct LocalDateTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// Milliseconds, when the device sent 17 digits.
    public var millisecond: Int?

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, millisecond: Int? = nil) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.millisecond = millisecond
    }

    /// Reads `YYYYMMDDhhmmss` or `YYYYMMDDhhmmsszzz`. Returns nil for anything else,
    /// including impossible dates such as month 13 or 31 April.
    public init?(hj212 text: some StringProtocol) {
        let parsed = text.utf8.withContiguousStorageIfAvailable { LocalDateTime(hj212Bytes: UnsafeRawBufferPointer($0)) }
        guard let time = parsed ?? Array(text.utf8).withUnsafeBytes({ LocalDateTime(hj212Bytes: $0) }) else { return nil }
        self = time
    }

    /// Reads `YYYYMMDDhhmmss` or `YYYYMMDDhhmmsszzz` straight from bytes (the decoder's path).
    init?(hj212Bytes bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        guard count == 14 || count == 17 else { return nil }
        // Eight digits a word: bytes 0..<8 and 6..<14 (and 9..<17), checked and read from words.
        let first = bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self).littleEndian
        let second = bytes.loadUnaligned(fromByteOffset: 6, as: UInt64.self).littleEndian
        let third = count == 17 ? bytes.loadUnaligned(fromByteOffset: 9, as: UInt64.self).littleEndian : 0x3030_3030_3030_3030
        guard ByteWords.digitCount(first) == 8, ByteWords.digitCount(second) == 8, ByteWords.digitCount(third) == 8 else { return nil }
        @inline(__always) func two(_ word: UInt64, _ byte: Int) -> Int {
            Int(truncatingIfNeeded: (word &>> UInt64(8 &* byte)) & 0xF) &* 10 &+ Int(truncatingIfNeeded: (word &>> UInt64(8 &* byte &+ 8)) & 0xF)
        }
        let candidate = LocalDateTime(
            year: two(first, 0) &* 100 &+ two(first, 2), month: two(first, 4), day: two(first, 6),
            hour: two(second, 2), minute: two(second, 4), second: two(second, 6),
            millisecond: count == 17 ? two(third, 5) &* 10 &+ Int(truncatingIfNeeded: (third &>> 56) & 0xF) : nil)
        guard candidate.isValid else { return nil }
        self = candidate
    }

    /// The byte-by-byte reader `init?(hj212Bytes:)` replaced, kept for the tests to compare with.
    init?(hj212BytesReference bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        guard count == 14 || count == 17 else { return nil }
        for byte in bytes where byte &- 0x30 > 9 { return nil }
        @inline(__always) func number(_ from: Int, _ length: Int) -> Int {
            var value = 0
            for index in from..<(from + length) { value = value &* 10 &+ Int(bytes[index] &- 0x30) }
            return value
        }
        let candidate = LocalDateTime(
            year: number(0, 4), month: number(4, 2), day: number(6, 2),
            hour: number(8, 2), minute: number(10, 2), second: number(12, 2),
            millisecond: count == 17 ? number(14, 3) : nil)
        guard candidate.isValid else { return nil }
        self = candidate
    }

    /// Whether the fields name a real calendar time.
    public var isValid: Bool {
        guard (1..<10000).contains(year), (1...12).contains(month), (0...23).contains(hour),
              (0...59).contains(minute), (0...59).contains(second) else { return false }
        return (1...LocalDateTime.daysIn(year: year, month: month)).contains(day)
    }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// `YYYYMMDDhhmmss`, plus `zzz` when milliseconds are present.
    public var hj212: String {
        var text = pad(year, 4) + pad(month, 2) + pad(day, 2) + pad(hour, 2) + pad(minute, 2) + pad(second, 2)
        if let millisecond { text += pad(millisecond, 3) }
        return text
    }

    /// `YYYY-MM-DDThh:mm:ss[.zzz]`, without a zone.
    public var isoLocal: String {
        var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
        if let millisecond { text += "." + pad(millisecond, 3) }
        return text
    }

    public var description: String { isoLocal }

    /// Seconds since 1970-01-01T00:00:00 of the same (zone-less) calendar, ignoring milliseconds.
    /// Adding a zone's offset turns it into a Unix time.
    public var secondsSinceEpochIgnoringZone: Int64 {
        let days = LocalDateTime.daysFromCivil(year: year, month: month, day: day)
        return Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// The local time `seconds` after 1970-01-01T00:00:00 of the same calendar.
    public init(secondsSinceEpochIgnoringZone seconds: Int64) {
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let rest = Int(seconds - Int64(days) * 86_400)
        let (y, m, d) = LocalDateTime.civilFromDays(days)
        self.init(year: y, month: m, day: d, hour: rest / 3600, minute: rest % 3600 / 60, second: rest % 60)
    }

    /// This time shifted by whole seconds (milliseconds dropped).
    public func adding(seconds: Int64) -> LocalDateTime {
        LocalDateTime(secondsSinceEpochIgnoringZone: secondsSinceEpochIgnoringZone + seconds)
    }

    public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
        let l = lhs.secondsSinceEpochIgnoringZone, r = rhs.secondsSinceEpochIgnoringZone
        return l != r ? l < r : (lhs.millisecond ?? 0) < (rhs.millisecond ?? 0)
    }

    // Howard Hinnant's days-from-civil algorithm.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

@inline(__always)
private func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}
