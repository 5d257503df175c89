/// Turns data-area bytes into typed content: `DataTime`, readings grouped by code (2005 codes
/// mapped, the raw code kept), and every other item kept in order. It works on the bytes and
/// makes strings only for codes and for items that are not readings, so a frame is read in
/// about the time it takes to copy it.
enum ContentReader {
    /// The suffixes the reader stores in typed fields.
    enum Suffix {
        case numeric(Reading.NumericField)
        case flag, eFlag, sampleTime
        case other
    }

    static func read(
        _ bytes: UnsafeRawBufferPointer, baseOffset: Int?, header: inout Header, edition: Edition,
        tables: CodeTables, problems: inout [Problem]
    ) -> DataContent {
        var content = DataContent(kind: header.cn.flatMap(DataKind.init(cn:)))
        let medium: String? = switch header.st {
        case "31": "gas"
        case "32": "water"
        default: nil
        }
        var polId: String?
        var readings: [Reading] = []
        readings.reserveCapacity(16)
        // Where each reading's code sits in the bytes, to find a reading again without strings.
        var codeRanges: [Range<Int>] = []
        codeRanges.reserveCapacity(16)
        var current = -1
        var currentCode = 0..<0
        var walker = DataAreaParser.Items(bytes)
        while let span = walker.next() {
            let dash = span.dash
            guard dash > span.keyStart, dash + 1 < span.keyEnd else {
                otherItem(span, bytes: bytes, baseOffset: baseOffset, content: &content, header: &header,
                          polId: &polId, problems: &problems)
                current = -1
                continue
            }
            let code = span.keyStart..<dash
            if current < 0 || !equal(bytes, code, currentCode) {
                current = -1
                for index in codeRanges.indices where equal(bytes, codeRanges[index], code) && readings[index].polId == polId {
                    current = index
                    break
                }
                if current < 0 {
                    let rawCode = DataAreaParser.string(bytes, code.lowerBound, code.upperBound)
                    var mapped = rawCode
                    if edition == .hj2005, let code = tables.currentCode(for: rawCode, medium: medium) { mapped = code }
                    readings.append(Reading(code: mapped, rawCode: rawCode, polId: polId))
                    codeRanges.append(code)
                    current = readings.count - 1
                }
                currentCode = code
            }
            readings.withUnsafeMutableBufferPointer { buffer in
                store(span, suffix: (dash + 1)..<span.keyEnd, bytes: bytes, baseOffset: baseOffset,
                      in: &buffer[current], problems: &problems)
            }
        }
        content.readings = readings
        // Only readings need dating: a platform's request with the same CN (2011 start, 2061 history) has none.
        if content.dataTimeText == nil, !readings.isEmpty, let kind = content.kind, kind.isMeasurement {
            problems.append(Problem(
                .missingDataTime, field: "DataTime",
                "the data upload has no DataTime, so its readings cannot be dated"))
        }
        return content
    }

    private static func otherItem(
        _ span: ItemSpan, bytes: UnsafeRawBufferPointer, baseOffset: Int?, content: inout DataContent,
        header: inout Header, polId: inout String?, problems: inout [Problem]
    ) {
        let key = DataAreaParser.string(bytes, span.keyStart, span.keyEnd)
        let value = DataAreaParser.string(bytes, span.valueStart, span.valueEnd)
        if let problem = DataAreaParser.malformedProblem(span, key: key, baseOffset: baseOffset ?? 0) {
            var problem = problem
            if baseOffset == nil { problem.offset = nil }
            problems.append(problem)
        }
        let item = CPItem(key: key, value: value, group: span.group)
        switch key {
        case "DataTime":
            if content.dataTimeText != nil {
                problems.append(Problem(.duplicateValue, .warning, field: key, "DataTime appears twice; the first was kept"))
                content.fields.append(item)
                return
            }
            content.dataTimeText = value
            content.dataTime = LocalDateTime(hj212: value)
            if content.dataTime == nil {
                let isData = content.kind?.isMeasurement ?? false
                problems.append(Problem(
                    .badDataTime, isData ? .error : .warning, field: key,
                    "DataTime is \"\(value)\", not a valid YYYYMMDDhhmmss time; the readings cannot be dated"))
            }
        case "PolId":
            polId = value
            content.fields.append(item)
        case "PNUM", "PNO":
            problems.append(Problem(
                .splitFieldsInCP, .warning, field: key,
                "\(key) is inside the data area instead of the header; it was used"))
            if key == "PNUM", header.pnum == nil { header.pnum = Int(value) }
            if key == "PNO", header.pno == nil { header.pno = Int(value) }
            content.fields.append(item)
        case "Flag":
            problems.append(Problem(
                .cpBareFlag, .warning, field: key,
                "a data flag \"Flag=\(value)\" stands alone without a pollutant code; it was kept as a field"))
            content.fields.append(item)
        default:
            content.fields.append(item)
        }
    }

    @inline(__always)
    private static func equal(_ bytes: UnsafeRawBufferPointer, _ a: Range<Int>, _ b: Range<Int>) -> Bool {
        guard a.count == b.count else { return false }
        var i = a.lowerBound, j = b.lowerBound
        while i < a.upperBound {
            if bytes[i] != bytes[j] { return false }
            i += 1
            j += 1
        }
        return true
    }

    /// The suffix's bytes packed into an integer (up to 8 bytes), for a fast switch.
    @inline(__always)
    private static func packed(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> UInt64 {
        var value: UInt64 = 0
        for index in range { value = value << 8 | UInt64(bytes[index]) }
        return value
    }

    @inline(__always)
    static func suffix(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Suffix {
        if range.count == 10 {
            return DataAreaParser.string(bytes, range.lowerBound, range.upperBound) == "SampleTime" ? .sampleTime : .other
        }
        guard range.count <= 8 else { return .other }
        switch packed(bytes, range) {
        case 0x527464: return .numeric(.rtd)
        case 0x4D696E: return .numeric(.min)
        case 0x417667: return .numeric(.avg)
        case 0x4D6178: return .numeric(.max)
        case 0x436F75: return .numeric(.cou)
        case 0x5A73527464: return .numeric(.zsRtd)
        case 0x5A734D696E: return .numeric(.zsMin)
        case 0x5A73417667: return .numeric(.zsAvg)
        case 0x5A734D6178: return .numeric(.zsMax)
        case 0x526177417667: return .numeric(.rawAvg)
        case 0x466C6167: return .flag
        case 0x45466C6167: return .eFlag
        default: return .other
        }
    }

    @inline(__always)
    private static func store(
        _ span: ItemSpan, suffix range: Range<Int>, bytes: UnsafeRawBufferPointer, baseOffset: Int?,
        in reading: inout Reading, problems: inout [Problem]
    ) {
        let value = UnsafeRawBufferPointer(rebasing: bytes[span.valueStart..<span.valueEnd])
        func duplicate() {
            let key = DataAreaParser.string(bytes, span.keyStart, span.keyEnd)
            problems.append(Problem(
                .duplicateValue, .warning, field: key,
                "\(key) appears twice; the first value was kept"))
        }
        if !span.hasEquals {
            let key = DataAreaParser.string(bytes, span.keyStart, span.keyEnd)
            if var problem = DataAreaParser.malformedProblem(span, key: key, baseOffset: baseOffset ?? 0) {
                if baseOffset == nil { problem.offset = nil }
                problems.append(problem)
            }
        }
        switch suffix(bytes, range) {
        case .numeric(let field):
            if reading[field] != nil { return duplicate() }
            if let number = NumberParser.parse(value) {
                reading[field] = number
            } else {
                let key = DataAreaParser.string(bytes, span.keyStart, span.keyEnd)
                let text = String(decoding: value, as: UTF8.self)
                problems.append(Problem(
                    .badNumber, .warning, field: key,
                    "\(key) is \"\(text)\", not a number; it was kept as text"))
                reading.other.append(Reading.SuffixValue(suffix: field.suffix, value: text))
            }
        case .flag:
            if reading.flag != nil { return duplicate() }
            reading.flag = value.count == 1 ? DataFlag(byte: value[0]) : DataFlag(rawValue: String(decoding: value, as: UTF8.self))
        case .eFlag:
            if reading.eFlag != nil { return duplicate() }
            reading.eFlag = String(decoding: value, as: UTF8.self)
        case .sampleTime:
            if reading.sampleTime != nil { return duplicate() }
            reading.sampleTime = String(decoding: value, as: UTF8.self)
        case .other:
            reading.other.append(Reading.SuffixValue(
                suffix: DataAreaParser.string(bytes, range.lowerBound, range.upperBound),
                value: String(decoding: value, as: UTF8.self)))
        }
    }
}

/// Reads decimal numbers as HJ 212 writes them (`-12.5`, `0.09055002`, `1.2E3`), and nothing
/// else: no hex floats, no `nan` or `inf`.
public enum NumberParser {
    private static let powers: [Double] = [
        1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    public static func parse(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    @inline(__always)
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Double? {
        let count = bytes.count
        guard count > 0, count <= 40, let p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        var index = 0
        var negative = false
        if p[0] == UInt8(ascii: "-") {
            negative = true
            index = 1
        } else if p[0] == UInt8(ascii: "+") {
            index = 1
        }
        var mantissa: UInt64 = 0
        var digits = FastContentReader.decimalDigits(p, &index, count, &mantissa)
        var fractionDigits = 0
        if index < count && p[index] == UInt8(ascii: ".") {
            index += 1
            fractionDigits = FastContentReader.decimalDigits(p, &index, count, &mantissa)
            digits += fractionDigits
        }
        guard digits > 0 else { return nil }
        if index == count {
            if digits <= 19 && mantissa < 1 << 53 && fractionDigits <= 22 {
                let value = Double(mantissa) / powers[fractionDigits]
                return negative ? -value : value
            }
            return slowPath(bytes)
        }
        // An exponent, or something that is not a number.
        guard p[index] | 0x20 == UInt8(ascii: "e") else { return nil }
        index += 1
        if index < count && (p[index] == UInt8(ascii: "-") || p[index] == UInt8(ascii: "+")) { index += 1 }
        guard index < count else { return nil }
        while index < count {
            guard p[index] &- 0x30 <= 9 else { return nil }
            index += 1
        }
        return slowPath(bytes)
    }

    private static func slowPath(_ bytes: UnsafeRawBufferPointer) -> Double? {
        guard let value = Double(String(decoding: bytes, as: UTF8.self)), value.isFinite else { return nil }
        return value
    }
}
