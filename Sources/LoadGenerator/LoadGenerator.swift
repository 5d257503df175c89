import HJ212
import Histogram
import Logging
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Drives a gateway with simulated data loggers and measures acknowledged throughput and
/// ack latency.
///
/// ```swift
/// let report = try await LoadGenerator.run(LoadPlan(port: 9212, connections: 200, window: 4, duration: .seconds(15)))
/// print(report.summary())
/// ```
///
/// The connections are opened first (not timed), then every connection starts sending at once.
/// Frames are patched from one pre-encoded template (``FrameTemplate``) straight into the
/// socket buffers, and answers are matched by peeking their QN, so the generator's own cost per
/// frame stays at a copy, a CRC and a few digit writes.
public enum LoadGenerator {
    /// Runs `plan` and reports what it measured.
    ///
    /// - Parameters:
    ///   - plan: what to do.
    ///   - logger: receives connection progress (debug) and problems (warning).
    ///   - onConnected: called with the number of open connections once connecting is over and
    ///     before anything is sent (e.g. to measure the server's memory per connection).
    ///   - whileConnected: called after sending has stopped and answers have drained, while every
    ///     connection is still open (e.g. to measure the server's memory with N idle devices).
    /// - Throws: ``LoadGeneratorError`` for an invalid plan or when no connection could be opened.
    public static func run(
        _ plan: LoadPlan, logger: Logger = Logger(label: "hj212.load"),
        onConnected: (@Sendable (Int) async throws -> Void)? = nil,
        whileConnected: (@Sendable () async throws -> Void)? = nil
    ) async throws -> LoadReport {
        try plan.validate()
        raiseOpenFileLimit(atLeast: plan.connections + 256)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: plan.threads ?? System.coreCount)
        do {
            let report = try await run(
                plan, group: group, logger: logger, onConnected: onConnected, whileConnected: whileConnected)
            try await group.shutdownGracefully()
            return report
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private static func run(
        _ plan: LoadPlan, group: MultiThreadedEventLoopGroup, logger: Logger,
        onConnected: (@Sendable (Int) async throws -> Void)?, whileConnected: (@Sendable () async throws -> Void)?
    ) async throws -> LoadReport {
        let template = FrameTemplate(
            mnLength: plan.effectiveMNLength, password: plan.password,
            readings: FrameTemplate.cemsReadings(count: plan.readingsPerFrame), firstDataTime: plan.firstDataTime)
        let loops = Array(group.makeIterator())
        var states: [NIOLoopBound<LoopState>] = []
        for (index, loop) in loops.enumerated() {
            let count = loops.count
            states.append(try await loop.submit {
                NIOLoopBound(
                    LoopState(eventLoop: loop, plan: plan, template: template, loopIndex: index, loopCount: count),
                    eventLoop: loop)
            }.get())
        }

        // 1. Connect, a bounded number at a time (a burst of thousands overflows listen backlogs).
        let connectStart = ContinuousClock.now
        var failures = 0
        var firstError: String?
        var next = 0
        var attempts: [(Int, EventLoopFuture<Void>)] = []
        attempts.reserveCapacity(plan.connectConcurrency)
        while next < plan.connections || !attempts.isEmpty {
            while next < plan.connections && attempts.count < plan.connectConcurrency {
                attempts.append((next, connect(next, plan: plan, loop: loops[next % loops.count], state: states[next % loops.count])))
                next += 1
            }
            let (index, attempt) = attempts.removeFirst()
            do {
                try await attempt.get()
            } catch {
                failures += 1
                if firstError == nil { firstError = "\(error)" }
                logger.debug("connection failed", metadata: ["index": "\(index)", "error": "\(error)"])
            }
        }
        let connectSeconds = seconds(ContinuousClock.now - connectStart)
        if failures == plan.connections {
            for (index, loop) in loops.enumerated() {
                let state = states[index]
                try? await loop.submit { state.value.release() }.get()
            }
            throw LoadGeneratorError(
                "no connection to \(plan.host):\(plan.port) could be opened: \(firstError ?? "unknown error")")
        }
        if failures > 0 {
            logger.warning("some connections failed", metadata: ["failed": "\(failures)", "first": "\(firstError ?? "")"])
        }

        if let onConnected {
            do {
                try await onConnected(plan.connections - failures)
            } catch {
                for (index, loop) in loops.enumerated() {
                    let state = states[index]
                    _ = try? await loop.flatSubmit { state.value.closeAll() }.get()
                    try? await loop.submit { state.value.release() }.get()
                }
                throw error
            }
        }

        // 2. Send until the deadline or the frame budget, then wait for the answers to drain.
        let start = NIODeadline.now()
        let deadline = start + .nanoseconds(nanoseconds(plan.duration))
        let cutoff = deadline + .nanoseconds(nanoseconds(plan.drainTimeout))
        var finished: [EventLoopFuture<Void>] = []
        for (index, loop) in loops.enumerated() {
            let state = states[index]
            finished.append(try await loop.submit {
                state.value.start(at: start, deadline: deadline, cutoff: cutoff)
            }.get())
        }
        for future in finished { try await future.get() }
        let ended = NIODeadline.now()

        // 3. Let the caller look at the server with every connection still open, then close.
        var callbackError: (any Error)?
        if let whileConnected {
            do { try await whileConnected() } catch { callbackError = error }
        }
        for (index, loop) in loops.enumerated() {
            let state = states[index]
            try await loop.flatSubmit { state.value.closeAll() }.get()
        }
        var snapshots: [LoopSnapshot] = []
        for (index, loop) in loops.enumerated() {
            let state = states[index]
            snapshots.append(try await loop.submit { state.value.snapshot() }.get())
            try await loop.submit { state.value.release() }.get()
        }
        let opened = plan.connections - failures
        if let callbackError { throw callbackError }

        var latency = Histogram<UInt64>(
            lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        var errors: [String: Int] = [:]
        var lastAnswer: UInt64 = 0
        var seconds: [SecondOfRun] = []
        for snapshot in snapshots {
            latency.add(snapshot.histogram)
            SecondOfRun.add(snapshot.seconds, to: &seconds)
            for (key, count) in snapshot.errors { errors[key, default: 0] += count }
            lastAnswer = max(lastAnswer, snapshot.lastAnswerNanos)
        }
        let answered = snapshots.reduce(0) { $0 + $1.answered }
        let endNanos = answered > 0 ? lastAnswer : ended.uptimeNanoseconds
        let elapsed = Double(endNanos &- start.uptimeNanoseconds) / 1e9
        return LoadReport(
            plan: plan, connectionsOpened: opened, connectFailures: failures, connectSeconds: connectSeconds,
            framesSent: snapshots.reduce(0) { $0 + $1.sent }, framesAcknowledged: answered,
            readingsPerFrame: plan.readingsPerFrame, frameBytes: template.frameSize, elapsedSeconds: max(elapsed, 0),
            timeouts: snapshots.reduce(0) { $0 + $1.timeouts }, disconnects: snapshots.reduce(0) { $0 + $1.disconnects },
            lostInFlight: snapshots.reduce(0) { $0 + $1.lostInFlight },
            unexpectedReplies: snapshots.reduce(0) { $0 + $1.unexpectedReplies },
            malformedReplies: snapshots.reduce(0) { $0 + $1.malformedReplies },
            framesDueNotSent: snapshots.reduce(0) { $0 + $1.dueNotSent }, errors: errors,
            firstConnectError: firstError, latency: latency, seconds: seconds)
    }

    private static func connect(
        _ index: Int, plan: LoadPlan, loop: any EventLoop, state: NIOLoopBound<LoopState>
    ) -> EventLoopFuture<Void> {
        let mn = Array(plan.mn(for: index).utf8)
        let quota = plan.quota(for: index)
        return ClientBootstrap(group: loop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(30))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let state = state.value
                    let handler = LoadConnectionHandler(index: index, mn: mn, quota: quota, state: state)
                    try channel.pipeline.syncOperations.addHandler(handler)
                    state.register(handler)
                }
            }
            .connect(host: plan.host, port: plan.port)
            .map { _ in () }
    }

    /// Raises this process's soft limit on open files to at least `count` (up to the hard
    /// limit), so thousands of connections fit. Child processes started afterwards inherit it.
    /// Returns the soft limit in effect afterwards.
    @discardableResult
    public static func raiseOpenFileLimit(atLeast count: Int) -> Int {
        #if canImport(Glibc) || canImport(Musl) || canImport(Darwin)
        var limit = rlimit()
        #if canImport(Glibc)
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0 else { return -1 }
        if limit.rlim_cur < rlim_t(count) {
            limit.rlim_cur = min(limit.rlim_max, rlim_t(count))
            _ = setrlimit(resource, &limit)
            _ = getrlimit(resource, &limit)
        }
        return limit.rlim_cur >= rlim_t(Int.max) ? Int.max : Int(limit.rlim_cur)
        #else
        return -1
        #endif
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let parts = duration.components
        return parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
