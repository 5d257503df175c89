/// File names and links of the disclosure site, in one place so every page links to the files
/// that the renderer actually writes.
///
/// Enterprise ids (usually unified social credit codes) may contain characters that are unsafe in
/// paths or URLs; `safeName(_:)` maps any id to a name made only of `[A-Za-z0-9_~-]`, which needs
/// no escaping in a path, a URL or an attribute.
public enum SitePaths {
    /// The maximum length of a name from `safeName(_:)` before it is shortened with a hash.
    static let maxNameLength = 120

    /// Keeps `[A-Za-z0-9_-]`; every other UTF-8 byte becomes `~` and two upper-case hex digits
    /// (`A/B` → `A~2FB`). Injective, since `~` itself is always encoded. An empty id becomes `~`;
    /// names longer than 120 characters keep 100 and append `~~` and a 64-bit FNV-1a hash.
    public static func safeName(_ id: String) -> String {
        if id.isEmpty { return "~" }
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(id.utf8.count)
        for byte in id.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                bytes.append(byte)
            default:
                bytes.append(UInt8(ascii: "~"))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            }
        }
        var name = String(decoding: bytes, as: UTF8.self)
        if name.utf8.count > maxNameLength {
            name = String(name.prefix(100)) + "~~" + fnv1a64Hex(id)
        }
        return name
    }

    /// `enterprises/<safe id>.html`, relative to a day folder or to the site root.
    public static func enterprisePage(_ id: String) -> String {
        "enterprises/" + safeName(id) + ".html"
    }

    /// The folder of a day, relative to the site root (`2026-11-28`; unsafe characters encoded).
    public static func dayFolder(_ date: String) -> String { safeName(date) }

    /// `2026-11-28/index.html`, relative to the site root.
    public static func dayIndex(_ date: String) -> String { dayFolder(date) + "/index.html" }

    /// `waste-gas.json`, `waste-water.csv`, …, relative to a day folder.
    public static func openDataFile(_ medium: DisclosureMedium, fileExtension: String) -> String {
        medium.fileStem + "." + fileExtension
    }

    /// The Atom feed, relative to the site root.
    public static let feed = "feed.xml"

    private static func fnv1a64Hex(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let digits = String(hash, radix: 16, uppercase: true)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
