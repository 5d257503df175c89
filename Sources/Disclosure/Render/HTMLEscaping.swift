/// Escapes text for the site's HTML pages and the Atom feed.
///
/// The pages are HTML5 written so that they are also well-formed XML, so only the five XML
/// entities are used (`&amp; &lt; &gt; &quot; &#39;`) and characters XML 1.0 forbids (most C0
/// controls, U+FFFE, U+FFFF) and the C1 controls are replaced by U+FFFD. Safe for text content
/// and for double- or single-quoted attribute values.
enum HTMLEscaping {
    static func escape(_ text: String) -> String {
        if !needsEscaping(text) { return text }
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

    /// False when every byte is plain: no markup characters, no controls but tab and line ends,
    /// no C1 controls (UTF-8 C2 80…C2 9F) and no U+FFFE/U+FFFF (EF BF BE/BF). The common case,
    /// checked on the UTF-8 bytes without building a new string.
    static func needsEscaping(_ text: String) -> Bool {
        var previous: UInt8 = 0
        var beforePrevious: UInt8 = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'"), 0x7F:
                return true
            case 0x00..<0x20 where byte != 0x09 && byte != 0x0A && byte != 0x0D:
                return true
            case 0x80...0x9F where previous == 0xC2:
                return true
            case 0xBE...0xBF where previous == 0xBF && beforePrevious == 0xEF:
                return true
            default:
                break
            }
            beforePrevious = previous
            previous = byte
        }
        return false
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
