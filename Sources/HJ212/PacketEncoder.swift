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
        func field(_ name: String, _ value: String?) {
            guard let value else { return }
            segment.append(contentsOf: name.utf8)
            segment.append(UInt8(ascii: "="))
            segment.append(contentsOf: value.utf8)
            segment.append(UInt8(ascii: ";"))
        }
        field("QN", header.qn)
        field("ST", header.st)
        field("CN", header.cn)
        field("PW", header.pw)
        field("MN", header.mn)
        field("Flag", header.flag.map { String($0.rawValue) })
        field("PNUM", header.pnum.map(String.init))
        field("PNO", header.pno.map(String.init))
        field("RF", header.rf)
        for other in header.otherFields { field(other.key, other.value) }
        segment.append(contentsOf: "CP=&&".utf8)
        segment.append(contentsOf: dataAreaText)
        segment.append(contentsOf: "&&".utf8)
        return segment
    }

    /// A whole frame for a header and CP text (the text between `CP=&&` and `&&`).
    public static func encode(header: Header, dataAreaText: [UInt8], options: EncodeOptions = EncodeOptions()) -> [UInt8] {
        let plaintext = dataSegment(header: header, dataAreaText: dataAreaText)
        let crc = options.crcAlgorithm.checksum(plaintext)
        var wire = plaintext
        if let key = options.sm4Key, let encrypted = DataAreaCipher.encrypt(dataAreaText, key: key) {
            wire = dataSegment(header: header, dataAreaText: encrypted)
        }
        let length = options.encryptedLength == .plaintext ? plaintext.count : wire.count
        return frame(segment: wire, length: length, crc: crc, terminator: options.terminator)
    }

    /// Wraps a data segment: `##`, the length, the segment, the CRC and CR LF.
    public static func frame(segment: [UInt8], length: Int? = nil, crc: UInt16? = nil, terminator: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(segment.count + 12)
        out.append(contentsOf: "##".utf8)
        let digits = String(min(length ?? segment.count, 9999))
        out.append(contentsOf: (String(repeating: "0", count: max(0, 4 - digits.count)) + digits).utf8)
        out.append(contentsOf: segment)
        out.append(contentsOf: CRC16.hexBytes(crc ?? CRC16.hj212(segment)))
        if terminator { out.append(contentsOf: [0x0D, 0x0A]) }
        return out
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
