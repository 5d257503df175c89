/// Reads a framed HJ 212 packet: header fields in any order, the data area, SM4 decryption,
/// the CRC over the plaintext, and the typed content of data uploads.
public enum PacketDecoder {
    private static let cpMarker: [UInt8] = Array("CP=&&".utf8)
    private static let amp = UInt8(ascii: "&")

    /// Decodes one frame. Never throws: every deviation becomes a `Problem` on the packet.
    public static func decode(_ frame: RawFrame, options: DecodeOptions = DecodeOptions()) -> Packet {
        // The packet is filled in place: a header or packet built aside and then copied costs
        // several copies of a few hundred bytes per frame (and the processor stalls on reading
        // back, in wide loads, what was just written in narrow stores).
        var packet = Packet(
            header: Header(), storage: frame.bytes, dataAreaRange: 0..<0, content: DataContent(), edition: .hj2005,
            wasEncrypted: false, crc: CRCCheck(), problems: frame.problems)
        decode(frame, options: options, into: &packet)
        return packet
    }

    @inline(__always)
    private static func decode(_ frame: RawFrame, options: DecodeOptions, into packet: inout Packet) {
        let bytes = frame.bytes
        let dataStart = 6
        let dataEnd = frame.dataEnd

        // Where the data area starts and ends.
        let cpKey = findCPMarker(in: bytes, from: dataStart, to: dataEnd)
        let headerEnd = cpKey ?? dataEnd
        var cpStart = dataEnd, cpEnd = dataEnd
        if let cpKey {
            cpStart = cpKey + cpMarker.count
            if dataEnd - 2 >= cpStart && bytes[dataEnd - 1] == amp && bytes[dataEnd - 2] == amp {
                cpEnd = dataEnd - 2
            } else {
                packet.problems.append(Problem(
                    .cpNotTerminated, .warning, offset: dataEnd, field: "CP",
                    "the data area does not end with \"&&\"; it was read to the end of the data segment"))
            }
        } else {
            packet.problems.append(Problem(
                .missingCP, offset: dataStart, field: "CP",
                "no \"CP=&&\" field: the frame has no data area, so it cannot be read"))
        }

        let kind: DataKind?
        let medium: InternTable.Medium
        if options.usesFastReaders, let fast = bytes.withUnsafeBytes({
            FastHeaderReader.read($0, dataStart, headerEnd, tables: options.tables, into: &packet.header)
        }) {
            kind = fast.kind
            medium = fast.medium
        } else {
            packet.header = bytes.withUnsafeBytes { raw in
                parseHeader(UnsafeRawBufferPointer(rebasing: raw[dataStart..<headerEnd]), baseOffset: dataStart, problems: &packet.problems)
            }
            kind = packet.header.cn.flatMap(DataKind.init(cn:))
            medium = InternTable.Medium(st: packet.header.st)
        }
        if cpKey != nil && headerEnd > dataStart && bytes[headerEnd - 1] != UInt8(ascii: ";") {
            packet.problems.append(Problem(.headerSeparator, .warning, offset: headerEnd, field: "CP", "no \";\" before \"CP=\""))
        }

        // Edition from the Flag's version bits.
        let edition = readEdition(&packet.header, problems: &packet.problems)
        packet.edition = edition

        // The plaintext: the frame itself, or the decrypted data area (2025).
        var areaRange = cpStart..<cpEnd
        var segmentRange = dataStart..<dataEnd
        var crcVerifiable = true
        if cpKey != nil && DataAreaCipher.isEncrypted(bytes[cpStart..<cpEnd]) {
            packet.wasEncrypted = true
            if let key = options.sm4Key {
                switch DataAreaCipher.decrypt(Array(bytes[cpStart..<cpEnd]), key: key) {
                case .success(let plain):
                    packet.storage = Array(bytes[dataStart..<cpStart]) + plain + Array(bytes[cpEnd..<dataEnd])
                    areaRange = (cpStart - dataStart)..<(cpStart - dataStart + plain.count)
                    segmentRange = 0..<packet.storage.count
                    checkPlaintextLength(frame: frame, plaintextLength: packet.storage.count, problems: &packet.problems)
                    // The standard's 1024 limit is about the plaintext, not the 5-fold wire form.
                    if packet.storage.count <= 1024 { packet.problems.removeAll { $0.code == .lengthOverStandard } }
                case .failure(let failure):
                    crcVerifiable = false
                    areaRange = cpStart..<cpStart
                    packet.problems.append(decryptionProblem(failure, cpStart: cpStart))
                }
            } else {
                crcVerifiable = false
                areaRange = cpStart..<cpStart
                packet.problems.append(Problem(
                    .encryptedWithoutKey, offset: cpStart, field: "CP",
                    "the data area is SM4-encrypted and no key is configured for this device, so its CRC cannot be checked and its data cannot be read. Add the device's sm4_key"))
            }
        }
        packet.dataAreaRange = areaRange

        // CRC over the (plaintext) data segment, then the typed content.
        let storage = packet.storage
        packet.crc = storage.withUnsafeBytes { raw in
            checkCRC(frame: frame, segment: UnsafeRawBufferPointer(rebasing: raw[segmentRange]), verifiable: crcVerifiable,
                     options: options, problems: &packet.problems)
        }
        if !options.usesFastReaders || !storage.withUnsafeBytes({ raw in
            FastContentReader.read(
                UnsafeRawBufferPointer(rebasing: raw[areaRange]), readable: raw.count - areaRange.lowerBound, kind: kind,
                medium: medium, edition: edition, tables: options.tables, into: &packet.content)
        }) {
            packet.content = storage.withUnsafeBytes { raw in
                ContentReader.read(
                    UnsafeRawBufferPointer(rebasing: raw[areaRange]), baseOffset: packet.wasEncrypted ? nil : areaRange.lowerBound,
                    header: &packet.header, edition: edition, tables: options.tables, problems: &packet.problems)
            }
        }

        checkRequiredFields(&packet, edition: edition)

        if options.policy == .strict {
            for index in packet.problems.indices where packet.problems[index].code != .lengthIsPlaintext {
                packet.problems[index].severity = .error
            }
        }
    }

    /// Reads only the header fields, for looking up the device before a full decode.
    public static func peekHeader(_ frame: RawFrame) -> Header {
        var ignored: [Problem] = []
        let end = findCPMarker(in: frame.bytes, from: 6, to: frame.dataEnd) ?? frame.dataEnd
        return frame.bytes.withUnsafeBytes { raw in
            FastHeaderReader.read(raw, 6, end, tables: .shipped)
                ?? parseHeader(UnsafeRawBufferPointer(rebasing: raw[6..<end]), baseOffset: 6, problems: &ignored)
        }
    }

    // MARK: - Header

    static func parseHeader(_ bytes: UnsafeRawBufferPointer, baseOffset: Int, problems: inout [Problem]) -> Header {
        var header = Header()
        var seen: UInt16 = 0
        var usedComma = false
        var index = 0
        let count = bytes.count
        while index < count {
            let start = index
            while index < count && bytes[index] != UInt8(ascii: ";") && bytes[index] != UInt8(ascii: ",") { index += 1 }
            let end = index
            if index < count && bytes[index] == UInt8(ascii: ",") { usedComma = true }
            index += 1
            var equals = start
            while equals < end && bytes[equals] != UInt8(ascii: "=") { equals += 1 }
            var keyStart = start, keyEnd = min(equals, end)
            DataAreaParser.trim(bytes, &keyStart, &keyEnd)
            if keyStart == keyEnd && equals >= end { continue }
            guard equals < end else {
                let key = DataAreaParser.string(bytes, keyStart, keyEnd)
                problems.append(Problem(
                    .headerFieldMalformed, .warning, offset: baseOffset + start, field: key,
                    "the header field \"\(key)\" has no \"=\"; it was ignored"))
                continue
            }
            var valueStart = equals + 1, valueEnd = end
            DataAreaParser.trim(bytes, &valueStart, &valueEnd)
            let field = HeaderKey(bytes, keyStart, keyEnd)
            if field != .other {
                guard seen & field.bit == 0 else {
                    let key = DataAreaParser.string(bytes, keyStart, keyEnd)
                    problems.append(Problem(
                        .duplicateHeaderField, .warning, offset: baseOffset + start, field: key,
                        "the header field \(key) appears twice; the first value was kept"))
                    continue
                }
                seen |= field.bit
            }
            let value = DataAreaParser.string(bytes, valueStart, valueEnd)
            switch field {
            case .qn: header.qn = value
            case .st: header.st = value
            case .cn: header.cn = value
            case .pw: header.pw = value
            case .mn: header.mn = value
            case .flag:
                header.flagText = value
                if let number = UInt8(value) {
                    header.flag = PacketFlag(rawValue: number)
                } else {
                    problems.append(Problem(
                        .flagNotNumeric, .warning, offset: baseOffset + equals + 1, field: "Flag",
                        "Flag is \"\(value)\", not a number from 0 to 255; it was ignored"))
                }
            case .pnum: header.pnum = splitNumber(value, field: "PNUM", offset: baseOffset + equals + 1, problems: &problems)
            case .pno: header.pno = splitNumber(value, field: "PNO", offset: baseOffset + equals + 1, problems: &problems)
            case .rf: header.rf = value
            case .other:
                let key = DataAreaParser.string(bytes, keyStart, keyEnd)
                header.otherFields.append(CPItem(key: key, value: value, group: 0))
                problems.append(Problem(
                    .unknownHeaderField, .warning, offset: baseOffset + start, field: key,
                    "the header field \(key) is not in the standard; it was kept"))
            }
        }
        if usedComma {
            problems.append(Problem(
                .headerSeparator, .warning, offset: baseOffset, field: nil,
                "header fields are separated by \",\" instead of \";\""))
        }
        return header
    }

    /// The header field names, recognised from their bytes.
    enum HeaderKey {
        case qn, st, cn, pw, mn, flag, pnum, pno, rf, other

        init(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) {
            var packed: UInt32 = 0
            guard end - start <= 4 else { self = .other; return }
            for index in start..<end { packed = packed << 8 | UInt32(bytes[index]) }
            switch packed {
            case 0x514E: self = .qn
            case 0x5354: self = .st
            case 0x434E: self = .cn
            case 0x5057: self = .pw
            case 0x4D4E: self = .mn
            case 0x466C_6167: self = .flag
            case 0x504E_554D: self = .pnum
            case 0x504E4F: self = .pno
            case 0x5246: self = .rf
            default: self = .other
            }
        }

        var bit: UInt16 {
            switch self {
            case .qn: 1
            case .st: 2
            case .cn: 4
            case .pw: 8
            case .mn: 16
            case .flag: 32
            case .pnum: 64
            case .pno: 128
            case .rf: 256
            case .other: 0
            }
        }
    }

    static func splitNumber(_ value: String, field: String, offset: Int, problems: inout [Problem]) -> Int? {
        guard let number = Int(value), number >= 0, number <= 9999 else {
            problems.append(Problem(
                .splitFieldsInconsistent, .warning, offset: offset, field: field,
                "\(field) is \"\(value)\", not a piece number from 1 to 9999; it was ignored"))
            return nil
        }
        return number
    }

    private static func readEdition(_ header: inout Header, problems: inout [Problem]) -> Edition {
        guard let flag = header.flag else {
            if !header.hasFlagText {
                // Usually the frame's only problem: the array is shared, not made for each frame.
                if problems.isEmpty {
                    problems = missingFlagOnly
                } else {
                    problems.append(missingFlag)
                }
            }
            return .hj2005
        }
        if let edition = flag.edition { return edition }
        problems.append(Problem(
            .unknownVersion, .warning, field: "Flag",
            "Flag \(flag.rawValue) carries version \(flag.versionBits), which no edition known here uses; it was read as HJ 212-2025"))
        return .hj2025
    }

    private static let missingFlag = Problem(
        .missingFlag, .warning, field: "Flag", "no Flag field: the frame was read as HJ/T 212-2005, and no answer is expected")
    private static let missingFlagOnly = [missingFlag]

    /// Takes the whole packet: passing its header while its problems are inout would copy the header.
    private static func checkRequiredFields(_ packet: inout Packet, edition: Edition) {
        func add(_ problem: Problem) { packet.problems.append(problem) }
        if !packet.header.hasCN {
            add(Problem(.missingCN, field: "CN", "no CN field: the command is unknown, so the frame cannot be handled"))
        }
        if !packet.header.hasMN {
            add(Problem(.missingMN, field: "MN", "no MN field: the device cannot be identified"))
        }
        if !packet.header.hasST {
            add(Problem(.missingST, .warning, field: "ST", "no ST field (system type)"))
        }
        if !packet.header.hasQN && edition >= .hj2017 {
            add(Problem(.missingQN, .warning, field: "QN", "no QN field: answers will carry no request number"))
        }
        if let flag = packet.header.flag {
            let hasPieces = packet.header.pnum != nil || packet.header.pno != nil
            if flag.isSplit && !(packet.header.pnum != nil && packet.header.pno != nil) {
                add(Problem(
                    .splitFieldsInconsistent, .warning, field: "PNUM",
                    "Flag's D bit says the packet is split, but PNUM and PNO are not both present"))
            } else if !flag.isSplit && hasPieces {
                add(Problem(
                    .splitFieldsInconsistent, .warning, field: "PNUM",
                    "PNUM/PNO are present but Flag's D bit is not set; the piece numbers were used"))
            }
        } else if packet.header.pnum != nil || packet.header.pno != nil {
            add(Problem(
                .splitFieldsInconsistent, .warning, field: "PNUM",
                "PNUM/PNO are present without a Flag; the piece numbers were used"))
        }
        if let pnum = packet.header.pnum, let pno = packet.header.pno, pno < 1 || pno > pnum {
            add(Problem(
                .splitFieldsInconsistent, .warning, field: "PNO",
                "PNO \(pno) is outside 1…PNUM (\(pnum))"))
        }
        if packet.header.hasRF, let rf = packet.header.rf, rf != "1" {
            add(Problem(
                .rfInvalid, .warning, field: "RF",
                "RF is \"\(rf)\"; the 2025 standard only defines RF=1 (back-filled). The data was kept as live data"))
        }
    }

    // MARK: - CRC and length

    private static func checkCRC(frame: RawFrame, segment: UnsafeRawBufferPointer, verifiable: Bool, options: DecodeOptions, problems: inout [Problem]) -> CRCCheck {
        // The sent text is made from the frame's bytes only when it is not the ready-made one (no
        // slice of the frame is kept around: making one retains and releases the frame's storage).
        func sentText() -> String { String(decoding: frame.bytes[frame.dataEnd...], as: UTF8.self) }
        guard verifiable else { return CRCCheck(sent: sentText()) }
        // The sent digits' value, and whether any byte is "a" or above / a lowercase hex digit,
        // in one pass over the frame's own buffer.
        // A digit's value and flags come from a table, without a branch per digit (CRC digits are
        // random, and a branch on digit or letter would be mispredicted half the time).
        var sent: UInt16 = 0
        var flags: UInt8 = 0
        CRC16.sentDigits.withUnsafeBufferPointer { digits in
            frame.bytes.withUnsafeBufferPointer { bytes in
                for offset in frame.dataEnd..<bytes.count {
                    let entry = digits[Int(bytes[offset])]
                    sent = sent << 4 | UInt16(entry & 0xF)
                    flags |= entry
                }
            }
        }
        let fromA = flags & (CRC16.lowercaseDigit | CRC16.fromA) != 0, lowercase = flags & CRC16.lowercaseDigit != 0
        let index = segment.isEmpty ? nil : CRC16.hj212Index(segment)
        let computed = index.map { CRC16.table[$0] } ?? 0xFFFF
        // The usual text, four uppercase digits of the right CRC, is ready-made (made on access).
        var check: CRCCheck
        if let index, sent == computed && frame.bytes.count - frame.dataEnd == 4 && !fromA {
            check = CRCCheck(sentTableIndex: index, computed: computed)
        } else {
            check = CRCCheck(sent: sentText())
            check.computed = computed
        }
        if lowercase {
            problems.append(Problem(
                .crcLowercase, .warning, offset: frame.dataEnd, field: "CRC",
                "the CRC is written in lowercase hex; the standard writes uppercase"))
        }
        if sent == computed {
            check.matched = .hj212
            return check
        }
        let other = [CRCAlgorithm.modbus, .modbusSwapped].first { $0.checksum(segment) == sent }
        if let other, options.extraCRCAlgorithms.contains(other) {
            check.matched = other
            problems.append(Problem(
                .crcVariantAccepted, .warning, offset: frame.dataEnd, field: "CRC",
                "the CRC is \(other.displayName), accepted for this device; the standard's HJ 212 CRC would be \(CRC16.hexString(computed))"))
            return check
        }
        var message = "the frame says CRC \(check.sent) but its data segment's HJ 212 CRC is \(CRC16.hexString(computed))"
        if let other {
            message += "; the sent value is \(other.displayName) of the data. The device uses the wrong CRC algorithm: fix its firmware, or set crc: \(other.rawValue) for this device"
        } else {
            message += ". The frame was corrupted on the way or the device computes the CRC wrongly; it was not acknowledged, so the device will resend it"
        }
        problems.append(Problem(.crcMismatch, offset: frame.dataEnd, field: "CRC", message))
        return check
    }

    private static func checkPlaintextLength(frame: RawFrame, plaintextLength: Int, problems: inout [Problem]) {
        guard let index = problems.firstIndex(where: { $0.code == .lengthIsPlaintext }) else { return }
        if plaintextLength != frame.declaredLength {
            problems[index] = Problem(
                .lengthMismatch, .warning, offset: 2,
                "the length field says \(frame.declaredLength), but the encrypted data segment is \(frame.dataEnd - 6) bytes and its plaintext \(plaintextLength); the frame was read up to its CRC and CR LF instead")
        }
    }

    private static func decryptionProblem(_ failure: DataAreaCipher.Failure, cpStart: Int) -> Problem {
        switch failure {
        case .malformed(let offset, let reason):
            Problem(.encryptedMalformed, offset: cpStart + offset, field: "CP",
                    "the encrypted data area is not well formed (\(reason)); it cannot be decrypted")
        case .partialBlock(let count):
            Problem(.encryptedMalformed, offset: cpStart, field: "CP",
                    "the encrypted data area holds \(count) bytes, not a whole number of 16-byte SM4 blocks")
        case .cipherFailed:
            Problem(.decryptionFailed, offset: cpStart, field: "CP",
                    "SM4 decryption failed in OpenSSL; check that the system's OpenSSL provides SM4")
        }
    }

    // MARK: - Helpers

    /// The first "CP=&&" in `from..<to`, found a word at a time: each 'C' of a word is checked.
    static func findCPMarker(in bytes: [UInt8], from: Int, to: Int) -> Int? {
        guard to - from >= 5, from >= 0, to <= bytes.count else { return nil }
        return bytes.withUnsafeBufferPointer { buffer -> Int? in
            let p = buffer.baseAddress!
            let marker = UInt32(0x263D_5043) // "CP=&"
            let last = to - 5
            var index = from
            while index + 8 <= to {
                var candidates = ByteWords.matches(of: UInt8(ascii: "C"), in: ByteWords.load(p, index))
                while candidates != 0 {
                    let at = index + candidates.trailingZeroBitCount >> 3
                    if at <= last && UnsafeRawPointer(p + at).loadUnaligned(as: UInt32.self).littleEndian == marker && p[at + 4] == amp {
                        return at
                    }
                    candidates &= candidates &- 1
                }
                index += 8
            }
            while index <= last {
                if p[index] == UInt8(ascii: "C") && p[index + 1] == UInt8(ascii: "P") && p[index + 2] == UInt8(ascii: "=")
                    && p[index + 3] == amp && p[index + 4] == amp {
                    return index
                }
                index += 1
            }
            return nil
        }
    }

    static func find(_ pattern: [UInt8], in bytes: [UInt8], from: Int, to: Int) -> Int? {
        guard to - from >= pattern.count else { return nil }
        let first = pattern[0]
        var index = from
        let last = to - pattern.count
        while index <= last {
            if bytes[index] == first {
                var matched = true
                for offset in 1..<pattern.count where bytes[index + offset] != pattern[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }
}
