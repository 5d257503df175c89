/// The common case of the data area, read in one pass over the bytes: `key=value` items
/// separated by `;` and `,`, readings keyed `code-Suffix` with plain decimal numbers and
/// one-letter flags. Numbers are parsed while the value is scanned and no string is made
/// except for codes and the odd named item.
///
/// Anything unusual (spaces, `//` text, an item without `=`, a repeated value, PolId,
/// PNUM/PNO, a bad DataTime, exponents) makes it give up and return nil, and the general
/// `ContentReader` reads the area instead, with all its diagnostics. Both must agree on
/// every input they both accept; the round-trip and sample tests check that.
enum FastContentReader {
    private static let semicolon = UInt8(ascii: ";")
    private static let comma = UInt8(ascii: ",")
    private static let equals = UInt8(ascii: "=")
    private static let dashByte = UInt8(ascii: "-")
    private static let dot = UInt8(ascii: ".")

    /// Bytes (< 64) that end or complicate a key: `=`, `;`, `,`, `-`, space, `/`, tab, CR, LF.
    private static let keySpecial: UInt64 = 1 << 0x3D | 1 << 0x3B | 1 << 0x2C | 1 << 0x2D | 1 << 0x20 | 1 << 0x2F | 1 << 0x09 | 1 << 0x0D | 1 << 0x0A
    /// Bytes (< 64) that end or complicate a value: `;`, `,`, space, `/`, tab, CR, LF, `=`.
    private static let valueSpecial: UInt64 = 1 << 0x3B | 1 << 0x2C | 1 << 0x20 | 1 << 0x2F | 1 << 0x09 | 1 << 0x0D | 1 << 0x0A | 1 << 0x3D

    private static let powersTable: [Double] = [
        1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    @inline(__always)
    private static func powers(_ exponent: Int) -> Double {
        switch exponent {
        case 0: 1
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        default: powersTable[exponent]
        }
    }

    @inline(__always)
    private static func special(_ byte: UInt8, _ mask: UInt64) -> Bool {
        byte < 64 && (mask >> UInt64(byte)) & 1 != 0
    }

    static func read(
        _ bytes: UnsafeRawBufferPointer, header: Header, edition: Edition, tables: CodeTables
    ) -> DataContent? {
        let count = bytes.count
        var content = DataContent(kind: header.cn.flatMap(DataKind.init(cn:)))
        guard count > 0, let p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return content }
        let mapCodes = edition == .hj2005
        let medium: String? = switch header.st {
        case "31": "gas"
        case "32": "water"
        default: nil
        }
        let slots = 32
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: slots * 2) { codes -> DataContent? in
        withUnsafeTemporaryAllocation(of: Double.self, capacity: slots * 10) { values -> DataContent? in
        withUnsafeTemporaryAllocation(of: UInt16.self, capacity: slots) { masks -> DataContent? in
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: slots) { flags -> DataContent? in
            // codes[2s] = start, codes[2s+1] = length of slot s's code in the bytes.
            var used = 0
            var current = -1
            var currentStart = 0, currentLength = 0
            var group = 0
            var index = 0
            while index < count {
                // Key, noting the first dash.
                let keyStart = index
                var dash = -1
                while index < count {
                    let byte = p[index]
                    if special(byte, keySpecial) {
                        if byte == dashByte {
                            if dash < 0 { dash = index }
                        } else {
                            break
                        }
                    }
                    index += 1
                }
                guard index < count, p[index] == equals, index > keyStart else { return nil }
                let keyEnd = index
                index += 1
                let valueStart = index

                if dash > keyStart && dash + 1 < keyEnd {
                    // code-Suffix: find or start the slot.
                    let codeLength = dash - keyStart
                    if current < 0 || codeLength != currentLength || !same(p, keyStart, currentStart, codeLength) {
                        current = -1
                        for slot in 0..<used where codes[2 * slot + 1] == codeLength && same(p, keyStart, codes[2 * slot], codeLength) {
                            current = slot
                            break
                        }
                        if current < 0 {
                            guard used < slots else { return nil }
                            current = used
                            codes[2 * current] = keyStart
                            codes[2 * current + 1] = codeLength
                            masks[current] = 0
                            flags[current] = 0
                            used += 1
                        }
                        currentStart = keyStart
                        currentLength = codeLength
                    }
                    // The suffix, packed into an integer.
                    let suffixLength = keyEnd - dash - 1
                    var packed: UInt64 = 0
                    if suffixLength <= 8 {
                        for offset in (dash + 1)..<keyEnd { packed = packed << 8 | UInt64(p[offset]) }
                    }
                    let field: UInt8
                    switch packed {
                    case 0x527464: field = 0
                    case 0x4D696E: field = 1
                    case 0x417667: field = 2
                    case 0x4D6178: field = 3
                    case 0x436F75: field = 4
                    case 0x5A73527464: field = 5
                    case 0x5A734D696E: field = 6
                    case 0x5A73417667: field = 7
                    case 0x5A734D6178: field = 8
                    case 0x526177417667: field = 9
                    case 0x466C6167: field = 100 // Flag
                    default: return nil // EFlag, SampleTime, other suffixes: the general reader keeps them
                    }
                    if field < 10 {
                        // A plain decimal, parsed as it is scanned.
                        var negative = false
                        if index < count && (p[index] == dashByte || p[index] == UInt8(ascii: "+")) {
                            negative = p[index] == dashByte
                            index += 1
                        }
                        var mantissa: UInt64 = 0
                        var digits = 0
                        var fraction = 0
                        while index < count {
                            let digit = p[index] &- 0x30
                            if digit > 9 { break }
                            mantissa = mantissa &* 10 &+ UInt64(digit)
                            digits += 1
                            index += 1
                        }
                        if index < count && p[index] == dot {
                            index += 1
                            while index < count {
                                let digit = p[index] &- 0x30
                                if digit > 9 { break }
                                mantissa = mantissa &* 10 &+ UInt64(digit)
                                digits += 1
                                fraction += 1
                                index += 1
                            }
                        }
                        let bit = UInt16(1) << field
                        guard digits > 0, digits <= 19, mantissa < 1 << 53, fraction <= 22,
                              index == count || p[index] == semicolon || p[index] == comma,
                              masks[current] & bit == 0
                        else { return nil }
                        let value = Double(mantissa) / powers(fraction)
                        values[current * 10 + Int(field)] = negative ? -value : value
                        masks[current] |= bit
                    } else {
                        // A one-letter flag.
                        guard index + 1 <= count, flags[current] == 0 else { return nil }
                        let letter = p[index]
                        index += 1
                        guard letter > 0x20, letter != semicolon, letter != comma,
                              index == count || p[index] == semicolon || p[index] == comma
                        else { return nil }
                        flags[current] = letter
                    }
                } else {
                    while index < count && !special(p[index], valueSpecial) { index += 1 }
                    guard index == count || p[index] == semicolon || p[index] == comma else { return nil }
                    let key = String(decoding: UnsafeRawBufferPointer(start: p + keyStart, count: keyEnd - keyStart), as: UTF8.self)
                    let value = String(decoding: UnsafeRawBufferPointer(start: p + valueStart, count: index - valueStart), as: UTF8.self)
                    switch key {
                    case "DataTime":
                        guard content.dataTimeText == nil, let time = LocalDateTime(hj212: value) else { return nil }
                        content.dataTimeText = value
                        content.dataTime = time
                    case "PolId", "PNUM", "PNO", "Flag":
                        return nil
                    default:
                        content.fields.append(CPItem(key: key, value: value, group: group))
                    }
                    // A named item ends the current reading's run.
                    current = -1
                }
                if index < count {
                    if p[index] == semicolon { group += 1 }
                    index += 1
                    guard index < count else { return nil } // a trailing separator: let the general reader note it
                }
            }
            if content.dataTimeText == nil, used > 0, content.kind?.isMeasurement == true { return nil }
            var readings: [Reading] = []
            readings.reserveCapacity(used)
            for slot in 0..<used {
                let rawCode = String(decoding: UnsafeRawBufferPointer(start: p + codes[2 * slot], count: codes[2 * slot + 1]), as: UTF8.self)
                var code = rawCode
                if mapCodes, let mapped = tables.currentCode(for: rawCode, medium: medium) { code = mapped }
                readings.append(Reading(
                    code: code, rawCode: rawCode,
                    values: NumericValues(values.baseAddress! + slot * 10, present: masks[slot]),
                    flag: flags[slot] != 0 ? DataFlag(byte: flags[slot]) : nil))
            }
            content.readings = readings
            return content
        }
        }
        }
        }
    }

    @inline(__always)
    private static func same(_ p: UnsafePointer<UInt8>, _ a: Int, _ b: Int, _ length: Int) -> Bool {
        var offset = 0
        while offset < length {
            if p[a + offset] != p[b + offset] { return false }
            offset += 1
        }
        return true
    }
}
