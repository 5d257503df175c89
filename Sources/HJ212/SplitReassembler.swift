/// Puts split packets (PNUM/PNO) back together.
///
/// Pieces are gathered under (MN, CN, DataTime), in any arrival order; each piece is a whole
/// frame with its own QN. A set that stays incomplete past the timeout is reported. Time is
/// passed in (seconds on any monotonic clock), so the type reads no clock itself.
public struct SplitReassembler: Sendable {
    /// What identifies the pieces of one packet.
    public struct Key: Sendable, Hashable, CustomStringConvertible {
        public var mn: String
        public var cn: String
        public var dataTime: String
        public var description: String { "MN=\(mn) CN=\(cn) DataTime=\(dataTime)" }
    }

    /// A set that timed out before every piece came.
    public struct Incomplete: Sendable, Hashable {
        public var key: Key
        public var expected: Int
        public var received: [Int]
        /// The pieces that did come, in PNO order.
        public var pieces: [Packet]
    }

    /// What adding a packet led to.
    public enum Outcome: Sendable {
        /// The packet is not split: use it as it is.
        case whole(Packet)
        /// A piece was kept; more are awaited.
        case pending(key: Key, received: Int, expected: Int)
        /// The piece had already arrived (a resend); it was ignored.
        case duplicatePiece(key: Key, pno: Int)
        /// All pieces are here: the merged packet, and the pieces in PNO order (to acknowledge each).
        case complete(Packet, pieces: [Packet])
    }

    private struct PendingSet: Sendable {
        var expected: Int
        var pieces: [Int: Packet]
        var firstSeen: Double
    }

    public let timeout: Double
    public let maximumPendingSets: Int
    private var pending: [Key: PendingSet] = [:]

    /// - Parameters:
    ///   - timeout: seconds a set may wait for its missing pieces.
    ///   - maximumPendingSets: a bound on memory; the oldest set is dropped (and reported) beyond it.
    public init(timeout: Double = 120, maximumPendingSets: Int = 10_000) {
        self.timeout = timeout
        self.maximumPendingSets = maximumPendingSets
    }

    public var pendingCount: Int { pending.count }

    /// Adds a decoded packet. Sets dropped for space are returned by the next `expire`.
    public mutating func add(_ packet: Packet, now: Double) -> Outcome {
        guard let pnum = packet.header.pnum, let pno = packet.header.pno, pnum > 1, (1...pnum).contains(pno) else {
            return .whole(packet)
        }
        let key = Key(mn: packet.header.mn ?? "", cn: packet.header.cn ?? "", dataTime: packet.content.dataTimeText ?? "")
        var set = pending[key] ?? PendingSet(expected: pnum, pieces: [:], firstSeen: now)
        if set.pieces[pno] != nil { return .duplicatePiece(key: key, pno: pno) }
        set.pieces[pno] = packet
        set.expected = max(set.expected, pnum)
        if set.pieces.count >= set.expected {
            pending[key] = nil
            let ordered = set.pieces.keys.sorted().compactMap { set.pieces[$0] }
            return .complete(Self.merge(ordered), pieces: ordered)
        }
        pending[key] = set
        return .pending(key: key, received: set.pieces.count, expected: set.expected)
    }

    /// Removes and returns the sets older than the timeout (and the oldest beyond the bound).
    public mutating func expire(now: Double) -> [Incomplete] {
        var expired: [Key] = pending.filter { now - $0.value.firstSeen >= timeout }.map(\.key)
        if pending.count - expired.count > maximumPendingSets {
            let surplus = pending.count - expired.count - maximumPendingSets
            let alive = pending.filter { now - $0.value.firstSeen < timeout }.sorted { $0.value.firstSeen < $1.value.firstSeen }
            expired += alive.prefix(surplus).map(\.key)
        }
        return expired.compactMap { key in
            guard let set = pending.removeValue(forKey: key) else { return nil }
            let numbers = set.pieces.keys.sorted()
            return Incomplete(key: key, expected: set.expected, received: numbers, pieces: numbers.compactMap { set.pieces[$0] })
        }
    }

    /// One packet from pieces in PNO order: the first piece's header without PNUM/PNO, the
    /// data areas concatenated, and readings of the same code merged.
    public static func merge(_ pieces: [Packet]) -> Packet {
        guard var merged = pieces.first else { preconditionFailure("merge needs at least one piece") }
        merged.header.pnum = nil
        merged.header.pno = nil
        var area = merged.dataArea
        for piece in pieces.dropFirst() {
            let groupOffset = (area.items.map(\.group).max() ?? -1) + 1
            for item in piece.dataArea.items where item.key != "DataTime" {
                var moved = item
                moved.group += groupOffset
                area.items.append(moved)
            }
            for reading in piece.content.readings {
                if let index = merged.content.readings.firstIndex(where: { $0.rawCode == reading.rawCode && $0.polId == reading.polId }) {
                    merged.content.readings[index].fill(from: reading)
                } else {
                    merged.content.readings.append(reading)
                }
            }
            merged.content.fields += piece.content.fields
            merged.problems += piece.problems.filter { !merged.problems.contains($0) }
        }
        merged.dataArea = area
        return merged
    }
}

extension Reading {
    /// Takes the values this reading lacks from another reading of the same code.
    mutating func fill(from other: Reading) {
        for suffix in Reading.numericSuffixes where self[numeric: suffix] == nil {
            self[numeric: suffix] = other[numeric: suffix]
        }
        if flag == nil { flag = other.flag }
        if eFlag == nil { eFlag = other.eFlag }
        if sampleTime == nil { sampleTime = other.sampleTime }
        self.other += other.other
    }
}
