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

private let semicolon = UInt8(ascii: ";")
private let comma = UInt8(ascii: ",")
private let equals = UInt8(ascii: "=")
private let slash = UInt8(ascii: "/")
private let space = UInt8(ascii: " ")

/// Where one data-area item sits in the CP bytes (keys and values already trimmed of spaces).
struct ItemSpan {
    var itemStart: Int
    var keyStart: Int
    var keyEnd: Int
    var valueStart: Int
    var valueEnd: Int
    var group: Int
    var hasEquals: Bool
    /// The first `-` in the key, or -1.
    var dash: Int
}

/// Splits CP bytes into items: `;` between groups, `,` between items, the first `=` between
/// key and value, and `//…//` text taken whole whatever it holds. One routine serves both the
/// typed reader (no strings made for numbers) and `DataArea` (every item as strings).
enum DataAreaParser {

    /// Walks the items of a data area, one `ItemSpan` per call to `next()`.
    struct Items {
        let bytes: UnsafeRawBufferPointer
        var index = 0
        var group = 0

        init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        /// Bit b set when byte b (< 64) ends a key (`=`, `;`, `,`) or may split it (`-`).
        private static let keyStops: UInt64 = 1 << 0x3D | 1 << 0x3B | 1 << 0x2C | 1 << 0x2D
        /// Bit b set when byte b (< 64) ends a value: `;` or `,`.
        private static let valueStops: UInt64 = 1 << 0x3B | 1 << 0x2C

        @inline(__always)
        private static func stops(_ byte: UInt8, _ mask: UInt64) -> Bool {
            byte < 64 && (mask >> UInt64(byte)) & 1 != 0
        }

        @inline(__always)
        mutating func next() -> ItemSpan? {
            let count = bytes.count
            guard count > 0, let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
            while index < count {
                let itemStart = index
                var dash = -1
                while index < count {
                    let byte = base[index]
                    if Items.stops(byte, Items.keyStops) {
                        guard byte == UInt8(ascii: "-") else { break }
                        if dash < 0 { dash = index }
                    }
                    index += 1
                }
                let hasEquals = index < count && base[index] == equals
                let keyEnd = index
                var valueStart = index
                let valueEnd: Int
                if hasEquals {
                    index += 1
                    valueStart = index
                    var first = valueStart
                    while first < count && base[first] == space { first += 1 }
                    if first + 1 < count && base[first] == slash && base[first + 1] == slash,
                       let close = closingSlashes(bytes, from: first + 2) {
                        valueEnd = close + 2
                        index = valueEnd
                        while index < count && base[index] == space { index += 1 }
                    } else {
                        while index < count && !Items.stops(base[index], Items.valueStops) { index += 1 }
                        valueEnd = index
                    }
                } else {
                    valueEnd = index
                }
                var span = ItemSpan(
                    itemStart: itemStart, keyStart: itemStart, keyEnd: keyEnd,
                    valueStart: valueStart, valueEnd: valueEnd, group: group, hasEquals: hasEquals, dash: dash)
                if base[itemStart] == space || base[itemStart] == 0x09 || (keyEnd > itemStart && (base[keyEnd - 1] == space || base[keyEnd - 1] == 0x09)) {
                    trim(bytes, &span.keyStart, &span.keyEnd)
                }
                if valueEnd > valueStart && (base[valueStart] == space || base[valueStart] == 0x09 || base[valueEnd - 1] == space || base[valueEnd - 1] == 0x09) {
                    trim(bytes, &span.valueStart, &span.valueEnd)
                }
                if index < count {
                    if base[index] == semicolon { group += 1 }
                    index += 1
                }
                if span.keyStart < span.keyEnd || span.valueStart < span.valueEnd { return span }
            }
            return nil
        }
    }

    /// Every item as strings, with problems for items that are not `key=value`.
    static func parse(_ bytes: UnsafeRawBufferPointer, baseOffset: Int, problems: inout [Problem]) -> [CPItem] {
        var items: [CPItem] = []
        var walker = Items(bytes)
        while let span = walker.next() {
            let key = string(bytes, span.keyStart, span.keyEnd)
            let value = string(bytes, span.valueStart, span.valueEnd)
            if let problem = malformedProblem(span, key: key, baseOffset: baseOffset) { problems.append(problem) }
            items.append(CPItem(key: key, value: value, group: span.group))
        }
        return items
    }

    static func malformedProblem(_ span: ItemSpan, key: String, baseOffset: Int) -> Problem? {
        if !span.hasEquals {
            return Problem(
                .cpItemMalformed, .warning, offset: baseOffset + span.itemStart, field: key,
                "the data-area item \"\(key)\" has no \"=\"; it was kept with an empty value")
        }
        if span.keyStart == span.keyEnd {
            return Problem(
                .cpItemMalformed, .warning, offset: baseOffset + span.itemStart,
                "a data-area item has a value but no key; it was kept with an empty key")
        }
        return nil
    }

    fileprivate static func closingSlashes(_ bytes: UnsafeRawBufferPointer, from: Int) -> Int? {
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
    static func trim(_ bytes: UnsafeRawBufferPointer, _ start: inout Int, _ end: inout Int) {
        while start < end && (bytes[start] == space || bytes[start] == 0x09) { start += 1 }
        while end > start && (bytes[end - 1] == space || bytes[end - 1] == 0x09) { end -= 1 }
    }

    @inline(__always)
    static func string(_ bytes: UnsafeRawBufferPointer, _ from: Int, _ to: Int) -> String {
        if from >= to { return "" }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self)
    }

    @inline(__always)
    static func trimmedString(_ bytes: UnsafeRawBufferPointer, _ from: Int, _ to: Int) -> String {
        var start = from, end = to
        trim(bytes, &start, &end)
        return string(bytes, start, end)
    }
}
