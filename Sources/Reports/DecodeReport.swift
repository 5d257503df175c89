import HJ212
import LocalTime

/// The field engineer's answer to "what did this device send?": the verdict and the content of
/// each frame, as JSON (keys per design.md §3) or as a readable text block.
public struct DecodeReport: Sendable {
    public var timeZone: LocalTimeZone
    public var tables: CodeTables

    public init(timeZone: LocalTimeZone = .beijing, tables: CodeTables = .shipped) {
        self.timeZone = timeZone
        self.tables = tables
    }

    // MARK: JSON

    /// One decoded frame as a JSON object.
    public func json(_ packet: Packet, frame: RawFrame) -> JSONValue {
        let header = packet.header
        var members: [(String, JSONValue)] = [
            ("ok", .bool(packet.isAccepted)),
            ("problems", .array(packet.problems.map(problemJSON))),
            ("edition", .string(packet.edition.rawValue)),
            ("qn", .optional(header.qn)),
            ("st", .optional(header.st)),
            ("cn", .optional(header.cn)),
            ("pw", .optional(header.pw)),
            ("mn", .optional(header.mn)),
            ("flag", header.flag.map { .int(Int($0.rawValue)) } ?? .null),
            ("pnum", .optional(header.pnum)),
            ("pno", .optional(header.pno)),
            ("rf", rfJSON(packet)),
            ("data_time", dataTimeJSON(packet.content)),
            ("readings", .array(packet.content.readings.map(readingJSON))),
            ("fields", .array(packet.content.fields.map { .object([("key", .string($0.key)), ("value", .string($0.value))]) })),
        ]
        members.append(("encrypted", .bool(packet.wasEncrypted)))
        members.append(("crc", .object([
            ("sent", .string(packet.crc.sent)),
            ("computed", packet.crc.computed.map { .string(CRC16.hexString($0)) } ?? .null),
            ("algorithm", .optional(packet.crc.matched?.rawValue)),
        ])))
        members.append(("length", .object([
            ("declared", .int(frame.declaredLength)),
            ("actual", .int(frame.dataEnd - 6)),
        ])))
        members.append(("offset", .int(frame.streamOffset)))
        if let kind = packet.kind { members.append(("kind", .string(kind.rawValue))) }
        return .object(members)
    }

    /// A stretch that could not become a frame.
    public func json(_ malformed: MalformedFrame) -> JSONValue {
        .object([
            ("ok", .bool(false)),
            ("problems", .array([problemJSON(malformed.problem)])),
            ("edition", .null),
            ("offset", .int(malformed.streamOffset)),
            ("dropped_bytes", .int(malformed.droppedBytes)),
            ("raw", .string(RawText.escaped(malformed.bytes, limit: 512))),
        ])
    }

    func problemJSON(_ problem: Problem) -> JSONValue {
        .object([
            ("code", .string(problem.code.rawValue)),
            ("severity", .string(problem.severity.rawValue)),
            ("message", .string(problem.message)),
            ("offset", .optional(problem.offset)),
            ("field", .optional(problem.field)),
        ])
    }

    func rfJSON(_ packet: Packet) -> JSONValue {
        if let rf = packet.header.rf { return .bool(rf == "1") }
        return packet.edition == .hj2025 ? .bool(false) : .null
    }

    func dataTimeJSON(_ content: DataContent) -> JSONValue {
        if let time = content.dataTime { return .string(timeZone.iso8601(time)) }
        return .optional(content.dataTimeText)
    }

    /// Reading keys: pollutant, raw_code, the standard suffixes (null when not sent), flag,
    /// then any other suffix in snake case.
    public func readingJSON(_ reading: Reading) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("pollutant", .string(reading.code)),
            ("raw_code", .string(reading.rawCode)),
        ]
        if let polId = reading.polId { members.append(("pol_id", .string(polId))) }
        for suffix in ["Rtd", "Min", "Avg", "Max", "Cou", "ZsRtd", "ZsMin", "ZsAvg", "ZsMax"] {
            members.append((SnakeCase.convert(suffix), .optional(reading[numeric: suffix])))
        }
        members.append(("flag", .optional(reading.flag?.rawValue)))
        if let rawAvg = reading.rawAvg { members.append(("raw_avg", .number(rawAvg))) }
        if let eFlag = reading.eFlag { members.append(("e_flag", .string(eFlag))) }
        if let sampleTime = reading.sampleTime { members.append(("sample_time", .string(sampleTime))) }
        for other in reading.other {
            let key = SnakeCase.convert(other.suffix)
            guard !members.contains(where: { $0.0 == key }) else { continue }
            let kind = tables.suffixKinds[other.suffix]
            if kind == "number" || kind == nil, let number = NumberParser.parse(other.value) {
                members.append((key, .number(number)))
            } else {
                members.append((key, .string(other.value)))
            }
        }
        return .object(members)
    }

    // MARK: Text

    /// One decoded frame as a readable block.
    public func text(_ packet: Packet, frame: RawFrame, index: Int) -> String {
        let header = packet.header
        let errors = packet.problems.filter(\.isError).count
        let warnings = packet.problems.count - errors
        var lines: [String] = []
        var verdict = packet.isAccepted ? "ACCEPTED" : "REFUSED"
        if errors > 0 { verdict += " (\(errors) error\(errors == 1 ? "" : "s"))" }
        if warnings > 0 { verdict += " (\(warnings) warning\(warnings == 1 ? "" : "s"))" }
        lines.append("Frame \(index) at byte \(frame.streamOffset), \(frame.bytes.count) bytes: \(verdict)")
        let cnName = header.cn.flatMap { tables.command($0, edition: packet.edition)?.nameZh }
        var headerLine = "  HJ 212-\(packet.edition.rawValue)"
        if let qn = header.qn { headerLine += "  QN \(qn)" }
        if let st = header.st { headerLine += "  ST \(st)" }
        headerLine += "  CN \(header.cn ?? "-")" + (cnName.map { " (\($0))" } ?? "")
        lines.append(headerLine)
        var identity = "  MN \(header.mn ?? "-")  PW \(header.pw ?? "-")"
        if let flag = header.flag {
            var bits: [String] = []
            if flag.answerWanted { bits.append("answer wanted") }
            if flag.isSplit { bits.append("split") }
            identity += "  Flag \(flag.rawValue)" + (bits.isEmpty ? "" : " (\(bits.joined(separator: ", ")))")
        }
        if let pnum = header.pnum { identity += "  PNUM \(pnum)" }
        if let pno = header.pno { identity += "  PNO \(pno)" }
        if header.isBackfill { identity += "  RF 1 (back-filled)" }
        lines.append(identity)
        var crcLine = "  CRC \(packet.crc.sent)"
        if let matched = packet.crc.matched {
            crcLine += " ok (\(matched.displayName))"
        } else if let computed = packet.crc.computed {
            crcLine += " wrong (HJ 212 CRC is \(CRC16.hexString(computed)))"
        } else {
            crcLine += " not checked"
        }
        if packet.wasEncrypted { crcLine += "  data area SM4-encrypted" }
        lines.append(crcLine)
        if let time = packet.content.dataTime {
            lines.append("  DataTime \(timeZone.iso8601(time))" + (packet.kind.map { "  (\($0.rawValue) data)" } ?? ""))
        } else if let text = packet.content.dataTimeText {
            lines.append("  DataTime \(text) (invalid)")
        }
        if !packet.content.readings.isEmpty {
            lines.append(readingsTable(packet.content.readings, edition: packet.edition))
        }
        for field in packet.content.fields {
            lines.append("  \(field.key) = \(field.value)")
        }
        for problem in packet.problems {
            var place = ""
            if let offset = problem.offset { place += " at byte \(offset)" }
            if let field = problem.field { place += " [\(field)]" }
            lines.append("  \(problem.severity.rawValue) \(problem.code.rawValue)\(place): \(problem.message)")
        }
        return lines.joined(separator: "\n")
    }

    public func text(_ malformed: MalformedFrame, index: Int) -> String {
        "Frame \(index) at byte \(malformed.streamOffset): REFUSED, \(malformed.droppedBytes) bytes dropped\n"
            + "  error \(malformed.problem.code.rawValue): \(malformed.problem.message)\n"
            + "  starts: \(RawText.escaped(malformed.bytes, limit: 120))"
    }

    func readingsTable(_ readings: [Reading], edition: Edition) -> String {
        let suffixes = Reading.numericSuffixes.filter { suffix in readings.contains { $0[numeric: suffix] != nil } }
        var header = ["code", "name", "unit"] + suffixes + ["Flag"]
        let hasOther = readings.contains { !$0.other.isEmpty || $0.eFlag != nil || $0.sampleTime != nil }
        if hasOther { header.append("other") }
        var rows: [[String]] = []
        for reading in readings {
            let info = tables.pollutants[reading.code]
            var code = reading.code
            if reading.rawCode != reading.code { code += " (\(reading.rawCode))" }
            if let polId = reading.polId { code = "\(polId)/" + code }
            var row = [code, info?.nameZh ?? "", info?.unit ?? ""]
            row += suffixes.map { reading[numeric: $0].map { NumberFormatter212.format($0) } ?? "" }
            row.append(reading.flag?.rawValue ?? "")
            if hasOther {
                var other = reading.other.map { "\($0.suffix)=\($0.value)" }
                if let eFlag = reading.eFlag { other.insert("EFlag=\(eFlag)", at: 0) }
                if let sampleTime = reading.sampleTime { other.insert("SampleTime=\(sampleTime)", at: 0) }
                row.append(other.joined(separator: " "))
            }
            rows.append(row)
        }
        return TextTable.render(header: header, rows: rows, indent: 2)
    }
}
