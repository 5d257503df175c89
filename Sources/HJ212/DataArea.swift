/// One `key=value` item of the data area (CP), in frame order.
public struct CPItem: Sendable, Hashable {
    public var key: String
    public var value: String
    /// Which `;`-separated group the item sits in (0-based).
    public var group: Int

    public init(key: String, value: String, group: Int) {
        self.key = key
        self.value = value
        self.group = group
    }

    /// For `code-Suffix` keys, the code before the first `-`.
    public var code: Substring? {
        guard let dash = key.firstIndex(of: "-"), dash != key.startIndex else { return nil }
        return key[..<dash]
    }

    /// For `code-Suffix` keys, the suffix after the first `-`.
    public var suffix: Substring? {
        guard let dash = key.firstIndex(of: "-"), dash != key.startIndex else { return nil }
        return key[key.index(after: dash)...]
    }
}

/// The data area (`CP=&&…&&`) split into items, with every item kept, known or not.
public struct DataArea: Sendable, Hashable {
    public var items: [CPItem]

    public init(items: [CPItem] = []) { self.items = items }

    public var isEmpty: Bool { items.isEmpty }

    /// The first value for `key`.
    public subscript(key: String) -> String? {
        items.first(where: { $0.key == key })?.value
    }

    /// The CP text in standard form: groups joined by `;`, items by `,`.
    public var text: String {
        var result = ""
        var lastGroup: Int?
        for item in items {
            if let lastGroup { result += item.group == lastGroup ? "," : ";" }
            result += item.key + "=" + item.value
            lastGroup = item.group
        }
        return result
    }

    /// Builds a data area from groups of `(key, value)` pairs.
    public init(groups: [[(String, String)]]) {
        var items: [CPItem] = []
        for (index, group) in groups.enumerated() {
            for (key, value) in group { items.append(CPItem(key: key, value: value, group: index)) }
        }
        self.items = items
    }
}

/// Splits CP text into items: `;` between groups, `,` between items, the first `=` between key
/// and value, and `//…//` text taken whole whatever it holds.
enum DataAreaParser {
    private static let semicolon = UInt8(ascii: ";")
    private static let comma = UInt8(ascii: ",")
    private static let equals = UInt8(ascii: "=")
    private static let slash = UInt8(ascii: "/")
    private static let space = UInt8(ascii: " ")

    /// - Parameters:
    ///   - bytes: the CP content between `CP=&&` and the closing `&&`.
    ///   - baseOffset: where `bytes` starts in the frame, for problem offsets.
    static func parse(_ bytes: UnsafeRawBufferPointer, baseOffset: Int, problems: inout [Problem]) -> [CPItem] {
        var items: [CPItem] = []
        items.reserveCapacity(bytes.count / 12)
        var group = 0
        var index = 0
        let count = bytes.count
        while index < count {
            // One item: key up to '=' or a separator.
            let itemStart = index
            var equalsAt = -1
            while index < count {
                let byte = bytes[index]
                if byte == equals { equalsAt = index; break }
                if byte == semicolon || byte == comma { break }
                index += 1
            }
            let valueEnd: Int
            if equalsAt >= 0 {
                index = equalsAt + 1
                // A "//…//" value runs to the "//" that is followed by a separator or the end.
                var valueStart = index
                while valueStart < count && bytes[valueStart] == space { valueStart += 1 }
                if valueStart + 1 < count && bytes[valueStart] == slash && bytes[valueStart + 1] == slash,
                   let close = closingSlashes(bytes, from: valueStart + 2) {
                    valueEnd = close + 2
                    index = valueEnd
                    while index < count && bytes[index] == space { index += 1 }
                } else {
                    while index < count && bytes[index] != semicolon && bytes[index] != comma { index += 1 }
                    valueEnd = index
                }
            } else {
                valueEnd = index
            }
            let keyEnd = equalsAt >= 0 ? equalsAt : valueEnd
            let key = trimmedString(bytes, itemStart, keyEnd)
            let value = equalsAt >= 0 ? trimmedString(bytes, equalsAt + 1, valueEnd) : ""
            if !key.isEmpty || !value.isEmpty {
                if equalsAt < 0 {
                    problems.append(Problem(
                        .cpItemMalformed, .warning, offset: baseOffset + itemStart, field: key,
                        "the data-area item \"\(key)\" has no \"=\"; it was kept with an empty value"))
                } else if key.isEmpty {
                    problems.append(Problem(
                        .cpItemMalformed, .warning, offset: baseOffset + itemStart,
                        "a data-area item has a value but no key; it was kept with an empty key"))
                }
                items.append(CPItem(key: key, value: value, group: group))
            }
            // Separator.
            if index < count {
                if bytes[index] == semicolon { group += 1 }
                index += 1
            }
        }
        return items
    }

    private static func closingSlashes(_ bytes: UnsafeRawBufferPointer, from: Int) -> Int? {
        var index = from
        let count = bytes.count
        while index + 1 < count {
            if bytes[index] == slash && bytes[index + 1] == slash {
                var after = index + 2
                while after < count && bytes[after] == space { after += 1 }
                if after == count || bytes[after] == semicolon || bytes[after] == comma { return index }
            }
            index += 1
        }
        return nil
    }

    @inline(__always)
    static func trimmedString(_ bytes: UnsafeRawBufferPointer, _ from: Int, _ to: Int) -> String {
        var start = from, end = to
        while start < end && (bytes[start] == space || bytes[start] == 0x09) { start += 1 }
        while end > start && (bytes[end - 1] == space || bytes[end - 1] == 0x09) { end -= 1 }
        if start == end { return "" }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }
}
