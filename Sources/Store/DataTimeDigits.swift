import HJ212

/// DataTime as the `YYYYMMDDhhmmss[zzz]` digits that `LocalDateTime.hj212` gives, written into a
/// caller's buffer instead of a new String (the commit loop binds one per frame).
enum DataTimeDigits {
    /// The most digits written.
    static let capacity = 17

    /// Writes the digits and returns how many; nil when a field does not fit its width (a year
    /// past 9999, a negative field), where `hj212` writes more digits or a sign.
    @inline(__always)
    static func write(_ time: LocalDateTime, into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        guard buffer.count >= capacity else { return nil }
        var offset = 0
        func put(_ value: Int, _ width: Int) -> Bool {
            var limit = 1
            for _ in 0..<width { limit *= 10 }
            guard value >= 0, value < limit else { return false }
            var value = value
            var index = offset + width - 1
            while index >= offset {
                buffer[index] = UInt8(truncatingIfNeeded: 0x30 + value % 10)
                value /= 10
                index -= 1
            }
            offset += width
            return true
        }
        guard put(time.year, 4), put(time.month, 2), put(time.day, 2), put(time.hour, 2), put(time.minute, 2),
              put(time.second, 2)
        else { return nil }
        if let millisecond = time.millisecond {
            guard put(millisecond, 3) else { return nil }
        }
        return offset
    }
}
