import Testing
@testable import HJ212

/// Split uploads (PNUM/PNO) put back together under (MN, CN, DataTime).
@Suite("SplitReassembler")
struct ReassemblerTests {
    static let mn = "010000A8900016F000169DC0"

    /// One piece of an hour upload, as a decoded packet (built like the standard's C.49/C.50: own QN, same DataTime).
    static func piece(_ pno: Int, of pnum: Int, cp: String, dataTime: String = "20160801080000", mn: String = mn) throws -> Packet {
        let segment = "QN=2016080108585753\(pno);ST=32;CN=2061;PW=123456;MN=\(mn);Flag=7;PNUM=\(pnum);PNO=\(pno);CP=&&DataTime=\(dataTime);\(cp)&&"
        let packet = try decode(framed(segment))
        #expect(packet.problems == [], "\(packet.problems)")
        #expect(packet.header.pno == pno)
        return packet
    }

    static func threePieces() throws -> [Packet] {
        [
            try piece(1, of: 3, cp: "w00000-Cou=120.5,w00000-Avg=0.033,w00000-Flag=N;w01001-Avg=7.1,w01001-Flag=N"),
            try piece(2, of: 3, cp: "w01018-Cou=2.4,w01018-Avg=20.1,w01018-Flag=N"),
            try piece(3, of: 3, cp: "w21003-Avg=1.25,w21003-Flag=T;w01001-Max=7.4"),
        ]
    }

    @Test("three pieces arriving out of order merge into one packet")
    func outOfOrder() throws {
        let pieces = try Self.threePieces()
        var reassembler = SplitReassembler()
        guard case .pending(let key, let received, let expected) = reassembler.add(pieces[2], now: 0) else {
            Issue.record("the first piece should wait")
            return
        }
        #expect(key == SplitReassembler.Key(mn: Self.mn, cn: "2061", dataTime: "20160801080000"))
        #expect(key.description == "MN=\(Self.mn) CN=2061 DataTime=20160801080000")
        #expect(received == 1 && expected == 3)
        guard case .pending(_, 2, 3) = reassembler.add(pieces[0], now: 1) else {
            Issue.record("the second piece should wait")
            return
        }
        #expect(reassembler.pendingCount == 1)
        guard case .complete(let merged, let ordered) = reassembler.add(pieces[1], now: 2) else {
            Issue.record("the third piece should complete the set")
            return
        }
        #expect(reassembler.pendingCount == 0)
        #expect(ordered.map(\.header.pno) == [1, 2, 3])
        #expect(ordered.map(\.header.qn) == ["20160801085857531", "20160801085857532", "20160801085857533"])
        // The first piece's header without the piece numbers.
        #expect(merged.header.qn == "20160801085857531")
        #expect(merged.header.pnum == nil && merged.header.pno == nil)
        #expect(merged.header.mn == Self.mn)
        #expect(merged.content.dataTimeText == "20160801080000")
        #expect(merged.content.readings.map(\.code) == ["w00000", "w01001", "w01018", "w21003"])
        let ph = try #require(merged.content.reading("w01001"))
        #expect(ph.avg == 7.1)
        #expect(ph.max == 7.4, "values of the same code in a later piece are merged")
        #expect(ph.flag == .normal)
        #expect(merged.content.reading("w00000")?.cou == 120.5)
        #expect(merged.content.reading("w01018")?.avg == 20.1)
        #expect(merged.content.reading("w21003")?.flag == .overRange)
        #expect(merged.dataArea.items.filter { $0.key == "DataTime" }.count == 1)
        #expect(merged.dataArea.text == "DataTime=20160801080000;w00000-Cou=120.5,w00000-Avg=0.033,w00000-Flag=N;w01001-Avg=7.1,w01001-Flag=N;w01018-Cou=2.4,w01018-Avg=20.1,w01018-Flag=N;w21003-Avg=1.25,w21003-Flag=T;w01001-Max=7.4")
        #expect(merged.isAccepted)
    }

    @Test("every arrival order gives the same merged packet")
    func allOrders() throws {
        let pieces = try Self.threePieces()
        var results: [Packet] = []
        for order in [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] {
            var reassembler = SplitReassembler()
            var merged: Packet?
            for index in order {
                if case .complete(let packet, _) = reassembler.add(pieces[index], now: 0) { merged = packet }
            }
            results.append(try #require(merged))
        }
        #expect(Set(results).count == 1)
    }

    @Test("a piece sent twice is reported as a duplicate and ignored")
    func duplicate() throws {
        let pieces = try Self.threePieces()
        var reassembler = SplitReassembler()
        _ = reassembler.add(pieces[0], now: 0)
        guard case .duplicatePiece(let key, let pno) = reassembler.add(pieces[0], now: 5) else {
            Issue.record("a resent piece should be a duplicate")
            return
        }
        #expect(pno == 1)
        #expect(key.mn == Self.mn)
        // A resend with other content is still the same piece.
        let resend = try Self.piece(1, of: 3, cp: "w00000-Cou=999")
        guard case .duplicatePiece = reassembler.add(resend, now: 6) else {
            Issue.record("the same PNO is a duplicate whatever it carries")
            return
        }
        guard case .pending(_, 2, 3) = reassembler.add(pieces[1], now: 7) else {
            Issue.record("the duplicate must not count")
            return
        }
        guard case .complete(let merged, _) = reassembler.add(pieces[2], now: 8) else {
            Issue.record("the set should complete")
            return
        }
        #expect(merged.content.reading("w00000")?.cou == 120.5, "the first copy is kept")
    }

    @Test("an incomplete set expires after the timeout and is reported")
    func expiry() throws {
        let pieces = try Self.threePieces()
        var reassembler = SplitReassembler(timeout: 120)
        _ = reassembler.add(pieces[2], now: 1000)
        _ = reassembler.add(pieces[0], now: 1010)
        #expect(reassembler.expire(now: 1119).isEmpty)
        #expect(reassembler.pendingCount == 1)
        let expired = reassembler.expire(now: 1120)
        #expect(expired.count == 1)
        let incomplete = try #require(expired.first)
        #expect(incomplete.key == SplitReassembler.Key(mn: Self.mn, cn: "2061", dataTime: "20160801080000"))
        #expect(incomplete.expected == 3)
        #expect(incomplete.received == [1, 3])
        #expect(incomplete.pieces.map(\.header.pno) == [1, 3])
        #expect(reassembler.pendingCount == 0)
        #expect(reassembler.expire(now: 5000).isEmpty)
        // The late piece now starts a new set.
        guard case .pending(_, 1, 3) = reassembler.add(pieces[1], now: 1121) else {
            Issue.record("a late piece starts over")
            return
        }
    }

    @Test("sets are kept apart by MN, CN and DataTime")
    func separateKeys() throws {
        var reassembler = SplitReassembler()
        _ = reassembler.add(try Self.piece(1, of: 2, cp: "w01018-Avg=1"), now: 0)
        _ = reassembler.add(try Self.piece(1, of: 2, cp: "w01018-Avg=2", dataTime: "20160801090000"), now: 0)
        _ = reassembler.add(try Self.piece(1, of: 2, cp: "w01018-Avg=3", mn: "OTHER"), now: 0)
        #expect(reassembler.pendingCount == 3)
        guard case .complete(let merged, _) = reassembler.add(try Self.piece(2, of: 2, cp: "w21003-Avg=4", dataTime: "20160801090000"), now: 0) else {
            Issue.record("the 09:00 set should complete")
            return
        }
        #expect(merged.content.reading("w01018")?.avg == 2)
        #expect(merged.content.reading("w21003")?.avg == 4)
        #expect(reassembler.pendingCount == 2)
    }

    @Test("packets that are not split pass through whole")
    func whole() throws {
        var reassembler = SplitReassembler()
        let plain = try decode(Fixtures.sample(containing: "CN=2061").frame)
        guard case .whole(let packet) = reassembler.add(plain, now: 0) else {
            Issue.record("an unsplit packet is whole")
            return
        }
        #expect(packet == plain)
        // PNUM=1 and an out-of-range PNO are not split sets either.
        let single = try decode(framed("QN=20160801085857531;ST=32;CN=2061;PW=1;MN=M;Flag=6;PNUM=1;PNO=1;CP=&&DataTime=20160801080000&&"))
        guard case .whole = reassembler.add(single, now: 0) else {
            Issue.record("PNUM=1 is whole")
            return
        }
        #expect(reassembler.pendingCount == 0)
    }

    @Test("beyond the bound, the oldest set is dropped and reported")
    func bound() throws {
        var reassembler = SplitReassembler(timeout: 120, maximumPendingSets: 2)
        for (index, hour) in ["08", "09", "10"].enumerated() {
            _ = reassembler.add(try Self.piece(1, of: 2, cp: "w01018-Avg=1", dataTime: "20160801\(hour)0000"), now: Double(index))
        }
        #expect(reassembler.pendingCount == 3)
        let dropped = reassembler.expire(now: 3)
        #expect(dropped.map(\.key.dataTime) == ["20160801080000"])
        #expect(reassembler.pendingCount == 2)
    }
}
