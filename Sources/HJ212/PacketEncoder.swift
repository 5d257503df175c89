/// A packet to send: header and data area, in the standard's field order when encoded.
public struct OutgoingPacket: Sendable, Hashable {
    public var header: Header
    public var dataArea: DataArea

    public init(header: Header, dataArea: DataArea = DataArea()) {
        self.header = header
        self.dataArea = dataArea
    }

    /// The frame bytes: `##`, 4-digit length, data segment, 4 uppercase hex CRC digits, CR LF.
    public func encode(options: EncodeOptions = EncodeOptions()) -> [UInt8] {
        PacketEncoder.encode(header: header, dataAreaText: Array(dataArea.text.utf8), options: options)
    }

    /// The data segment as text (no length, CRC or terminator), for logs and tests.
    public var dataSegmentText: String {
        String(decoding: PacketEncoder.dataSegment(header: header, dataAreaText: Array(dataArea.text.utf8)), as: UTF8.self)
    }
}

/// How to write a frame.
public struct EncodeOptions: Sendable, Hashable {
    /// What the length field counts when the data area is encrypted.
    public enum EncryptedLength: Sendable, Hashable {
        /// The plaintext data segment, as the 2025 standard's own examples do.
        case plaintext
        /// The bytes actually sent.
        case transmitted
    }

    /// Encrypt the data area with this key (HJ 212-2025).
    public var sm4Key: SM4Key?
    public var encryptedLength: EncryptedLength
    /// The checksum to write. Only simulators of faulty devices use anything but HJ 212.
    public var crcAlgorithm: CRCAlgorithm
    /// Write CR LF after the CRC.
    public var terminator: Bool

    public init(sm4Key: SM4Key? = nil, encryptedLength: EncryptedLength = .plaintext, crcAlgorithm: CRCAlgorithm = .hj212, terminator: Bool = true) {
        self.sm4Key = sm4Key
        self.encryptedLength = encryptedLength
        self.crcAlgorithm = crcAlgorithm
        self.terminator = terminator
    }
}

/// Writes frames byte-exact: fields in the standard order (QN ST CN PW MN Flag PNUM PNO RF CP),
/// a 4-digit zero-padded length, and a 4-digit zero-padded uppercase CRC.
public enum PacketEncoder {
    /// The data segment for a header and CP text.
    public static func dataSegment(header: Header, dataAreaText: [UInt8]) -> [UInt8] {
        var segment: [UInt8] = []
        segment.reserveCapacity(96 + dataAreaText.count)
        appendSegment(header: header, dataAreaText: dataAreaText, to: &segment)
        return segment
    }

    /// Appends the data segment (fields in the standard's order, then `CP=&&…&&`) to `out`.
    private static func appendSegment(header: Header, dataAreaText: [UInt8], to out: inout [UInt8]) {
        appendField("QN=", header.qn, to: &out)
        appendField("ST=", header.st, to: &out)
        appendField("CN=", header.cn, to: &out)
        appendField("PW=", header.pw, to: &out)
        appendField("MN=", header.mn, to: &out)
        if let flag = header.flag { appendNumber("Flag=", Int(flag.rawValue), to: &out) }
        if let pnum = header.pnum { appendNumber("PNUM=", pnum, to: &out) }
        if let pno = header.pno { appendNumber("PNO=", pno, to: &out) }
        appendField("RF=", header.rf, to: &out)
        for other in header.otherFields {
            out.append(contentsOf: other.key.utf8)
            appendField("=", other.value, to: &out)
        }
        out.append(contentsOf: "CP=&&".utf8)
        out.append(contentsOf: dataAreaText)
        out.append(contentsOf: "&&".utf8)
    }

    @inline(__always)
    private static func appendField(_ prefix: StaticString, _ value: String?, to out: inout [UInt8]) {
        guard var value else { return }
        out.append(contentsOf: UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
        value.withUTF8 { out.append(contentsOf: $0) }
        out.append(UInt8(ascii: ";"))
    }

    @inline(__always)
    private static func appendNumber(_ prefix: StaticString, _ value: Int, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
        appendDecimal(value, to: &out)
        out.append(UInt8(ascii: ";"))
    }

    /// A non-negative number's decimal digits (a negative one is written with its sign).
    private static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        guard value >= 0 else {
            out.append(contentsOf: String(value).utf8)
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var index = buffer.count
            var rest = value
            repeat {
                index -= 1
                buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[index...]))
        }
    }

    /// A whole frame for a header and CP text (the text between `CP=&&` and `&&`).
    public static func encode(header: Header, dataAreaText: [UInt8], options: EncodeOptions = EncodeOptions()) -> [UInt8] {
        if let key = options.sm4Key, let encrypted = DataAreaCipher.encrypt(dataAreaText, key: key) {
            let plaintext = dataSegment(header: header, dataAreaText: dataAreaText)
            let crc = options.crcAlgorithm.checksum(plaintext)
            let wire = dataSegment(header: header, dataAreaText: encrypted)
            let length = options.encryptedLength == .plaintext ? plaintext.count : wire.count
            return frame(segment: wire, length: length, crc: crc, terminator: options.terminator)
        }
        // Plain: the segment is written in place after `##` and a length placeholder, then the
        // length, CRC and terminator are filled in: one buffer, no copies.
        var out: [UInt8] = []
        out.reserveCapacity(6 + 112 + header.otherFields.count * 24 + dataAreaText.count + 6)
        out.append(contentsOf: "##0000".utf8)
        appendSegment(header: header, dataAreaText: dataAreaText, to: &out)
        let crc = out.withUnsafeBytes { options.crcAlgorithm.checksum(UnsafeRawBufferPointer(rebasing: $0[6...])) }
        writeLength(out.count - 6, into: &out)
        appendHex(crc, to: &out)
        if options.terminator { out.append(contentsOf: [0x0D, 0x0A]) }
        return out
    }

    /// Wraps a data segment: `##`, the length, the segment, the CRC and CR LF.
    public static func frame(segment: [UInt8], length: Int? = nil, crc: UInt16? = nil, terminator: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(segment.count + 12)
        out.append(contentsOf: "##0000".utf8)
        writeLength(length ?? segment.count, into: &out)
        out.append(contentsOf: segment)
        appendHex(crc ?? CRC16.hj212(segment), to: &out)
        if terminator { out.append(contentsOf: [0x0D, 0x0A]) }
        return out
    }

    /// The CRC as four uppercase hex digits.
    @inline(__always)
    static func appendHex(_ value: UInt16, to out: inout [UInt8]) {
        for shift in stride(from: 12, through: 0, by: -4) {
            let digit = UInt8(truncatingIfNeeded: value >> UInt16(shift)) & 0xF
            out.append(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "A") + digit - 10)
        }
    }

    /// Writes `length` (at most 9999) as the four digits after `##`.
    static func writeLength(_ length: Int, into out: inout [UInt8]) {
        var rest = min(max(length, 0), 9999)
        for index in stride(from: 5, through: 2, by: -1) {
            out[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
    }
}

/// Writes numbers the way loggers do: plain decimals, never exponents.
public enum NumberFormatter212 {
    /// `value` with exactly `decimals` digits after the point, or the shortest exact form when nil.
    public static func format(_ value: Double, decimals: Int? = nil) -> String {
        guard value.isFinite else { return "0" }
        if let decimals {
            let scale = (0..<max(0, min(decimals, 12))).reduce(1.0) { acc, _ in acc * 10 }
            let scaled = (abs(value) * scale).rounded()
            guard scaled < 9.0e15 else { return format(value, decimals: nil) }
            let integer = UInt64(scaled)
            let digits = max(0, min(decimals, 12))
            var text = String(integer)
            if digits > 0 {
                if text.count <= digits { text = String(repeating: "0", count: digits - text.count + 1) + text }
                text.insert(".", at: text.index(text.endIndex, offsetBy: -digits))
            }
            return (value < 0 && integer != 0 ? "-" : "") + text
        }
        let text = value.description
        if let exponentMark = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            return withoutExponent(mantissa: text[..<exponentMark], exponent: text[text.index(after: exponentMark)...])
        }
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// `1.5e-07` as `0.00000015`, `1e+16` as `10000000000000000`: the same digits, the point moved.
    private static func withoutExponent(mantissa: Substring, exponent: Substring) -> String {
        let negative = mantissa.hasPrefix("-")
        let unsigned = negative ? mantissa.dropFirst() : mantissa
        let point = unsigned.firstIndex(of: ".") ?? unsigned.endIndex
        let integerDigits = unsigned[..<point]
        let fractionDigits = point < unsigned.endIndex ? unsigned[unsigned.index(after: point)...] : ""
        var digits = String(integerDigits + fractionDigits)
        var pointAt = integerDigits.count + (Int(exponent) ?? 0)
        if pointAt <= 0 {
            digits = String(repeating: "0", count: 1 - pointAt) + digits
            pointAt = 1
        }
        if pointAt >= digits.count { digits += String(repeating: "0", count: pointAt - digits.count) }
        var result = String(digits.prefix(pointAt))
        var fraction = Substring(digits.dropFirst(pointAt))
        while fraction.hasSuffix("0") { fraction = fraction.dropLast() }
        if !fraction.isEmpty { result += "." + fraction }
        return (negative ? "-" : "") + result
    }
}
