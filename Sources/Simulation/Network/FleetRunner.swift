import HJ212
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// How to run a fleet.
public struct FleetOptions: Sendable {
    /// The platform (gateway) device port.
    public var host: String
    public var port: Int
    /// Simulated seconds per wall second.
    public var speed: Double
    /// Simulated local time when the run starts.
    public var start: LocalDateTime
    /// Simulated seconds of data to produce; nil runs until the task is cancelled.
    public var simulatedSeconds: Int64?
    /// Overrides the scenario's seed.
    public var seed: UInt64?
    /// Wall seconds to wait, after the data ends, for answers and back-fill; nil derives it from
    /// the devices' OverTime and ReCount.
    public var drainSeconds: Double?

    public init(
        host: String, port: Int, speed: Double = 1, start: LocalDateTime, simulatedSeconds: Int64? = nil,
        seed: UInt64? = nil, drainSeconds: Double? = nil
    ) {
        self.host = host
        self.port = port
        self.speed = speed
        self.start = start
        self.simulatedSeconds = simulatedSeconds
        self.seed = seed
        self.drainSeconds = drainSeconds
    }
}

/// What a run did.
public struct FleetReport: Sendable {
    public var devices: Int
    public var totals: LoggerStatistics
    public var perDevice: [String: LoggerStatistics]
    public var wallSeconds: Double
    /// Simulated time reached.
    public var simulatedUntil: LocalDateTime
    /// Devices that still had unanswered or buffered uploads when the run ended.
    public var unfinished: [String]
}

/// A snapshot while running.
public struct FleetProgress: Sendable {
    public var wallSeconds: Double
    public var simulatedNow: LocalDateTime
    public var connected: Int
    public var totals: LoggerStatistics
}

/// Runs every device of a scenario against a platform over TCP: one connection per device,
/// reconnecting with back-off, each driven by its `DataLoggerMachine`.
public final class FleetRunner: Sendable {
    public let scenario: Scenario
    public let options: FleetOptions
    let logger: Logger
    let group: any EventLoopGroup
    private let live = NIOLockedValueBox<[String: LoggerStatistics]>([:])
    private let connectedCount = NIOLockedValueBox(0)
    private let origin = NIOLockedValueBox<ContinuousClock.Instant?>(nil)

    public init(scenario: Scenario, options: FleetOptions, logger: Logger = Logger(label: "hj212.simulate"), group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.scenario = scenario
        self.options = options
        self.logger = logger
        self.group = group
    }

    public var clock: SimulatedClock { SimulatedClock(start: options.start, speed: options.speed) }

    public var end: Int64? { options.simulatedSeconds.map { clock.startSeconds + $0 } }

    func wall() -> Double {
        guard let origin = origin.withLockedValue({ $0 }) else { return 0 }
        let elapsed = ContinuousClock.now - origin
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Totals so far.
    public func progress() -> FleetProgress {
        let wall = wall()
        var totals = LoggerStatistics()
        for stats in live.withLockedValue({ Array($0.values) }) { totals.add(stats) }
        var simulated = Int64(clock.simulatedSeconds(atWall: wall).rounded(.down))
        if let end { simulated = min(simulated, end) }
        return FleetProgress(
            wallSeconds: wall, simulatedNow: LocalDateTime(secondsSinceEpochIgnoringZone: simulated),
            connected: connectedCount.withLockedValue { $0 }, totals: totals)
    }

    /// Runs until the simulated period is over and the devices have drained (or the task is cancelled).
    public func run() async -> FleetReport {
        let started = ContinuousClock.now
        origin.withLockedValue { $0 = started }
        let devices = scenario.devices
        let seed = options.seed ?? scenario.seed
        let clock = clock
        let end = end
        let drain = options.drainSeconds ?? (devices.map { $0.overTimeSeconds * Double($0.reCount + 2) }.max() ?? 30) + 5
        let stagger = min(1.0, Double(devices.count) * 0.001)
        let results = await withTaskGroup(of: (String, LoggerStatistics, Bool).self) { group in
            for (index, device) in devices.enumerated() {
                let delay = devices.count > 1 ? stagger * Double(index) / Double(devices.count) : 0
                group.addTask {
                    let machine = DataLoggerMachine(device: device, clock: clock, seed: seed, end: end)
                    return await self.drive(machine, startDelay: delay, drain: drain)
                }
            }
            var results: [(String, LoggerStatistics, Bool)] = []
            for await result in group { results.append(result) }
            return results
        }
        var totals = LoggerStatistics()
        var perDevice: [String: LoggerStatistics] = [:]
        var unfinished: [String] = []
        for (mn, stats, finished) in results {
            totals.add(stats)
            perDevice[mn] = stats
            if !finished { unfinished.append(mn) }
        }
        let wall = wall()
        var simulated = Int64(clock.simulatedSeconds(atWall: wall).rounded(.down))
        if let end { simulated = min(simulated, end) }
        return FleetReport(
            devices: devices.count, totals: totals, perDevice: perDevice, wallSeconds: wall,
            simulatedUntil: LocalDateTime(secondsSinceEpochIgnoringZone: simulated), unfinished: unfinished.sorted())
    }

    /// One device: connect, run the machine, reconnect with back-off, until done.
    func drive(_ start: DataLoggerMachine, startDelay: Double, drain: Double) async -> (String, LoggerStatistics, Bool) {
        var machine = start
        let device = machine.device
        var random = SeededRandom(seed: Noise.hash(Noise.key(device.mn), 0xBAC0FF))
        var backoff = device.reconnectInitialSeconds
        var doneAt: Double?
        var lastPublished = -1.0
        if startDelay > 0 { try? await Task.sleep(for: .milliseconds(Int(startDelay * 1000))) }

        func finishedOrExpired(_ wall: Double) -> Bool {
            if machine.isFinished { return true }
            if machine.isDoneGenerating {
                if doneAt == nil { doneAt = wall }
                return wall - (doneAt ?? wall) > drain
            }
            return false
        }
        func publish(_ wall: Double, force: Bool = false) {
            guard force || wall - lastPublished >= 0.25 else { return }
            lastPublished = wall
            let stats = machine.stats
            live.withLockedValue { $0[device.mn] = stats }
        }

        var first = true
        outer: while !Task.isCancelled {
            var now = wall()
            // Data produced before the first connection would count as lost; start with the link.
            if !first { _ = machine.tick(wall: now) }
            first = false
            publish(now)
            if finishedOrExpired(now) { break }
            if !machine.wantsConnection(wall: now) {
                await sleep(until: min(machine.nextWake(wall: now), now + 1))
                continue
            }
            let link: DeviceLink
            do {
                link = try await DeviceLink.connect(host: options.host, port: options.port, group: group)
            } catch {
                logger.debug("connect failed", metadata: ["mn": "\(device.mn)", "error": "\(error)"])
                let jitter = 0.8 + 0.4 * random.unit()
                let until = wall() + backoff * jitter
                backoff = min(device.reconnectMaxSeconds, backoff * 2)
                // Keep producing (into the back-fill buffer) while waiting.
                while wall() < until && !Task.isCancelled {
                    now = wall()
                    _ = machine.tick(wall: now)
                    if finishedOrExpired(now) { break outer }
                    await sleep(until: min(until, machine.nextWake(wall: now)))
                }
                continue
            }
            backoff = device.reconnectInitialSeconds
            connectedCount.withLockedValue { $0 += 1 }
            var actions = machine.connected(wall: wall())
            var open = true
            while open && !Task.isCancelled {
                for action in actions {
                    switch action {
                    case .write(let bytes):
                        do {
                            try await link.write(bytes)
                            if actions.count > 1 && device.faults.splitWrites > 0 { try? await Task.sleep(for: .milliseconds(1)) }
                        } catch {
                            open = false
                        }
                    case .disconnect:
                        open = false
                    }
                    if !open { break }
                }
                if !open { break }
                if !actions.isEmpty { machine.written(wall: wall()) }
                now = wall()
                if finishedOrExpired(now) { break }
                publish(now)
                let wake = machine.nextWake(wall: now)
                await link.wait(seconds: min(wake - now, 1))
                let (bytes, closed) = link.mailbox.take()
                now = wall()
                actions = bytes.isEmpty ? [] : machine.receive(bytes, wall: now)
                if closed {
                    open = false
                    break
                }
                actions += machine.tick(wall: now)
            }
            await link.close()
            connectedCount.withLockedValue { $0 -= 1 }
            machine.disconnected(wall: wall())
            publish(wall(), force: true)
            if machine.isFinished || (doneAt != nil && wall() - doneAt! > drain) || Task.isCancelled { break }
            // A dropped link: wait the back-off before dialling again, producing meanwhile.
            let until = wall() + backoff * (0.8 + 0.4 * random.unit())
            while wall() < until && !Task.isCancelled {
                now = wall()
                _ = machine.tick(wall: now)
                if finishedOrExpired(now) { break outer }
                await sleep(until: min(until, machine.nextWake(wall: now)))
            }
        }
        publish(wall(), force: true)
        return (device.mn, machine.stats, machine.isFinished)
    }

    func sleep(until target: Double) async {
        let seconds = target - wall()
        guard seconds > 0 else { return }
        try? await Task.sleep(for: .nanoseconds(Int64(min(seconds, 1) * 1e9)))
    }
}
