extension Reply {
    /// The 9014 answer to an upload, encoded: the bytes of `dataAck(to:edition:).encode()`.
    ///
    /// The gateway answers every upload, so the usual answer (2017 or 2025, with QN, PW and MN)
    /// is written straight from the header's bytes, without building a packet of strings; any
    /// other goes through ``dataAck(to:edition:)``. Tests check that both give the same bytes.
    public static func encodedDataAck(to header: Header, edition: Edition) -> [UInt8] {
        guard edition != .hj2005, let fields = header.answerFields else {
            return dataAck(to: header, edition: edition).encode()
        }
        var out: [UInt8] = []
        out.reserveCapacity(6 + 3 + fields.qn.count + 22 + fields.pw.count + 4 + fields.mn.count + 16 + 6)
        out.append(contentsOf: "##0000QN=".utf8)
        fields.qn.append(to: &out)
        out.append(contentsOf: ";ST=91;CN=9014;PW=".utf8)
        fields.pw.append(to: &out)
        out.append(contentsOf: ";MN=".utf8)
        fields.mn.append(to: &out)
        out.append(contentsOf: ";Flag=".utf8)
        let flag = PacketFlag(edition: edition).rawValue
        if flag >= 10 { out.append(UInt8(ascii: "0") + flag / 10) }
        out.append(UInt8(ascii: "0") + flag % 10)
        out.append(contentsOf: ";CP=&&&&".utf8)
        let length = out.count - 6
        out.withUnsafeMutableBufferPointer { buffer in
            buffer[2] = UInt8(ascii: "0") + UInt8(length / 1000 % 10)
            buffer[3] = UInt8(ascii: "0") + UInt8(length / 100 % 10)
            buffer[4] = UInt8(ascii: "0") + UInt8(length / 10 % 10)
            buffer[5] = UInt8(ascii: "0") + UInt8(length % 10)
        }
        let crc = out.withUnsafeBytes { CRC16.hj212(UnsafeRawBufferPointer(rebasing: $0[6...])) }
        for shift in stride(from: 12, through: 0, by: -4) {
            let digit = UInt8(truncatingIfNeeded: crc >> UInt16(shift)) & 0xF
            out.append(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "A") + digit - 10)
        }
        out.append(contentsOf: [0x0D, 0x0A])
        return out
    }
}
