/// Escapes text for the site's HTML pages and the Atom feed.
///
/// The pages are HTML5 written so that they are also well-formed XML, so only the five XML
/// entities are used (`&amp; &lt; &gt; &quot; &#39;`) and characters XML 1.0 forbids (most C0
/// controls, U+FFFE, U+FFFF) and the C1 controls are replaced by U+FFFD. Safe for text content
/// and for double- or single-quoted attribute values.
enum HTMLEscaping {
    static func escape(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                out.unicodeScalars.append(isAllowed(scalar) ? scalar : "\u{FFFD}")
            }
        }
        return out
    }

    /// XML 1.0 `Char`, minus DEL and the C1 controls (allowed by XML, but invalid in HTML).
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20..<0x7F: true
        case 0x7F...0x9F: false
        case 0xA0...0xFFFD: true
        case 0x10000...0x10FFFF: true
        default: false
        }
    }
}

/// Shorthand for `HTMLEscaping.escape`, used by every page and the feed.
func esc(_ text: String) -> String { HTMLEscaping.escape(text) }
