import HJ212

/// A data upload encoded once, then patched per frame: the MN, the QN, the DataTime and the CRC
/// are rewritten in place, so sending a frame costs one copy, a few digit writes and one CRC.
///
/// Every frame of a template has the same length (the MN, QN and DataTime have fixed widths), so
/// the length field never changes.
///
/// ## Numbering
/// Frame `sequence` of a device carries
/// - `DataTime` = the template's first DataTime + `sequence` minutes (minute data, one new
///   set of readings per frame), and
/// - `QN` = the first DataTime's date (`YYYYMMDD`) followed by `sequence` written as a time of
///   day with milliseconds (`hhmmsszzz`), so the QN reads as a valid HJ 212 time and the
///   sequence can be read back from an answer with ``sequence(fromQN:)``.
///
/// A device can therefore send at most ``maximumSequence`` frames (a day of milliseconds).
public struct FrameTemplate: Sendable {
    /// The frames sent per device before QNs would repeat.
    public static let maximumSequence = 86_400_000

    /// The encoded frame for sequence 0 of a placeholder MN, CR LF included.
    public let bytes: [UInt8]
    /// The MN's width in bytes; every device of a run uses MNs of this width.
    public let mnLength: Int
    /// The number of readings (pollutants) in each frame.
    public let readingsPerFrame: Int
    /// The DataTime of frame 0.
    public let firstDataTime: LocalDateTime

    let qnOffset: Int
    let mnOffset: Int
    let dataTimeOffset: Int
    let crcOffset: Int
    private let firstSeconds: Int64
    private let qnDate: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)

    /// The encoded frame's size in bytes (all frames of the template have it).
    public var frameSize: Int { bytes.count }

    /// Builds a template.
    /// - Parameters:
    ///   - mnLength: the width of every MN that will be patched in (at least 1).
    ///   - password: the device password (PW).
    ///   - readings: the readings each frame carries (see ``cemsReadings(count:)``).
    ///   - firstDataTime: the DataTime of frame 0 (seconds are dropped to the minute).
    ///   - st: the system type (31: air pollution source).
    ///   - edition: 2017 or 2025 (the A bit is always set, so the platform answers 9014).
    public init(
        mnLength: Int, password: String = "123456", readings: [Reading],
        firstDataTime: LocalDateTime = LocalDateTime(year: 2026, month: 1, day: 1), st: String = "31",
        edition: Edition = .hj2017
    ) {
        precondition(mnLength >= 1, "an MN needs at least one character")
        let first = LocalDateTime(
            year: firstDataTime.year, month: firstDataTime.month, day: firstDataTime.day, hour: firstDataTime.hour,
            minute: firstDataTime.minute)
        let placeholderQN = first.hj212.prefix(8) + "000000000"
        let placeholderMN = String(repeating: "0", count: mnLength)
        let packet = DataUploadBuilder(kind: .minute, dataTime: first, readings: readings)
            .packet(qn: String(placeholderQN), st: st, pw: password, mn: placeholderMN, edition: edition, answerWanted: true)
        let encoded = packet.encode()
        bytes = encoded
        self.mnLength = mnLength
        readingsPerFrame = readings.count
        self.firstDataTime = first
        firstSeconds = first.secondsSinceEpochIgnoringZone
        qnOffset = Self.offset(after: "QN=", in: encoded)
        mnOffset = Self.offset(after: "MN=", in: encoded)
        dataTimeOffset = Self.offset(after: "DataTime=", in: encoded)
        crcOffset = encoded.count - 6
        let date = Array(first.hj212.utf8.prefix(8))
        qnDate = (date[0], date[1], date[2], date[3], date[4], date[5], date[6], date[7])
    }

    private static func offset(after key: String, in bytes: [UInt8]) -> Int {
        let pattern = Array(key.utf8)
        var index = 6
        while index + pattern.count <= bytes.count {
            if bytes[index..<(index + pattern.count)].elementsEqual(pattern) { return index + pattern.count }
            index += 1
        }
        preconditionFailure("\(key) is missing from the encoded upload")
    }

    /// A realistic CEMS (flue-gas continuous emission monitoring) minute set, in the order a
    /// logger sends it: particulates, SO2, NOx, O2, flow, velocity, temperature, pressure,
    /// humidity, CO. Each has Min/Avg/Max and Flag N; the four pollutants also carry ZsAvg
    /// (the value converted to reference O2). Codes beyond ten repeat the list with other codes
    /// (HCl, NH3, Hg…), so any count up to ``maximumReadingsPerFrame`` works.
    public static func cemsReadings(count: Int = 10) -> [Reading] {
        precondition(count >= 1 && count <= maximumReadingsPerFrame, "1...\(maximumReadingsPerFrame) readings per frame")
        return cemsSet.prefix(count).map { entry in
            var reading = Reading(code: entry.code)
            reading.min = entry.min
            reading.avg = entry.avg
            reading.max = entry.max
            reading.zsAvg = entry.zsAvg
            reading.flag = .normal
            return reading
        }
    }

    /// The largest `count` ``cemsReadings(count:)`` accepts.
    public static var maximumReadingsPerFrame: Int { cemsSet.count }

    private static let cemsSet: [(code: String, min: Double, avg: Double, max: Double, zsAvg: Double?)] = [
        ("a34013", 6.12, 8.47, 11.3, 9.85),
        ("a21026", 28.4, 35.62, 41.9, 41.44),
        ("a21002", 61.7, 78.35, 92.1, 91.16),
        ("a19001", 9.21, 9.84, 10.52, nil),
        ("a00000", 118_250, 124_630, 131_020, nil),
        ("a01011", 11.62, 12.31, 13.05, nil),
        ("a01012", 131.4, 135.2, 138.9, nil),
        ("a01013", -0.31, -0.25, -0.18, nil),
        ("a01014", 7.92, 8.46, 9.13, nil),
        ("a21005", 9.8, 12.34, 15.6, 14.36),
        ("a21024", 1.21, 1.87, 2.45, 2.18),
        ("a21001", 0.42, 0.71, 1.05, 0.83),
        ("a20057", 0.0012, 0.0021, 0.0034, 0.0024),
        ("a24088", 3.4, 5.92, 8.1, 6.89),
        ("a05002", 0.12, 0.34, 0.61, 0.4),
        ("a21022", 0.8, 1.42, 2.2, 1.65),
    ]

    // MARK: - Per-frame values

    /// The QN of frame `sequence`.
    public func qn(forSequence sequence: Int) -> String {
        var digits = [UInt8](repeating: 0, count: 17)
        digits.withUnsafeMutableBytes { writeQN(sequence, into: $0, at: 0) }
        return String(decoding: digits, as: UTF8.self)
    }

    /// The DataTime of frame `sequence`.
    public func dataTime(forSequence sequence: Int) -> LocalDateTime {
        LocalDateTime(secondsSinceEpochIgnoringZone: firstSeconds + Int64(sequence) * 60)
    }

    /// The sequence number a QN written by this generator encodes, or nil when the 17 bytes are
    /// not one (digits `YYYYMMDDhhmmsszzz` with a valid time of day).
    public static func sequence(fromQN qn: UnsafeRawBufferPointer) -> Int? {
        guard qn.count == 17 else { return nil }
        var value = 0
        for index in 8..<17 {
            let digit = Int(qn[index]) &- 0x30
            guard digit >= 0 && digit <= 9 else { return nil }
            value = value &* 10 &+ digit
        }
        // value is hhmmsszzz as a decimal number.
        let millis = value % 1000
        let seconds = value / 1000 % 100
        let minutes = value / 100_000 % 100
        let hours = value / 10_000_000
        guard seconds < 60 && minutes < 60 && hours < 24 else { return nil }
        return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis
    }

    /// The sequence number in a QN string, or nil.
    public static func sequence(fromQN qn: String) -> Int? {
        Array(qn.utf8).withUnsafeBytes { sequence(fromQN: $0) }
    }

    // MARK: - Writing frames

    /// The whole frame `sequence` for `mn`, as bytes (for tests and tools; the load generator
    /// writes straight into its socket buffers with ``write(into:mn:sequence:)``).
    public func frame(mn: String, sequence: Int) -> [UInt8] {
        let mnBytes = Array(mn.utf8)
        var out = [UInt8](repeating: 0, count: bytes.count)
        _ = out.withUnsafeMutableBytes { destination in
            mnBytes.withUnsafeBytes { write(into: destination, mn: $0, sequence: sequence) }
        }
        return out
    }

    /// Writes frame `sequence` for device `mn` into `destination`, which must hold at least
    /// ``frameSize`` bytes; returns the bytes written (``frameSize``).
    @discardableResult
    public func write(into destination: UnsafeMutableRawBufferPointer, mn: UnsafeRawBufferPointer, sequence: Int) -> Int {
        precondition(mn.count == mnLength, "the MN must be \(mnLength) bytes")
        precondition(sequence >= 0 && sequence < Self.maximumSequence, "sequence out of range")
        let size = bytes.count
        precondition(destination.count >= size)
        bytes.withUnsafeBytes { source in
            destination.baseAddress!.copyMemory(from: source.baseAddress!, byteCount: size)
        }
        UnsafeMutableRawBufferPointer(rebasing: destination[mnOffset..<(mnOffset + mnLength)]).copyMemory(from: mn)
        writeQN(sequence, into: destination, at: qnOffset)
        writeDataTime(sequence, into: destination, at: dataTimeOffset)
        let crc = CRC16.hj212(UnsafeRawBufferPointer(rebasing: destination[6..<crcOffset]))
        Self.writeHex(crc, into: destination, at: crcOffset)
        return size
    }

    private func writeQN(_ sequence: Int, into destination: UnsafeMutableRawBufferPointer, at offset: Int) {
        let date = qnDate
        destination[offset] = date.0
        destination[offset + 1] = date.1
        destination[offset + 2] = date.2
        destination[offset + 3] = date.3
        destination[offset + 4] = date.4
        destination[offset + 5] = date.5
        destination[offset + 6] = date.6
        destination[offset + 7] = date.7
        let millis = sequence % 1000
        let totalSeconds = sequence / 1000
        Self.writeDigits(totalSeconds / 3600, width: 2, into: destination, at: offset + 8)
        Self.writeDigits(totalSeconds / 60 % 60, width: 2, into: destination, at: offset + 10)
        Self.writeDigits(totalSeconds % 60, width: 2, into: destination, at: offset + 12)
        Self.writeDigits(millis, width: 3, into: destination, at: offset + 14)
    }

    private func writeDataTime(_ sequence: Int, into destination: UnsafeMutableRawBufferPointer, at offset: Int) {
        let time = dataTime(forSequence: sequence)
        Self.writeDigits(time.year, width: 4, into: destination, at: offset)
        Self.writeDigits(time.month, width: 2, into: destination, at: offset + 4)
        Self.writeDigits(time.day, width: 2, into: destination, at: offset + 6)
        Self.writeDigits(time.hour, width: 2, into: destination, at: offset + 8)
        Self.writeDigits(time.minute, width: 2, into: destination, at: offset + 10)
        Self.writeDigits(time.second, width: 2, into: destination, at: offset + 12)
    }

    @inline(__always)
    static func writeDigits(_ value: Int, width: Int, into destination: UnsafeMutableRawBufferPointer, at offset: Int) {
        var rest = value
        var index = offset + width - 1
        while index >= offset {
            destination[index] = UInt8(truncatingIfNeeded: 0x30 + rest % 10)
            rest /= 10
            index -= 1
        }
    }

    @inline(__always)
    static func writeHex(_ value: UInt16, into destination: UnsafeMutableRawBufferPointer, at offset: Int) {
        @inline(__always) func hex(_ nibble: UInt16) -> UInt8 {
            let n = UInt8(truncatingIfNeeded: nibble & 0xF)
            return n < 10 ? 0x30 + n : 0x41 + n - 10
        }
        destination[offset] = hex(value >> 12)
        destination[offset + 1] = hex(value >> 8)
        destination[offset + 2] = hex(value >> 4)
        destination[offset + 3] = hex(value)
    }
}
