import Foundation
import HJ212

/// The v1 `readings.other` column: a reading's non-standard suffixes as a JSON array of
/// `[suffix, value]` pairs, e.g. `[["Ala","1"],["Info","x"]]`. An array (not an object) keeps frame
/// order and repeated suffixes, and stays readable with SQLite's `json_each`. Read only by the
/// `v3-records` migration now (records keep the suffixes in their blob, see ``ReadingCodec``).
enum SuffixCoding {
    static func encode(_ values: [Reading.SuffixValue]) -> String {
        var text = "["
        for (index, item) in values.enumerated() {
            if index > 0 { text += "," }
            text += "["
            appendQuoted(item.suffix, to: &text)
            text += ","
            appendQuoted(item.value, to: &text)
            text += "]"
        }
        text += "]"
        return text
    }

    /// Reads the column back; nil when the text is not what ``encode(_:)`` writes.
    static func decode(_ text: String) -> [Reading.SuffixValue]? {
        guard let pairs = try? JSONDecoder().decode([[String]].self, from: Data(text.utf8)) else { return nil }
        var values: [Reading.SuffixValue] = []
        values.reserveCapacity(pairs.count)
        for pair in pairs {
            guard pair.count == 2 else { return nil }
            values.append(Reading.SuffixValue(suffix: pair[0], value: pair[1]))
        }
        return values
    }

    private static func appendQuoted(_ value: String, to text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
