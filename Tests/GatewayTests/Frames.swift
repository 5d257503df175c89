import HJ212

/// Uploads as the test devices send them.
enum Frames {
    static let time = LocalDateTime(year: 2026, month: 11, day: 28, hour: 8)

    static func readings(_ count: Int = 3, base: Double = 10) -> [Reading] {
        let codes = ["a21026", "a21002", "a34013", "a19001", "a00000", "a01012", "a01013", "a01014", "a01011", "a21005"]
        return (0..<count).map { index in
            var reading = Reading(code: codes[index % codes.count])
            reading.avg = base + Double(index)
            reading.min = base
            reading.max = base + Double(index) * 2
            reading.flag = .normal
            return reading
        }
    }

    static func upload(
        mn: String = TestGateway.mn2017, password: String = "123456", edition: Edition = .hj2017, qn: String? = "20261128080000001",
        time: LocalDateTime = Frames.time, kind: DataKind = .minute, readings: [Reading] = Frames.readings(),
        answer: Bool = true, key: SM4Key? = nil, backfill: Bool = false, st: String = "31"
    ) -> [UInt8] {
        var packet = DataUploadBuilder(kind: kind, dataTime: time, readings: readings)
            .packet(qn: qn, st: st, pw: password, mn: mn, edition: edition, answerWanted: answer, backfill: backfill)
        if edition == .hj2005 && !answer { packet.header.flag = nil }
        return packet.encode(options: EncodeOptions(sm4Key: key))
    }

    /// A QN for frame number `index`.
    static func qn(_ index: Int) -> String {
        let digits = String(index)
        return "2026112808" + String(repeating: "0", count: 7 - digits.count) + digits
    }
}
