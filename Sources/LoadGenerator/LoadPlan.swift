import HJ212

/// What a load run does: how many devices connect, how hard they push, and for how long.
///
/// Each connection acts as one data logger (its own MN, HJ 212-2017, the A bit set) sending
/// minute uploads (2051) and waiting for the 9014 answer with the same QN.
///
/// - **Closed loop** (`rate == nil`): each connection keeps `window` frames in flight, sending
///   the next as soon as an answer comes back.
/// - **Open loop** (`rate` set): frames fall due at `rate` frames/s in total, spread evenly over
///   the connections and over time. A connection sends what is due as long as fewer than
///   `window` of its frames are unanswered; what it cannot send yet waits, and its latency is
///   counted from the moment it fell due (no coordinated omission).
///
/// The run ends at `duration` or after `maxFrames` frames, whichever comes first; answers still
/// outstanding then get `drainTimeout` to arrive before they count as timeouts.
public struct LoadPlan: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// TCP connections, one device each.
    public var connections: Int
    /// Frames each connection may have unanswered at once.
    public var window: Int
    /// Total frames per second across all connections (open loop), or nil (closed loop).
    public var rate: Int?
    /// How long to send.
    public var duration: Duration
    /// At most this many frames in all, or nil for no limit.
    public var maxFrames: Int?
    /// MNs are this prefix followed by the connection number, zero-padded to `mnLength`.
    public var mnPrefix: String
    /// The width of every MN (2017 MNs are 24 characters).
    public var mnLength: Int
    public var password: String
    /// Pollutants per upload (see ``FrameTemplate/cemsReadings(count:)``).
    public var readingsPerFrame: Int
    /// The DataTime of every device's first frame; frame n is n minutes later.
    public var firstDataTime: LocalDateTime
    /// After sending stops, how long to wait for outstanding answers.
    public var drainTimeout: Duration
    /// How many connection attempts may be in progress at once.
    public var connectConcurrency: Int
    /// Event-loop threads for the generator, or nil for one per core.
    public var threads: Int?

    public init(
        host: String = "127.0.0.1", port: Int, connections: Int = 1, window: Int = 1, rate: Int? = nil,
        duration: Duration = .seconds(10), maxFrames: Int? = nil, mnPrefix: String = "LOAD", mnLength: Int = 24,
        password: String = "123456", readingsPerFrame: Int = 10,
        firstDataTime: LocalDateTime = LocalDateTime(year: 2026, month: 1, day: 1),
        drainTimeout: Duration = .seconds(10), connectConcurrency: Int = 256, threads: Int? = nil
    ) {
        self.host = host
        self.port = port
        self.connections = connections
        self.window = window
        self.rate = rate
        self.duration = duration
        self.maxFrames = maxFrames
        self.mnPrefix = mnPrefix
        self.mnLength = mnLength
        self.password = password
        self.readingsPerFrame = readingsPerFrame
        self.firstDataTime = firstDataTime
        self.drainTimeout = drainTimeout
        self.connectConcurrency = connectConcurrency
        self.threads = threads
    }

    /// The MN width actually used: `mnLength`, widened if the prefix and connection numbers need more.
    public var effectiveMNLength: Int {
        max(mnLength, mnPrefix.utf8.count + String(max(0, connections - 1)).count)
    }

    /// The MN of connection `index` (0-based). Register these with the gateway under test.
    public func mn(for index: Int) -> String {
        let digits = String(index)
        let padding = effectiveMNLength - mnPrefix.utf8.count - digits.count
        return mnPrefix + String(repeating: "0", count: max(0, padding)) + digits
    }

    /// Every MN the run uses.
    public var mns: [String] { (0..<connections).map(mn(for:)) }

    /// Frames connection `index` sends at most (its share of `maxFrames`).
    func quota(for index: Int) -> Int {
        guard let maxFrames else { return FrameTemplate.maximumSequence }
        let share = maxFrames / connections + (index < maxFrames % connections ? 1 : 0)
        return min(share, FrameTemplate.maximumSequence)
    }

    /// Checks the plan; throws ``LoadGeneratorError`` describing the first problem.
    public func validate() throws {
        func fail(_ text: String) throws -> Never { throw LoadGeneratorError(text) }
        if connections < 1 { try fail("connections must be at least 1 (got \(connections))") }
        if window < 1 { try fail("window must be at least 1 (got \(window))") }
        if let rate, rate < 1 { try fail("rate must be at least 1 frame/s (got \(rate))") }
        if let maxFrames, maxFrames < 0 { try fail("maxFrames cannot be negative (got \(maxFrames))") }
        if duration <= .zero { try fail("duration must be positive") }
        if port < 0 || port > 65535 { try fail("port \(port) is out of range") }
        if readingsPerFrame < 1 || readingsPerFrame > FrameTemplate.maximumReadingsPerFrame {
            try fail("readingsPerFrame must be 1...\(FrameTemplate.maximumReadingsPerFrame) (got \(readingsPerFrame))")
        }
        if connectConcurrency < 1 { try fail("connectConcurrency must be at least 1") }
        if let threads, threads < 1 { try fail("threads must be at least 1") }
    }
}

/// A load run could not be set up.
public struct LoadGeneratorError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
