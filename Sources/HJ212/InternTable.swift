/// Short strings the decoder meets in nearly every frame (pollutant codes, command numbers,
/// system types, Flag values), made once from the code tables and found again by their bytes,
/// so that reading a frame does not make them anew. A string found here is equal to the one
/// `String(decoding:as:)` would make from the same bytes.
///
/// A class, not a struct: a reader that takes the table from its `CodeTables` would copy a struct
/// of five arrays, which costs five atomic retains and releases per frame.
final class InternTable: Sendable {
    /// The medium a frame is about, from its ST (31 air, 32 water), and the medium of a 2005 code.
    enum Medium: UInt8, Sendable {
        case unknown, gas, water, other

        /// The medium of a frame's system type: 31 air (gas), 32 water.
        init(st: String?) {
            self.init(stWord: st.flatMap(ByteWords.word))
        }

        /// The medium for an ST given as its bytes in a word (`ByteWords`).
        init(stWord: UInt64?) {
            switch stWord {
            case 0x3133: self = .gas // "31"
            case 0x3233: self = .water // "32"
            default: self = .unknown
            }
        }

        /// The name the code tables use, nil for `unknown`.
        var name: String? {
            switch self {
            case .unknown: nil
            case .gas: "gas"
            case .water: "water"
            case .other: "other"
            }
        }

        init(_ name: String?) {
            switch name {
            case nil: self = .unknown
            case "gas": self = .gas
            case "water": self = .water
            default: self = .other
            }
        }
    }

    /// The longest string kept: eight bytes, one word.
    static let maximumLength = 8

    // Open addressing over parallel arrays indexed by slot, so that one probe's loads (the word,
    // the length, the string) do not wait on each other. An empty slot has length 0xFF.
    private let words: [UInt64]
    private let lengths: [UInt8]
    private let strings: [String]
    /// For 2005 codes: the current code, and the medium that code belongs to.
    private let current2005s: [String?]
    private let media2005: [Medium]
    /// For 2005 codes: the slot of the current code; -1 for none, -2 for one the table lacks.
    private let current2005Slots: [Int32]
    private let shift: UInt64

    /// The shipped code tables' intern table, whose slots readings keep their codes by (`CodeRef`).
    static var shipped: InternTable { CodeTables.shipped.interned }

    init(strings: some Sequence<String>, codes2005: [String: (code: String, medium: String)] = [:]) {
        var unique: [String] = []
        var seen: Set<String> = []
        // ASCII strings only: a reading's `CodeRef` compares interned codes by slot, which is right
        // for ASCII (no other bytes are equal to them as strings).
        for string in strings where !seen.contains(string) && string.utf8.count <= Self.maximumLength
            && string.utf8.allSatisfy({ $0 < 0x80 }) {
            seen.insert(string)
            unique.append(string)
        }
        var bits: UInt64 = 4
        while (1 << bits) < unique.count * 2 { bits += 1 }
        let size = 1 << bits
        let shift = 64 - bits
        var words = [UInt64](repeating: 0, count: size)
        var lengths = [UInt8](repeating: 0xFF, count: size)
        var interned = [String](repeating: "", count: size)
        var current2005s = [String?](repeating: nil, count: size)
        var media2005 = [Medium](repeating: .unknown, count: size)
        for string in unique {
            let word = Self.word(string), length = string.utf8.count
            var slot = Self.hash(word, length, shift: shift)
            while lengths[slot] != 0xFF { slot = (slot + 1) & (size - 1) }
            words[slot] = word
            lengths[slot] = UInt8(length)
            interned[slot] = string
            current2005s[slot] = codes2005[string]?.code
            media2005[slot] = Medium(codes2005[string]?.medium)
        }
        // The slot of each 2005 code's current code, where the table holds it.
        var current2005Slots = [Int32](repeating: -1, count: size)
        for slot in 0..<size {
            guard let current = current2005s[slot] else { continue }
            let length = current.utf8.count
            let index = length <= Self.maximumLength ? Self.index(Self.word(current), length, words: words, lengths: lengths, shift: shift) : -1
            current2005Slots[slot] = index >= 0 ? Int32(index) : -2
        }
        self.current2005Slots = current2005Slots
        self.words = words
        self.lengths = lengths
        self.strings = interned
        self.current2005s = current2005s
        self.media2005 = media2005
        self.shift = shift
    }

    /// The slot of the string whose bytes are given as a word (`ByteWords`, zero-padded) and their
    /// length, or -1.
    @inline(__always)
    func index(word: UInt64, length: Int) -> Int {
        guard length <= Self.maximumLength else { return -1 }
        return Self.index(word, length, words: words, lengths: lengths, shift: shift)
    }

    @inline(__always)
    private static func index(_ word: UInt64, _ length: Int, words: [UInt64], lengths: [UInt8], shift: UInt64) -> Int {
        words.withUnsafeBufferPointer { words in
            lengths.withUnsafeBufferPointer { lengths in
                var slot = Self.hash(word, length, shift: shift)
                while true {
                    let slotLength = lengths[slot]
                    if words[slot] == word && Int(slotLength) == length { return slot }
                    if slotLength == 0xFF { return -1 }
                    slot = (slot &+ 1) & (words.count &- 1)
                }
            }
        }
    }

    /// The slot of a string, or -1.
    func index(of string: String) -> Int {
        let length = string.utf8.count
        guard length <= Self.maximumLength else { return -1 }
        return index(word: Self.word(string), length: length)
    }

    /// The string in a slot.
    @inline(__always)
    func string(at index: Int) -> String { strings[index] }

    /// The current code for the slot's 2005 code, when the map has one for the medium (a frame
    /// of unknown medium takes any).
    @inline(__always)
    func current2005(at index: Int, medium: Medium) -> String? {
        guard medium == .unknown || media2005[index] == medium else { return nil }
        return current2005s[index]
    }

    /// The strings and the 2005 map by slot, as a reader that takes many of them in a row uses
    /// them: read through the table's arrays, each array is loaded again after every retain.
    struct Entries {
        var current2005Slots: UnsafeBufferPointer<Int32>
        var media2005: UnsafeBufferPointer<Medium>

        /// The slot of the current code for the slot's 2005 code, when the map has one for the
        /// medium (a frame of unknown medium takes any); -1 when it has none, -2 when the table
        /// lacks it (`InternTable.current2005(at:medium:)` gives it then).
        @inline(__always)
        func current2005Slot(at index: Int, medium: Medium) -> Int {
            guard medium == .unknown || media2005[index] == medium else { return -1 }
            return Int(current2005Slots[index])
        }
    }

    /// Calls `body` with the table's entries.
    @inline(__always)
    func withEntries<R>(_ body: (Entries) -> R) -> R {
        current2005Slots.withUnsafeBufferPointer { slots in
            media2005.withUnsafeBufferPointer { media in
                body(Entries(current2005Slots: slots, media2005: media))
            }
        }
    }

    /// `string(_:_:_:count:)` for bytes whose first (up to) eight are given as a word.
    @inline(__always)
    func string(word: UInt64, _ p: UnsafePointer<UInt8>, _ start: Int, _ length: Int) -> String {
        if length <= Self.maximumLength {
            let index = index(word: word, length: length)
            if index >= 0 { return strings[index] }
        }
        return String(decoding: UnsafeRawBufferPointer(start: p + start, count: length), as: UTF8.self)
    }

    /// The interned string for the bytes `start..<start + length`, or a new one when they are not
    /// in the table.
    @inline(__always)
    func string(_ p: UnsafePointer<UInt8>, _ start: Int, _ length: Int, count: Int) -> String {
        if length <= Self.maximumLength {
            let index = index(word: ByteWords.word(p, start, length, count: count), length: length)
            if index >= 0 { return strings[index] }
        }
        return String(decoding: UnsafeRawBufferPointer(start: p + start, count: length), as: UTF8.self)
    }

    @inline(__always)
    private static func hash(_ word: UInt64, _ length: Int, shift: UInt64) -> Int {
        Int(truncatingIfNeeded: ((word ^ UInt64(truncatingIfNeeded: length)) &* 0x9E37_79B9_7F4A_7C15) &>> shift)
    }

    static func word(_ string: String) -> UInt64 {
        var word: UInt64 = 0
        for (index, byte) in string.utf8.prefix(maximumLength).enumerated() { word |= UInt64(byte) << UInt64(8 * index) }
        return word
    }
}
