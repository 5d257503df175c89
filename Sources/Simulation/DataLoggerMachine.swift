import HJ212

/// What one simulated logger did, for reports and tests.
public struct LoggerStatistics: Sendable, Hashable {
    /// Uploads sent for the first time (live and back-filled), without resends and duplicates.
    public var uploads = 0
    /// Every frame written: uploads, resends, duplicates, answers, heartbeats.
    public var framesWritten = 0
    public var bytesWritten = 0
    /// Uploads answered with 9014.
    public var acknowledged = 0
    /// Uploads sent again after OverTime passed without a 9014.
    public var resends = 0
    /// Uploads that got no 9014 after ReCount resends and went to the back-fill buffer.
    public var gaveUp = 0
    /// Uploads given up for good (no answer to the back-fill either, or the buffer overflowed).
    public var dropped = 0
    /// Back-filled uploads (RF=1 in 2025).
    public var backfilled = 0
    /// Data times of the hour records this logger sent with the back-fill marker at least once.
    /// Which hours those are depends on scheduling (a late answer or reconnect turns a live upload
    /// into back-fill), so tests compare what was stored against this instead of guessing.
    public var backfilledHours: Set<LocalDateTime> = []
    /// Real-time records produced while offline (loggers back-fill interval data only).
    public var realtimeLost = 0
    public var heartbeats = 0
    /// Platform commands answered (9011).
    public var commandsAnswered = 0
    /// Records uploaded in answer to history requests.
    public var historyRecords = 0
    public var connects = 0
    public var disconnects = 0
    /// Faults injected, by kind.
    public var faults: [InjectedFault: Int] = [:]

    public init() {}

    public mutating func add(_ other: LoggerStatistics) {
        uploads += other.uploads
        framesWritten += other.framesWritten
        bytesWritten += other.bytesWritten
        acknowledged += other.acknowledged
        resends += other.resends
        gaveUp += other.gaveUp
        dropped += other.dropped
        backfilled += other.backfilled
        backfilledHours.formUnion(other.backfilledHours)
        realtimeLost += other.realtimeLost
        heartbeats += other.heartbeats
        commandsAnswered += other.commandsAnswered
        historyRecords += other.historyRecords
        connects += other.connects
        disconnects += other.disconnects
        for (fault, count) in other.faults { faults[fault, default: 0] += count }
    }
}

/// One data logger's protocol behaviour, without sockets or clocks: the network code feeds it
/// connection events, received bytes and the wall time; it answers with bytes to write and
/// when to drop the connection.
///
/// It uploads on schedule; with the A bit it keeps each upload until its 9014 and resends after
/// OverTime, ReCount times, then keeps it for back-fill. While offline it buffers interval data
/// and back-fills after reconnecting (RF=1 in 2025), fresh data first. It answers 1000, 1011,
/// 1012, 1061–1064, 2011/2012 and history requests 2031/2051/2061 (9011, the records, 9012),
/// and sends 9015 heartbeats in 2025.
///
/// Two clocks: simulated time (from `clock` and the wall time) drives the data; wall time drives
/// the network (OverTime, heartbeats).
public struct DataLoggerMachine: Sendable {
    public enum Action: Sendable, Hashable {
        /// Write these bytes, as one write.
        case write([UInt8])
        /// Close the connection (a disconnect fault or an offline period).
        case disconnect
    }

    struct Pending: Sendable {
        var record: SimRecord
        var backfill: Bool
        /// Rounds that ended without an answer.
        var rounds = 0
    }

    struct Outstanding: Sendable {
        var pending: Pending
        var sentAt: Double
        var attempts: Int
    }

    public let device: DeviceSpec
    public let clock: SimulatedClock
    /// Simulated second at which the logger stops producing data; nil to run forever.
    public let end: Int64?
    var generator: RecordGenerator
    var injector: FaultInjector
    let key: SM4Key?
    let decimals: [String: Int]
    let wireCodes: [String: String]
    var scanner = FrameScanner()
    public private(set) var isConnected = false
    var live: [Pending] = []
    var backlog: [Pending] = []
    var outstanding: [String: Outstanding] = [:]
    /// Uploads handed out for writing whose OverTime timer starts when `written(wall:)` says so.
    var unconfirmed: [String] = []
    /// The logger's clock minus true simulated time, seconds.
    public private(set) var skew: Int64
    public private(set) var overTime: Double
    public private(set) var reCount: Int
    public private(set) var realtimeEnabled = true
    var lastHeartbeat = 0.0
    var nextDisconnect: Int64?
    var lastQN: Int64 = 0
    public private(set) var generatedUntil: Int64
    var statistics = LoggerStatistics()

    /// Back-filled uploads in flight at once, and per tick.
    static let backfillWindow = 32
    static let backfillPerTick = 16
    /// Records a logger's flash holds for back-fill; the oldest go first when it is full.
    static let backlogCapacity = 20_000

    public init(device: DeviceSpec, clock: SimulatedClock, seed: UInt64, end: Int64? = nil) {
        self.device = device
        self.clock = clock
        self.end = end
        let start = clock.startSeconds
        generator = RecordGenerator(plant: PlantEngine(device: device, seed: seed), start: start)
        generatedUntil = start
        injector = FaultInjector(faults: device.faults, random: SeededRandom(seed: Noise.hash(seed, Noise.key(device.mn), 0xFA17)))
        key = device.edition == .hj2025 ? device.sm4Key : nil
        skew = device.faults.clockSkewSeconds
        overTime = device.overTimeSeconds
        reCount = device.reCount
        var decimals: [String: Int] = [:]
        var wireCodes: [String: String] = [:]
        for code in device.codes {
            decimals[code] = PlantEngine.decimals(code)
            if device.edition == .hj2005, let old = CodeTables.shipped.pollutants[code]?.code2005 { wireCodes[code] = old }
        }
        self.decimals = decimals
        self.wireCodes = wireCodes
        if let minutes = device.faults.disconnectEveryMinutes {
            nextDisconnect = start + Int64(minutes) * 60
        }
    }

    /// Counters, with the faults injected so far.
    public var stats: LoggerStatistics {
        var result = statistics
        result.faults = injector.counts
        return result
    }

    /// Uploads waiting for a 9014, buffered, or queued.
    public var pendingCount: Int { outstanding.count + backlog.count + live.count }

    /// Whether all data up to `end` was produced and nothing is left to send or to be answered.
    public var isFinished: Bool {
        guard let end else { return false }
        return generatedUntil >= end && pendingCount == 0
    }

    /// Whether data production reached `end`.
    public var isDoneGenerating: Bool {
        guard let end else { return false }
        return generatedUntil >= end
    }

    // MARK: Time

    func simulated(_ wall: Double) -> Int64 {
        let value = clock.simulatedSeconds(atWall: wall)
        return Int64(value.rounded(.down))
    }

    /// Whether the device wants to be online at `wall` (not in an offline window).
    public func wantsConnection(wall: Double) -> Bool {
        let local = LocalDateTime(secondsSinceEpochIgnoringZone: simulated(wall))
        return !device.faults.offline.contains { $0.contains(local) }
    }

    /// The next wall time at which `tick` has something to do.
    public func nextWake(wall: Double) -> Double {
        var next = Double.infinity
        if !isDoneGenerating {
            var target = generator.nextSample
            if let end { target = min(target, end) }
            next = min(next, clock.wall(atSimulated: max(target, generatedUntil + 1)))
        }
        for item in outstanding.values { next = min(next, item.sentAt + overTime) }
        if isConnected, device.edition == .hj2025, let heartbeat = device.heartbeatSeconds {
            next = min(next, lastHeartbeat + heartbeat)
        }
        if isConnected, let nextDisconnect { next = min(next, clock.wall(atSimulated: nextDisconnect)) }
        if isConnected, (!backlog.isEmpty && outstanding.count < Self.backfillWindow) || !live.isEmpty {
            next = min(next, wall + 0.002)
        }
        return max(next, wall)
    }

    // MARK: Events

    /// The connection is up: send what is due and start back-filling.
    public mutating func connected(wall: Double) -> [Action] {
        isConnected = true
        statistics.connects += 1
        lastHeartbeat = wall
        scanner = FrameScanner()
        return tick(wall: wall)
    }

    /// The connection is gone: unanswered and queued interval uploads go to the back-fill buffer.
    public mutating func disconnected(wall: Double) {
        guard isConnected else { return }
        isConnected = false
        statistics.disconnects += 1
        var unanswered = outstanding.values.map(\.pending)
        outstanding.removeAll()
        unconfirmed.removeAll()
        unanswered.sort { $0.record.dataTime < $1.record.dataTime }
        var moved: [Pending] = []
        for var pending in unanswered + live {
            if pending.record.kind == .realtime {
                statistics.realtimeLost += 1
                continue
            }
            pending.backfill = true
            moved.append(pending)
        }
        live.removeAll()
        backlog.insert(contentsOf: moved, at: 0)
        trimBacklog()
    }

    /// Produces data up to now and sends what is due: resends, live uploads, back-fill, heartbeats.
    public mutating func tick(wall: Double) -> [Action] {
        generate(wall: wall)
        guard isConnected else { return [] }
        let now = simulated(wall)
        if !wantsConnection(wall: wall) { return [.disconnect] }
        if let nextDisconnect, now >= nextDisconnect, let minutes = device.faults.disconnectEveryMinutes {
            var following = nextDisconnect
            while following <= now { following += Int64(minutes) * 60 }
            self.nextDisconnect = following
            injector.noteDisconnect()
            return [.disconnect]
        }
        var frames: [[UInt8]] = []
        // Resends first: their data is the oldest.
        let expired = outstanding.filter { wall >= $0.value.sentAt + overTime }.sorted { $0.value.sentAt < $1.value.sentAt }
        for (qn, item) in expired {
            outstanding[qn] = nil
            if item.attempts <= reCount {
                statistics.resends += 1
                frames += send(item.pending, wall: wall, attempts: item.attempts + 1)
            } else {
                var pending = item.pending
                pending.rounds += 1
                statistics.gaveUp += 1
                if pending.rounds >= 2 {
                    statistics.dropped += 1
                } else {
                    pending.backfill = true
                    backlog.append(pending)
                }
            }
        }
        // Fresh data has priority over back-fill.
        for pending in live {
            statistics.uploads += 1
            frames += send(pending, wall: wall, attempts: 1)
        }
        live.removeAll()
        let budget = min(Self.backfillPerTick, Self.backfillWindow - outstanding.count)
        if budget > 0 && !backlog.isEmpty {
            let batch = backlog.prefix(budget)
            backlog.removeFirst(batch.count)
            for pending in batch {
                statistics.uploads += 1
                statistics.backfilled += 1
                frames += send(pending, wall: wall, attempts: 1)
            }
        }
        if device.edition == .hj2025, let heartbeat = device.heartbeatSeconds, wall >= lastHeartbeat + heartbeat {
            lastHeartbeat = wall
            statistics.heartbeats += 1
            frames.append(heartbeatFrame(wall: wall))
        }
        return writes(frames)
    }

    /// The writes handed out so far have left the logger: OverTime runs from now for them.
    public mutating func written(wall: Double) {
        for qn in unconfirmed { outstanding[qn]?.sentAt = wall }
        unconfirmed.removeAll(keepingCapacity: true)
    }

    /// Bytes from the platform: 9014 answers and commands.
    public mutating func receive(_ bytes: [UInt8], wall: Double) -> [Action] {
        scanner.append(bytes)
        var frames: [[UInt8]] = []
        while let event = scanner.next() {
            guard case .frame(let frame) = event else { continue }
            let packet = PacketDecoder.decode(frame, options: DecodeOptions(sm4Key: key))
            frames += handle(packet, wall: wall)
        }
        return writes(frames)
    }

    // MARK: Producing

    mutating func generate(wall: Double) {
        var target = simulated(wall)
        if let end { target = min(target, end) }
        guard target > generatedUntil else { return }
        let records = generator.advance(to: target)
        generatedUntil = target
        for record in records { route(record) }
    }

    mutating func route(_ record: SimRecord) {
        guard device.upload.contains(record.kind) else { return }
        // Offline is decided by when the record was produced (its interval's end), not by when this
        // machine happens to be ticked: a tick that catches up after an outage must still treat the
        // outage's records as back-fill, whatever the scheduling.
        let online = isConnected && !producedInOfflineWindow(record)
        if record.kind == .realtime {
            guard realtimeEnabled else { return }
            if online { live.append(Pending(record: record, backfill: false)) } else { statistics.realtimeLost += 1 }
            return
        }
        if online {
            live.append(Pending(record: record, backfill: false))
        } else {
            backlog.append(Pending(record: record, backfill: true))
            trimBacklog()
        }
    }

    /// Whether the record's interval closed while the device was offline: its last second lies in
    /// one of the device's offline windows (a real-time value: its own second).
    func producedInOfflineWindow(_ record: SimRecord) -> Bool {
        guard !device.faults.offline.isEmpty else { return false }
        let length: Int64
        switch record.kind {
        case .minute: length = Int64(device.minuteMinutes * 60)
        case .hour: length = 3600
        case .day: length = 86_400
        default: length = 0
        }
        let produced = LocalDateTime(secondsSinceEpochIgnoringZone: record.dataTime.secondsSinceEpochIgnoringZone + max(length - 1, 0))
        return device.faults.offline.contains { $0.contains(produced) }
    }

    mutating func trimBacklog() {
        let excess = backlog.count - Self.backlogCapacity
        if excess > 0 {
            backlog.removeFirst(excess)
            statistics.dropped += excess
        }
    }

    // MARK: Writing

    /// A new QN from the logger's clock, strictly increasing.
    mutating func nextQN(wall: Double) -> String {
        let millis = Int64((clock.simulatedSeconds(atWall: wall) * 1000).rounded(.down)) + skew * 1000
        lastQN = max(millis, lastQN + 1)
        var time = LocalDateTime(secondsSinceEpochIgnoringZone: lastQN.floorDiv(1000))
        time.millisecond = Int(lastQN.mod(1000))
        return time.hj212
    }

    /// The device's clock now.
    func deviceTime(wall: Double) -> LocalDateTime {
        LocalDateTime(secondsSinceEpochIgnoringZone: simulated(wall) + skew)
    }

    /// The upload for a record, as a packet (before faults).
    public func uploadPacket(_ record: SimRecord, qn: String?, backfill: Bool, password: String? = nil) -> OutgoingPacket {
        var readings = record.readings
        if !wireCodes.isEmpty {
            for index in readings.indices { readings[index].rawCode = wireCodes[readings[index].code] ?? readings[index].code }
        }
        let builder = DataUploadBuilder(kind: record.kind, dataTime: record.dataTime.adding(seconds: skew), readings: readings, decimals: decimals)
        let answerWanted = device.edition != .hj2005 && device.ack.contains(record.kind)
        var packet = builder.packet(
            qn: device.edition == .hj2005 ? nil : qn, st: device.st, pw: password ?? device.password, mn: device.mn,
            edition: device.edition, answerWanted: answerWanted, backfill: backfill)
        if device.edition == .hj2005 { packet.header.flag = nil }
        return packet
    }

    /// Encodes an upload (with its faults) and tracks it for its 9014.
    mutating func send(_ pending: Pending, wall: Double, attempts: Int) -> [[UInt8]] {
        let qn = nextQN(wall: wall)
        let password = injector.rollWrongPassword() ? FaultInjector.wrongPassword(for: device.password) : device.password
        let packet = uploadPacket(pending.record, qn: qn, backfill: pending.backfill, password: password)
        if pending.backfill && pending.record.kind == .hour { statistics.backfilledHours.insert(pending.record.dataTime) }
        var frames = [injector.encode(packet, key: key)]
        if packet.header.flag?.answerWanted == true {
            outstanding[qn] = Outstanding(pending: pending, sentAt: wall, attempts: attempts)
            unconfirmed.append(qn)
        }
        if injector.rollDuplicate() {
            let again = uploadPacket(pending.record, qn: nextQN(wall: wall), backfill: pending.backfill)
            frames.append(injector.encode(again, key: key))
        }
        return frames
    }

    mutating func heartbeatFrame(wall: Double) -> [UInt8] {
        let header = Header(
            qn: nextQN(wall: wall), st: device.st, cn: "9015", pw: device.password, mn: device.mn,
            flag: PacketFlag(edition: device.edition, answerWanted: true))
        return OutgoingPacket(header: header).encode()
    }

    mutating func writes(_ frames: [[UInt8]]) -> [Action] {
        guard !frames.isEmpty else { return [] }
        statistics.framesWritten += frames.count
        let chunks = injector.writes(for: frames)
        for chunk in chunks { statistics.bytesWritten += chunk.count }
        return chunks.map { .write($0) }
    }

    // MARK: Answering the platform

    mutating func handle(_ packet: Packet, wall: Double) -> [[UInt8]] {
        let header = packet.header
        let cn = header.cn ?? ""
        switch cn {
        case "9014":
            if let qn = header.qn ?? packet.dataArea["QN"], outstanding.removeValue(forKey: qn) != nil {
                statistics.acknowledged += 1
            }
            return []
        case "9011", "9012", "9013":
            return []
        default:
            break
        }
        guard cn.first == "1" || cn.first == "2" || cn.first == "3" else { return [] }
        // A platform request: check who it is for, then answer 9011, do it, answer 9012.
        if header.mn != device.mn { return [encodeReply(Reply.requestAnswer(to: header, edition: device.edition, qnRtn: .wrongMN))] }
        if header.pw != device.password {
            return [encodeReply(Reply.requestAnswer(to: header, edition: device.edition, qnRtn: .wrongPassword))]
        }
        let area = packet.dataArea
        if cn == "2012" || cn == "2022" {
            if cn == "2012" { realtimeEnabled = false }
            statistics.commandsAnswered += 1
            return [encodeReply(Reply.notificationAck(to: header, edition: device.edition))]
        }
        var frames: [[UInt8]] = []
        func ready() { frames.append(encodeReply(Reply.requestAnswer(to: header, edition: device.edition, qnRtn: .ready))) }
        func done(_ result: Reply.ExeRtn) { frames.append(encodeReply(Reply.executionResult(to: header, edition: device.edition, exeRtn: result))) }
        func reject() { frames.append(encodeReply(Reply.requestAnswer(to: header, edition: device.edition, qnRtn: .rejected))) }
        statistics.commandsAnswered += 1
        switch cn {
        case "1000":
            guard let overTime = area["OverTime"].flatMap(Double.init), let reCount = area["ReCount"].flatMap(Int.init),
                  overTime > 0, reCount >= 0 else {
                reject()
                break
            }
            ready()
            self.overTime = overTime
            self.reCount = reCount
            done(.success)
        case "1011":
            ready()
            frames.append(parameterAnswer(to: header, items: [("SystemTime", deviceTime(wall: wall).hj212)]))
            done(.success)
        case "1012":
            guard let text = area["SystemTime"], let time = LocalDateTime(hj212: text) else {
                reject()
                break
            }
            ready()
            skew = time.secondsSinceEpochIgnoringZone - simulated(wall)
            done(.success)
        case "1061":
            ready()
            frames.append(parameterAnswer(to: header, items: [("RtdInterval", String(generator.realtimeSeconds))]))
            done(.success)
        case "1062":
            guard let seconds = area["RtdInterval"].flatMap(Int.init), (1...3600).contains(seconds) else {
                reject()
                break
            }
            ready()
            generator.setRealtimeInterval(seconds: seconds)
            done(.success)
        case "1063":
            ready()
            frames.append(parameterAnswer(to: header, items: [("MinInterval", String(generator.minuteMinutes))]))
            done(.success)
        case "1064":
            guard let minutes = area["MinInterval"].flatMap(Int.init), ScenarioReader.minuteIntervals.contains(minutes) else {
                reject()
                break
            }
            ready()
            generator.setMinuteInterval(minutes: minutes)
            done(.success)
        case "2011":
            ready()
            realtimeEnabled = true
            done(.success)
        case "2031", "2051", "2061":
            let kind: DataKind = cn == "2031" ? .day : cn == "2051" ? .minute : .hour
            guard let begin = area["BeginTime"].flatMap({ LocalDateTime(hj212: $0) }),
                  let end = area["EndTime"].flatMap({ LocalDateTime(hj212: $0) }), begin <= end else {
                reject()
                break
            }
            ready()
            let records = RecordGenerator.history(
                plant: generator.plant, kind: kind, begin: begin.secondsSinceEpochIgnoringZone - skew,
                end: end.secondsSinceEpochIgnoringZone - skew, origin: clock.startSeconds, now: generatedUntil)
            for record in records {
                statistics.historyRecords += 1
                frames += send(Pending(record: record, backfill: false), wall: wall, attempts: 1)
            }
            done(records.isEmpty ? .noData : .success)
        default:
            reject()
        }
        return frames
    }

    /// The answer to a "get" command: its CN and QN, no A bit, the values in CP.
    func parameterAnswer(to request: Header, items: [(String, String)]) -> [UInt8] {
        var header = Header(qn: request.qn, st: device.st, cn: request.cn, pw: device.password, mn: device.mn)
        header.flag = device.edition == .hj2005 ? nil : PacketFlag(edition: device.edition)
        return OutgoingPacket(header: header, dataArea: DataArea(groups: items.map { [$0] })).encode()
    }

    func encodeReply(_ packet: OutgoingPacket) -> [UInt8] { packet.encode() }
}

extension FaultInjector {
    mutating func noteDisconnect() { note(.disconnect) }
}

extension Int64 {
    /// Division rounding toward minus infinity.
    func floorDiv(_ divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
