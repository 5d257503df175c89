/// Reads just enough of an answer frame to match it: where its QN is, and whether it is a 9014.
///
/// No packet is decoded: the load generator and the minimal server only need byte ranges.
enum ReplyPeek {
    /// The ranges of the header fields a reply needs, within `frame` (`##` at 0, data segment
    /// `6..<dataEnd`). Only the header (before `CP=`) is searched.
    struct Fields {
        var qn: Range<Int>?
        var pw: Range<Int>?
        var mn: Range<Int>?
        var isDataAck = false
    }

    private static let q = UInt8(ascii: "Q"), n = UInt8(ascii: "N"), c = UInt8(ascii: "C"), p = UInt8(ascii: "P")
    private static let m = UInt8(ascii: "M"), w = UInt8(ascii: "W"), equals = UInt8(ascii: "="), semicolon = UInt8(ascii: ";")

    /// Finds QN, PW, MN and whether CN is 9014, scanning `key=value;` pairs from offset 6.
    static func fields(in frame: UnsafeRawBufferPointer, dataEnd: Int) -> Fields {
        var result = Fields()
        var index = 6
        while index < dataEnd {
            // A key runs to '='.
            var equalsAt = index
            while equalsAt < dataEnd && frame[equalsAt] != equals && frame[equalsAt] != semicolon { equalsAt += 1 }
            guard equalsAt < dataEnd, frame[equalsAt] == equals else { break }
            let keyLength = equalsAt - index
            if keyLength == 2 && frame[index] == c && frame[index + 1] == p { break }  // CP: the header is over
            var end = equalsAt + 1
            while end < dataEnd && frame[end] != semicolon { end += 1 }
            let value = (equalsAt + 1)..<end
            if keyLength == 2 {
                let first = frame[index], second = frame[index + 1]
                if first == q && second == n {
                    result.qn = value
                } else if first == p && second == w {
                    result.pw = value
                } else if first == m && second == n {
                    result.mn = value
                } else if first == c && second == n {
                    result.isDataAck = value.count == 4 && frame[value.lowerBound] == 0x39 && frame[value.lowerBound + 1] == 0x30
                        && frame[value.lowerBound + 2] == 0x31 && frame[value.lowerBound + 3] == 0x34
                }
            }
            index = end + 1
        }
        return result
    }
}
