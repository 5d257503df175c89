import Reports
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
                out += Self.indentation(indent + 1)
                value.write(to: &out, indent: indent + 1)
            }
            out += "\n" + Self.indentation(indent) + "]"
        case .object(let members):
            guard !members.isEmpty else { out += "{}"; return }
            out += "{"
            for (index, member) in members.enumerated() {
                out += index == 0 ? "\n" : ",\n"
                out += Self.indentation(indent + 1)
                Self.writeString(member.0, to: &out)
                out += ": "
                member.1.write(to: &out, indent: indent + 1)
            }
            out += "\n" + Self.indentation(indent) + "}"
        }
    }

    /// Two spaces per level; the open data nest a few levels deep, written millions of times.
    private static let indents: [String] = (0..<16).map { String(repeating: "  ", count: $0) }

    private static func indentation(_ level: Int) -> String {
        level < indents.count ? indents[level] : String(repeating: "  ", count: level)
    }

    /// A JSON string, escaped as every JSON output of the project is (Reports).
    static func writeString(_ value: String, to out: inout String) {
        JSONValue.writeString(value, to: &out)
    }
}
