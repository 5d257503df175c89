/// Turns data-area items into typed content: `DataTime`, readings grouped by code (2005 codes
/// mapped, the raw code kept), and every other item kept in order.
enum ContentReader {
    static func read(
        items: [CPItem], header: inout Header, edition: Edition, tables: CodeTables, problems: inout [Problem]
    ) -> DataContent {
        var content = DataContent(kind: header.cn.flatMap(DataKind.init(cn:)))
        let medium: String? = switch header.st {
        case "31": "gas"
        case "32": "water"
        default: nil
        }
        var polId: String?
        var readings: [Reading] = []
        readings.reserveCapacity(items.count / 3 + 1)
        for item in items {
            let key = item.key
            if key == "DataTime" {
                if content.dataTimeText != nil {
                    problems.append(Problem(.duplicateValue, .warning, field: key, "DataTime appears twice; the first was kept"))
                    continue
                }
                content.dataTimeText = item.value
                content.dataTime = LocalDateTime(hj212: item.value)
                if content.dataTime == nil {
                    let isData = content.kind?.isMeasurement ?? false
                    problems.append(Problem(
                        .badDataTime, isData ? .error : .warning, field: key,
                        "DataTime is \"\(item.value)\", not a valid YYYYMMDDhhmmss time; the readings cannot be dated"))
                }
                continue
            }
            if key == "PolId" {
                polId = item.value
                content.fields.append(item)
                continue
            }
            if key == "PNUM" || key == "PNO" {
                problems.append(Problem(
                    .splitFieldsInCP, .warning, field: key,
                    "\(key) is inside the data area instead of the header; it was used"))
                if key == "PNUM", header.pnum == nil { header.pnum = Int(item.value) }
                if key == "PNO", header.pno == nil { header.pno = Int(item.value) }
                content.fields.append(item)
                continue
            }
            guard let dash = key.utf8.firstIndex(of: UInt8(ascii: "-")), dash != key.utf8.startIndex,
                  key.utf8.index(after: dash) != key.utf8.endIndex
            else {
                if key == "Flag" {
                    problems.append(Problem(
                        .cpBareFlag, .warning, field: key,
                        "a data flag \"Flag=\(item.value)\" stands alone without a pollutant code; it was kept as a field"))
                }
                content.fields.append(item)
                continue
            }
            let rawCode = String(key[..<dash])
            let suffix = key[key.utf8.index(after: dash)...]
            let readingIndex: Int
            if let existing = readings.lastIndex(where: { $0.rawCode == rawCode && $0.polId == polId }) {
                readingIndex = existing
            } else {
                var code = rawCode
                if edition == .hj2005, let mapped = tables.currentCode(for: rawCode, medium: medium) { code = mapped }
                readings.append(Reading(code: code, rawCode: rawCode, polId: polId))
                readingIndex = readings.count - 1
            }
            store(suffix: suffix, item: item, in: &readings[readingIndex], problems: &problems)
        }
        content.readings = readings
        if content.dataTimeText == nil, let kind = content.kind, kind.isMeasurement {
            problems.append(Problem(
                .missingDataTime, field: "DataTime",
                "the data upload has no DataTime, so its readings cannot be dated"))
        }
        return content
    }

    private static func store(suffix: Substring, item: CPItem, in reading: inout Reading, problems: inout [Problem]) {
        func duplicate() {
            problems.append(Problem(
                .duplicateValue, .warning, field: item.key,
                "\(item.key) appears twice; the first value was kept"))
        }
        switch suffix {
        case "Flag":
            if reading.flag != nil { return duplicate() }
            reading.flag = DataFlag(rawValue: item.value)
        case "EFlag":
            if reading.eFlag != nil { return duplicate() }
            reading.eFlag = item.value
        case "SampleTime":
            if reading.sampleTime != nil { return duplicate() }
            reading.sampleTime = item.value
        default:
            if Reading.isNumericSuffix(suffix) {
                let name = String(suffix)
                if reading[numeric: name] != nil { return duplicate() }
                if let value = NumberParser.parse(item.value) {
                    reading[numeric: name] = value
                } else {
                    problems.append(Problem(
                        .badNumber, .warning, field: item.key,
                        "\(item.key) is \"\(item.value)\", not a number; it was kept as text"))
                    reading.other.append(Reading.SuffixValue(suffix: name, value: item.value))
                }
            } else {
                reading.other.append(Reading.SuffixValue(suffix: String(suffix), value: item.value))
            }
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

    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Double? {
        let count = bytes.count
        guard count > 0, count <= 40 else { return nil }
        var index = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            index = 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var sawDigit = false
        var sawPoint = false
        while index < count {
            let byte = bytes[index]
            if byte >= 0x30 && byte <= 0x39 {
                sawDigit = true
                if mantissa == 0 && byte == 0x30 && !sawPoint {
                    // leading zero: nothing to add
                } else {
                    mantissa = mantissa &* 10 &+ UInt64(byte - 0x30)
                    digits += 1
                }
                if sawPoint { fractionDigits += 1 }
            } else if byte == UInt8(ascii: ".") && !sawPoint {
                sawPoint = true
            } else {
                break
            }
            index += 1
        }
        guard sawDigit else { return nil }
        if index == count {
            if digits <= 15 && fractionDigits <= 22 {
                let value = Double(mantissa) / powers[fractionDigits]
                return negative ? -value : value
            }
            return slowPath(bytes)
        }
        // An exponent.
        guard bytes[index] | 0x20 == UInt8(ascii: "e") else { return nil }
        index += 1
        if index < count && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")) { index += 1 }
        guard index < count else { return nil }
        while index < count {
            guard bytes[index] >= 0x30 && bytes[index] <= 0x39 else { return nil }
            index += 1
        }
        return slowPath(bytes)
    }

    private static func slowPath(_ bytes: UnsafeRawBufferPointer) -> Double? {
        guard let value = Double(String(decoding: bytes, as: UTF8.self)), value.isFinite else { return nil }
        return value
    }
}
