/// Short strings the decoder meets in nearly every frame (pollutant codes, command numbers,
/// system types, Flag values), made once from the code tables and found again by their bytes,
/// so that reading a frame does not make them anew. A string found here is equal to the one
/// `String(decoding:as:)` would make from the same bytes.
struct InternTable: Sendable {
    struct Entry: Sendable {
        var word: UInt64
        var length: Int
        var string: String
        /// For 2005 codes: the current code, and the medium (`Medium`) that code belongs to.
        var current2005: String?
        var medium2005: Medium
    }

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

    private let entries: [Entry]
    /// Open addressing: entry index + 1, 0 for an empty slot.
    private let slots: [Int32]
    private let shift: UInt64

    init(strings: some Sequence<String>, codes2005: [String: (code: String, medium: String)] = [:]) {
        var entries: [Entry] = []
        var seen: Set<String> = []
        for string in strings where !seen.contains(string) && string.utf8.count <= Self.maximumLength {
            seen.insert(string)
            let mapped = codes2005[string]
            entries.append(Entry(
                word: Self.word(string), length: string.utf8.count, string: string,
                current2005: mapped?.code, medium2005: Medium(mapped?.medium)))
        }
        var bits: UInt64 = 4
        while (1 << bits) < entries.count * 2 { bits += 1 }
        var slots = [Int32](repeating: 0, count: 1 << bits)
        let shift = 64 - bits
        for (index, entry) in entries.enumerated() {
            var slot = Self.hash(entry.word, entry.length, shift: shift)
            while slots[slot] != 0 { slot = (slot + 1) & (slots.count - 1) }
            slots[slot] = Int32(index + 1)
        }
        self.entries = entries
        self.slots = slots
        self.shift = shift
    }

    /// The index of the entry for bytes given as a word (`ByteWords`, zero-padded) and their
    /// length, or -1.
    @inline(__always)
    func index(word: UInt64, length: Int) -> Int {
        guard length <= Self.maximumLength else { return -1 }
        return slots.withUnsafeBufferPointer { slots in
            entries.withUnsafeBufferPointer { entries in
                var slot = Self.hash(word, length, shift: shift)
                while true {
                    let index = Int(slots[slot]) - 1
                    if index < 0 || (entries[index].word == word && entries[index].length == length) { return index }
                    slot = (slot + 1) & (slots.count - 1)
                }
            }
        }
    }

    /// The entry's string.
    @inline(__always)
    func string(at index: Int) -> String { entries[index].string }

    /// The current code for the entry's 2005 code, when the map has one for the medium (a frame
    /// of unknown medium takes any).
    @inline(__always)
    func current2005(at index: Int, medium: Medium) -> String? {
        guard medium == .unknown || entries[index].medium2005 == medium else { return nil }
        return entries[index].current2005
    }

    /// The interned string for the bytes `start..<start + length`, or a new one when they are not
    /// in the table.
    @inline(__always)
    func string(_ p: UnsafePointer<UInt8>, _ start: Int, _ length: Int, count: Int) -> String {
        if length <= Self.maximumLength {
            let index = index(word: ByteWords.word(p, start, length, count: count), length: length)
            if index >= 0 { return entries[index].string }
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
