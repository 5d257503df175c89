/// Shows raw bytes as text: printable ASCII and valid UTF-8 as they are, anything else as `\xNN`.
public enum RawText {
    public static func escaped(_ bytes: some Collection<UInt8>, limit: Int? = nil) -> String {
        var out = ""
        let array = Array(bytes)
        let end = min(array.count, limit ?? array.count)
        var index = 0
        while index < end {
            let byte = array[index]
            if byte >= 0x20 && byte < 0x7F {
                if byte == UInt8(ascii: "\\") { out += "\\\\" } else { out.unicodeScalars.append(Unicode.Scalar(byte)) }
                index += 1
                continue
            }
            // A valid multi-byte UTF-8 sequence is kept as its character.
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC2 ? 2 : 0
            if length > 0, index + length <= array.count,
               let scalar = String(validating: array[index..<(index + length)], as: UTF8.self), scalar.unicodeScalars.count == 1 {
                out += scalar
                index += length
                continue
            }
            let hex = String(byte, radix: 16, uppercase: true)
            out += "\\x" + (hex.count == 1 ? "0" : "") + hex
            index += 1
        }
        if end < array.count { out += "…(\(array.count - end) more bytes)" }
        return out
    }

    /// The frame text with the PW value replaced by `***`.
    public static func maskingPassword(_ bytes: [UInt8]) -> String {
        var text = escaped(bytes)
        guard let range = text.range(of: "PW=") else { return text }
        let valueStart = range.upperBound
        let valueEnd = text[valueStart...].firstIndex(where: { $0 == ";" || $0 == "," || $0 == "&" }) ?? text.endIndex
        text.replaceSubrange(valueStart..<valueEnd, with: "***")
        return text
    }
}
