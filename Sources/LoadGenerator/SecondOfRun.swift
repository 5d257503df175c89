/// The answers of one second of a load run: how many, how many slower than the latency target,
/// and the slowest. A p99 says how many answers were slow, not when; these say whether slow
/// answers came in a few episodes (a stall somewhere) or were spread over the run (a machine
/// short of CPU all along).
public struct SecondOfRun: Sendable, Hashable {
    /// Answers slower than this count as slow: design §4's p99 target, 50 ms.
    public static let slowMicros: UInt64 = 50_000

    public var answers = 0
    public var slow = 0
    public var maxMicros: UInt64 = 0

    public init() {}

    mutating func record(_ micros: UInt64) {
        answers += 1
        if micros > Self.slowMicros { slow += 1 }
        maxMicros = max(maxMicros, micros)
    }

    /// Adds one loop's seconds into the run's, second by second.
    static func add(_ seconds: [SecondOfRun], to total: inout [SecondOfRun]) {
        if seconds.count > total.count {
            total.append(contentsOf: repeatElement(SecondOfRun(), count: seconds.count - total.count))
        }
        for (index, second) in seconds.enumerated() {
            total[index].answers += second.answers
            total[index].slow += second.slow
            total[index].maxMicros = max(total[index].maxMicros, second.maxMicros)
        }
    }
}
