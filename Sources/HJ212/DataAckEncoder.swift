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
        PacketEncoder.writeLength(out.count - 6, into: &out)
        let crc = out.withUnsafeBytes { CRC16.hj212(UnsafeRawBufferPointer(rebasing: $0[6...])) }
        PacketEncoder.appendHex(crc, to: &out)
        out.append(contentsOf: [0x0D, 0x0A])
        return out
    }
}
