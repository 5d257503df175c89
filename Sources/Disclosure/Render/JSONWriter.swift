/// A JSON value whose object members keep their order, so the open-data files are written in the
/// contract's key order and are byte-for-byte deterministic.
indirect enum OrderedJSON: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    /// Written with `NumberFormat.data` (at most three decimals); non-finite values as null.
    case number(Double)
    case string(String)
    case array([OrderedJSON])
    case object([(String, OrderedJSON)])

    static func number(_ value: Double?) -> OrderedJSON { value.map(OrderedJSON.number) ?? .null }
    static func string(_ value: String?) -> OrderedJSON { value.map(OrderedJSON.string) ?? .null }

    /// Indented text (two spaces), ending with a newline.
    func serialized() -> String {
        var out = ""
        write(to: &out, indent: 0)
        out += "\n"
        return out
    }

    private func write(to out: inout String, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .number(let value): out += NumberFormat.data(value) ?? "null"
        case .string(let value): Self.writeString(value, to: &out)
        case .array(let values):
            guard !values.isEmpty else { out += "[]"; return }
            out += "["
            for (index, value) in values.enumerated() {
                out += index == 0 ? "\n" : ",\n"
                out += String(repeating: "  ", count: indent + 1)
                value.write(to: &out, indent: indent + 1)
            }
            out += "\n" + String(repeating: "  ", count: indent) + "]"
        case .object(let members):
            guard !members.isEmpty else { out += "{}"; return }
            out += "{"
            for (index, member) in members.enumerated() {
                out += index == 0 ? "\n" : ",\n"
                out += String(repeating: "  ", count: indent + 1)
                Self.writeString(member.0, to: &out)
                out += ": "
                member.1.write(to: &out, indent: indent + 1)
            }
            out += "\n" + String(repeating: "  ", count: indent) + "}"
        }
    }

    /// A JSON string: quotes, backslashes and control characters escaped; U+2028/U+2029 escaped
    /// too so the text is also a valid JavaScript literal; everything else as UTF-8.
    static func writeString(_ value: String, to out: inout String) {
        out += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
