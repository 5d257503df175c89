import Foundation
import HJ212
import LocalTime
import Logging
import Store

/// Keeps the stored compliance results (judged hours and days, exceedance events, warnings)
/// up to date with the stored readings.
///
/// Live: the gateway hands every committed batch to ``note(_:)``; ``run(interval:)`` evaluates
/// the touched hours and days within seconds, and re-evaluates each hour when it closes. Late
/// and back-filled data (RF=1, history answers) touch their own periods, so they are
/// re-judged the same way, and the events around them are rebuilt.
/// Batch: ``reevaluate(from:until:mns:)`` recomputes a time range from the readings (after a
/// limit change, or before publishing).
public actor ComplianceEngine {
    public typealias Backend = MonitoringStore & ComplianceRecordStore

    let store: any Backend
    public nonisolated let registry: ComplianceRegistry
    public nonisolated let clock: PeriodClock
    let tables: CodeTables
    let logger: Logger
    let now: @Sendable () -> Date
    nonisolated let inbox = EngineInbox()
    /// Where the actor's code runs: a thread of its own, at background priority.
    private nonisolated let executor = BackgroundExecutor(label: "hj212.compliance")
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    /// When each device's hour in progress was last judged by the live loop (Unix seconds).
    private var openHourJudgedAt: [String: Int64] = [:]
    /// How often the live loop re-judges a device's hour in progress: a preview, since an hour is
    /// judged on its mean and that is final only when it closes (it is judged again then).
    public static let openHourInterval: Int64 = 60

    public init(
        store: any Backend, registry: ComplianceRegistry, timeZone: LocalTimeZone, tables: CodeTables = .shipped,
        logger: Logger = Logger(label: "hj212.compliance"), now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        self.registry = registry
        self.clock = PeriodClock(zone: timeZone)
        self.tables = tables
        self.logger = logger
        self.now = now
    }

    /// What one evaluation did.
    public struct Summary: Sendable, Hashable {
        public var hours = 0
        public var days = 0
        public var series = 0
        public var events = 0
        public init() {}

        mutating func add(_ other: Summary) {
            hours += other.hours
            days += other.days
            series += other.series
            events += other.events
        }
    }

    // MARK: Live

    /// Takes note of committed frames (call it with frames that stored something new). Cheap and
    /// thread-safe: the work is done by ``flush()``.
    public nonisolated func note(_ frames: [IngestFrame]) {
        let registry = registry
        let clock = clock
        inbox.add { work in
            for frame in frames {
                guard let rules = registry.byMN[frame.mn] else { continue }
                let hour = clock.hourStart(frame.dataTimeUnix)
                switch frame.kind {
                case .realtime:
                    work.markOnline(OnlineHour(mn: frame.mn, hourUnix: hour))
                    for reading in frame.readings where reading.polId == nil {
                        Self.tallySpike(reading, mn: frame.mn, hour: hour, rules: rules, into: &work)
                    }
                case .minute, .hour:
                    work.markOnline(OnlineHour(mn: frame.mn, hourUnix: hour))
                    work.hours[frame.mn, default: []].insert(hour)
                case .day:
                    work.days[frame.mn, default: []].insert(clock.dayStart(frame.dataTimeUnix))
                default:
                    continue
                }
                if frame.kind != .day {
                    for reading in frame.readings where reading.polId == nil {
                        Self.tallyOverRange(reading, mn: frame.mn, hour: hour, rules: rules, into: &work)
                    }
                }
            }
        }
    }

    /// Where ``noteLater(_:)`` takes note, one batch after the other.
    nonisolated let intake = DispatchQueue(label: "hj212.compliance.intake")

    /// ``note(_:)`` on a queue of the engine's own, at background priority (`BackgroundPriority`):
    /// the committer calls this after each commit from the queue that sends the answers, and the
    /// next batch's answers need not wait while the engine takes note of this one. The last flush
    /// of ``run(interval:)`` takes everything handed in before it.
    public nonisolated func noteLater(_ frames: [IngestFrame]) {
        intake.async { BackgroundPriority.run { self.note(frames) } }
    }

    /// A T flag (above the analyser's range) in real-time, minute or hour data: a warning.
    static func tallyOverRange(_ reading: Reading, mn: String, hour: Int64, rules: OutletRules, into work: inout EngineInbox.Work) {
        guard reading.flag == .overRange else { return }
        let key = EngineInbox.WarningKey(mn: mn, pollutant: reading.code, hour: hour, kind: "over_range")
        var tally = work.warnings[key] ?? EngineInbox.WarningTally(rules: rules)
        tally.count += 1
        if let value = reading.rtd ?? reading.avg { tally.peak = max(tally.peak ?? value, value) }
        tally.limit = rules.limits(for: reading.code, on: .hour).first?.maximum
        work.warnings[key] = tally
    }

    static func tallySpike(_ reading: Reading, mn: String, hour: Int64, rules: OutletRules, into work: inout EngineInbox.Work) {
        guard let limit = rules.limits(for: reading.code, on: .hour).first?.maximum ?? rules.limits(for: reading.code, on: .day).first?.maximum,
              let value = rules.converts(reading.code) ? reading.zsRtd : reading.rtd, value > limit,
              reading.flag == nil || reading.flag == .normal else { return }
        let key = EngineInbox.WarningKey(mn: mn, pollutant: reading.code, hour: hour, kind: "realtime_spike")
        var tally = work.warnings[key] ?? EngineInbox.WarningTally(rules: rules)
        tally.count += 1
        tally.peak = max(tally.peak ?? value, value)
        tally.limit = limit
        work.warnings[key] = tally
    }

    /// Evaluates what ``note(_:)`` collected.
    ///
    /// - Parameter pacingOpenHours: Judge a device's hour in progress at most every
    ///   ``openHourInterval`` seconds, leaving it in the inbox meanwhile (the live loop does
    ///   this: a device that uploads every few seconds would otherwise have its hour re-read and
    ///   re-judged on every flush). Closed hours, late and back-filled data are judged at once.
    @discardableResult
    public func flush(pacingOpenHours: Bool = false) async throws -> Summary {
        var work = inbox.drain()
        if pacingOpenHours { deferOpenHours(&work) }
        guard !work.isEmpty else { return Summary() }
        do {
            return try await evaluate(work)
        } catch {
            // Nothing is lost: the periods are judged again with the next flush.
            inbox.restore(work)
            throw error
        }
    }

    /// Moves the hours in progress that were judged less than ``openHourInterval`` ago back to
    /// the inbox.
    private func deferOpenHours(_ work: inout EngineInbox.Work) {
        let nowUnix = Int64(now().timeIntervalSince1970)
        let openHour = clock.hourStart(nowUnix)
        var deferred = EngineInbox.Work()
        for (mn, hours) in work.hours where hours.contains(openHour) {
            if let judged = openHourJudgedAt[mn], nowUnix - judged < Self.openHourInterval, judged >= openHour {
                work.hours[mn]?.remove(openHour)
                if work.hours[mn]?.isEmpty == true { work.hours[mn] = nil }
                deferred.hours[mn] = [openHour]
            } else {
                openHourJudgedAt[mn] = nowUnix
            }
        }
        if !deferred.hours.isEmpty { inbox.restore(deferred) }
    }

    func evaluate(_ work: EngineInbox.Work) async throws -> Summary {
        try await store.markOnline(Array(work.online))
        try await store.saveWarnings(work.warnings.map { key, tally in
            WarningRecord(
                mn: key.mn, pollutant: key.pollutant, hourUnix: key.hour, kind: key.kind, count: tally.count,
                peak: tally.peak, limit: tally.limit, enterpriseID: tally.rules.enterpriseID, outletID: tally.rules.outletID)
        }, accumulate: true)
        var summary = Summary()
        var tracker = SeriesTracker()
        var pending = PendingPeriods()
        var days = work.days
        for (mn, hours) in work.hours {
            guard let rules = registry.byMN[mn], !hours.isEmpty else { continue }
            let periods = try await evaluateHours(mn: mn, rules: rules, hours: hours)
            pending.add(periods, mn: mn, rules: rules, at: nowMillis())
            summary.hours += hours.count
            tracker.add(mn: mn, periods)
            for hour in hours { days[mn, default: []].insert(clock.dayStart(hour)) }
        }
        for (mn, dayStarts) in days {
            guard let rules = registry.byMN[mn] else { continue }
            for day in dayStarts {
                let periods = try await evaluateDay(mn: mn, rules: rules, day: day, judgedHours: pending.hours(of: mn))
                pending.add(periods, mn: mn, rules: rules, at: nowMillis())
                tracker.add(mn: mn, periods)
                summary.days += 1
            }
        }
        // Events are rebuilt from the stored periods, so these are saved first, in small
        // transactions: uploads are being committed meanwhile (see periodsPerLiveTransaction).
        try await save(pending, slice: Self.periodsPerLiveTransaction, pause: Self.pauseBetweenLiveTransactions)
        summary.add(try await rebuildEvents(tracker))
        return summary
    }

    /// Saves judged periods a few thousand to a transaction: together, not one transaction per
    /// device and period kind (those queued on the store's writer between upload commits by the
    /// thousand under load), and not all in one either, so that an upload commit never waits
    /// behind more than one slice. With a `pause`, waits that long between two slices.
    func save(_ pending: PendingPeriods, slice: Int = periodsPerTransaction, pause: Duration? = nil) async throws {
        var start = 0
        while start < pending.records.count {
            if start > 0, let pause { try await Task.sleep(for: pause) }
            let end = min(start + max(1, slice), pending.records.count)
            try await store.savePeriods(Array(pending.records[start..<end]))
            start = end
        }
    }

    /// How many judged periods go into one transaction when days are re-evaluated in bulk.
    static let periodsPerTransaction = 2_000

    /// How many judged periods go into one transaction while the gateway takes uploads.
    ///
    /// Every transaction of the store runs on its one writer, in turn with the commits that
    /// devices wait on for their 9014. 2,000 periods held the writer for about 8 ms here; a
    /// flush after a burst of closed hours (a back-fill, or the benchmark's minute data, which
    /// closes each device's hour every 3 s) saved several such slices back to back, and the
    /// upload commits queued between them grew until answers took over 50 ms for a second or
    /// two. 250 periods hold it for about 1 ms.
    static let periodsPerLiveTransaction = 250

    /// How long the live loop waits between two of its transactions, so that the upload commits
    /// queued meanwhile get the writer first.
    ///
    /// The store's writer takes transactions in turn. A flush with a backlog (the engine falls
    /// behind under load and catches up) saved its slices back to back, and each upload commit
    /// then waited behind one: their batches grew, and so did the answers' latency, for the
    /// second or two the flush lasted. 4 ms leaves room for two or three upload commits between
    /// slices and adds 0.16 s to a flush of 10,000 periods. Paired runs at 20,000 uploads/s from
    /// 1,000 devices: p99 36–39 ms with it against 33–48 ms without.
    static let pauseBetweenLiveTransactions: Duration = .milliseconds(4)

    /// Flushes every `interval` (longer after a long flush, so judging never crowds out ingest)
    /// until cancelled; when a local hour ends, re-evaluates it for every
    /// device that sent something in it (so an hour that never got enough data is judged too).
    public func run(interval: Duration = .seconds(2)) async {
        var currentHour = clock.hourStart(Int64(now().timeIntervalSince1970))
        var pause = interval
        while !Task.isCancelled {
            try? await Task.sleep(for: pause)
            let hour = clock.hourStart(Int64(now().timeIntervalSince1970))
            if hour != currentHour {
                inbox.closeHour(currentHour)
                currentHour = hour
            }
            do {
                let started = ContinuousClock.now
                defer {
                    // Judging yields to ingest: during a back-fill storm the engine takes at most
                    // about a fifth of the time (and of the store's writer) and catches up after.
                    pause = max(interval, (ContinuousClock.now - started) * 4)
                }
                let summary = try await flush(pacingOpenHours: true)
                if summary.hours + summary.days > 0 {
                    logger.debug("compliance evaluated", metadata: [
                        "hours": "\(summary.hours)", "days": "\(summary.days)", "events": "\(summary.events)",
                    ])
                }
            } catch {
                // Shutting down: the last flush below does the work.
                if Task.isCancelled { break }
                logger.error("compliance evaluation failed; it is retried with the next data", metadata: ["error": "\(error)"])
            }
        }
        // The last flush runs outside this (cancelled) task, so the store does not refuse it,
        // after everything handed to `noteLater` before it.
        do {
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in intake.async { done.resume() } }
            _ = try await Task { try await self.flush() }.value
        } catch {
            logger.error("the last compliance evaluation before shutdown failed; run `hj212 evaluate` for the day", metadata: ["error": "\(error)"])
        }
    }

    // MARK: Batch

    /// Recomputes every period, warning and event of the registered devices (or `mns`) for the
    /// local days overlapping `from..<until`, from the stored readings.
    @discardableResult
    public func reevaluate(from: Int64, until: Int64, mns: [String]? = nil) async throws -> Summary {
        try await reevaluate(from: from, until: until, mns: mns, periodsPerGroup: Self.periodsPerGroup)
    }

    /// ``reevaluate(from:until:mns:)``, saving each time a group of devices has judged
    /// `periodsPerGroup` periods or more.
    func reevaluate(from: Int64, until: Int64, mns: [String]?, periodsPerGroup: Int) async throws -> Summary {
        var summary = Summary()
        let wanted = mns.map(Set.init)
        var dayStarts: [Int64] = []
        var day = clock.dayStart(from)
        while day < until {
            dayStarts.append(day)
            day = clock.nextDay(day)
        }
        guard let first = dayStarts.first, let last = dayStarts.last else { return summary }
        let end = clock.nextDay(last)
        // Devices are judged a group at a time; each group's results are saved together.
        var group = ReevaluationGroup()
        for rules in registry.outlets {
            for mn in rules.mns where wanted?.contains(mn) ?? true {
                for day in dayStarts {
                    let next = clock.nextDay(day)
                    let hours = Set(clock.hours(ofDay: day))
                    let hourPeriods = try await evaluateHours(mn: mn, rules: rules, hours: hours)
                    group.pending.add(hourPeriods, mn: mn, rules: rules, at: nowMillis())
                    group.tracker.add(mn: mn, hourPeriods)
                    summary.hours += hours.count
                    group.online += try await store.activeHours(mn: mn, from: day, until: next).map { OnlineHour(mn: mn, hourUnix: $0) }
                    group.warnings += try await warnings(mn: mn, rules: rules, from: day, until: next)
                    let dayPeriods = try await evaluateDay(mn: mn, rules: rules, day: day, judgedHours: group.pending.hours(of: mn))
                    group.pending.add(dayPeriods, mn: mn, rules: rules, at: nowMillis())
                    group.tracker.add(mn: mn, dayPeriods)
                    summary.days += 1
                }
                group.mns.append(mn)
                if group.pending.records.count >= periodsPerGroup {
                    summary.add(try await finish(group, from: first, until: end))
                    group = ReevaluationGroup()
                }
            }
        }
        summary.add(try await finish(group, from: first, until: end))
        return summary
    }

    /// How many judged periods a re-evaluation gathers before saving them.
    static let periodsPerGroup = 20_000

    /// Devices re-evaluated together: their results, saved at once.
    struct ReevaluationGroup {
        var mns: [String] = []
        var pending = PendingPeriods()
        var tracker = SeriesTracker()
        var online: [OnlineHour] = []
        var warnings: [WarningRecord] = []
    }

    /// Saves a group's results, then rebuilds its events from them.
    private func finish(_ group: ReevaluationGroup, from: Int64, until: Int64) async throws -> Summary {
        guard !group.mns.isEmpty else { return Summary() }
        try await store.markOnline(group.online)
        try await store.saveWarnings(group.warnings, accumulate: false)
        try await save(group.pending)
        // Events of series that no longer have a limit (the configuration changed) go.
        for stale in Set(try await store.events(EventQuery(since: from, until: until, mns: group.mns)).map(\.series))
        where group.tracker.spans[stale] == nil {
            try await store.replaceEvents(series: stale, from: from, until: until, with: [])
        }
        return try await rebuildEvents(group.tracker)
    }

    func warnings(mn: String, rules: OutletRules, from: Int64, until: Int64) async throws -> [WarningRecord] {
        var result: [WarningRecord] = []
        for row in try await store.realtimeSummary(mn: mn, from: from, until: until) {
            if row.overRangeCount > 0 {
                result.append(WarningRecord(
                    mn: mn, pollutant: row.pollutant, hourUnix: row.hourUnix, kind: "over_range", count: row.overRangeCount,
                    peak: row.overRangePeak, limit: rules.limits(for: row.pollutant, on: .hour).first?.maximum,
                    enterpriseID: rules.enterpriseID, outletID: rules.outletID))
            }
            let limit = rules.limits(for: row.pollutant, on: .hour).first?.maximum ?? rules.limits(for: row.pollutant, on: .day).first?.maximum
            if let limit, let peak = rules.converts(row.pollutant) ? row.maxZsRtd : row.maxRtd, peak > limit {
                result.append(WarningRecord(
                    mn: mn, pollutant: row.pollutant, hourUnix: row.hourUnix, kind: "realtime_spike", count: 1,
                    peak: peak, limit: limit, enterpriseID: rules.enterpriseID, outletID: rules.outletID))
            }
        }
        return result
    }

    // MARK: Periods

    func evaluateHours(mn: String, rules: OutletRules, hours: Set<Int64>) async throws -> [EvaluatedPeriod] {
        guard let first = hours.min(), let last = hours.max() else { return [] }
        let minutes = try await store.readings(ReadingQuery(mn: mn, kind: .minute, since: first, until: last + 3600))
        let deviceHours = try await store.readings(ReadingQuery(mn: mn, kind: .hour, since: first, until: last + 3600))
        // Judging is background work like the reads above: the engine's own thread runs at
        // background priority (`BackgroundExecutor`), so under load it takes what ingest leaves.
        var minutesByHour: [Int64: [String: [TimedReading]]] = [:]
        for row in minutes where row.reading.polId == nil {
            let hour = clock.hourStart(row.dataTimeUnix)
            guard hours.contains(hour) else { continue }
            minutesByHour[hour, default: [:]][row.reading.code, default: []].append(TimedReading(time: row.dataTimeUnix, reading: row.reading))
        }
        var hourValues: [Int64: [String: Reading]] = [:]
        for row in deviceHours where row.reading.polId == nil && hours.contains(row.dataTimeUnix) {
            hourValues[row.dataTimeUnix, default: [:]][row.reading.code] = row.reading
        }
        let evaluator = HourEvaluator(rules: rules, tables: tables)
        // The logger's minute interval, read from all the minutes loaded (one hour may have gaps).
        let interval = HourEvaluator.minuteInterval(
            try await minuteContext(mn: mn, hours: hours, loaded: minutes.filter { $0.reading.polId == nil }))
        var periods: [EvaluatedPeriod] = []
        for hour in hours.sorted() {
            let device = hourValues[hour] ?? [:]
            let minuteValues = minutesByHour[hour] ?? [:]
            guard !device.isEmpty || !minuteValues.isEmpty else { continue }
            periods += evaluator.evaluate(start: hour, deviceHour: device, minutes: minuteValues, minuteInterval: interval)
        }
        return periods
    }

    /// Minute records to infer the interval from: the loaded ones, widened to the hour before and
    /// after when only one hour is evaluated (live), so one gappy hour does not decide it.
    /// The interval is the smallest gap between minute records, so more records can only make it
    /// smaller: when the loaded hour already gives the smallest there is (1 minute), the hours
    /// around it are not read.
    func minuteContext(mn: String, hours: Set<Int64>, loaded: [StoredReading]) async throws -> [String: [TimedReading]] {
        var byCode: [String: [TimedReading]] = [:]
        func add(_ rows: [StoredReading]) {
            for row in rows where row.reading.polId == nil {
                byCode[row.reading.code, default: []].append(TimedReading(time: row.dataTimeUnix, reading: row.reading))
            }
        }
        add(loaded)
        if hours.count == 1, let hour = hours.first, HourEvaluator.minuteInterval(byCode) > 1 {
            add(try await store.readings(ReadingQuery(mn: mn, kind: .minute, since: hour - 3600, until: hour)))
            add(try await store.readings(ReadingQuery(mn: mn, kind: .minute, since: hour + 3600, until: hour + 7200)))
        }
        return byCode
    }

    /// Judges a device's day from its stored hour periods, with `judgedHours` (judged since and
    /// not saved yet) in place of the stored ones they replace. Returns the periods unsaved.
    func evaluateDay(mn: String, rules: OutletRules, day: Int64, judgedHours: [PeriodRecord]) async throws -> [EvaluatedPeriod] {
        let next = clock.nextDay(day)
        let deviceDay = try await store.readings(ReadingQuery(mn: mn, kind: .day, since: day, until: day + 1))
        let stored = try await store.periods(PeriodQuery(mn: mn, basis: PeriodBasis.hour.rawValue, from: day, until: next))
        let hours = PendingPeriods.overlay(stored, with: judgedHours, from: day, until: next)
        var values: [String: Reading] = [:]
        for row in deviceDay where row.reading.polId == nil { values[row.reading.code] = row.reading }
        guard !values.isEmpty || !hours.isEmpty else { return [] }
        return DayEvaluator(rules: rules, tables: tables)
            .evaluate(start: day, hoursInDay: Int((next - day) / 3600), deviceDay: values, hours: hours)
    }

    // MARK: Events

    /// Rebuilds the events of every series whose periods changed, between the nearest compliant
    /// periods around the change (events never cross a compliant period, so nothing outside
    /// that window can change). Unchanged events keep their update time, so `--watch` shows
    /// only real news.
    func rebuildEvents(_ tracker: SeriesTracker) async throws -> Summary {
        var summary = Summary()
        for (series, span) in tracker.spans {
            let periodBasis = series.basis == JudgementBasis.day.rawValue ? PeriodBasis.day.rawValue : PeriodBasis.hour.rawValue
            let window = try await store.eventWindow(
                series: series, periodBasis: periodBasis, boundary: Verdict.comply.rawValue, around: span.first...span.last)
            let (from, until) = (window.from, window.until)
            let stamp = nowMillis()
            var events = EventBuilder.events(series: series, periods: window.periods, nowMillis: stamp) { [clock] unix in
                clock.zone.iso8601(unix: unix)
            }
            for index in events.indices {
                if let old = window.events.first(where: { Self.same($0, events[index]) }) {
                    events[index].updatedAtMillis = old.updatedAtMillis
                }
            }
            // Most rebuilt series are what is stored already (no exceedance, or the same one):
            // those cost the writer nothing.
            if Self.byStart(events) != Self.byStart(window.events) {
                try await store.replaceEvents(series: series, from: from, until: until, with: events)
            }
            summary.series += 1
            summary.events += events.count
        }
        return summary
    }

    static func byStart(_ events: [EventRecord]) -> [EventRecord] {
        events.sorted { $0.startUnix < $1.startUnix }
    }

    static func same(_ a: EventRecord, _ b: EventRecord) -> Bool {
        var b = b
        b.updatedAtMillis = a.updatedAtMillis
        return a == b
    }

    func nowMillis() -> Int64 { Int64((now().timeIntervalSince1970 * 1000).rounded()) }
}

/// The series touched by an evaluation and the span of period starts touched in each.
struct SeriesTracker {
    var spans: [EventSeries: (first: Int64, last: Int64)] = [:]

    mutating func add(mn: String, _ periods: [EvaluatedPeriod]) {
        for period in periods {
            guard let limit = period.limit else { continue }
            let series = EventSeries(mn: mn, pollutant: period.pollutant, basis: limit.basis.rawValue)
            if let span = spans[series] {
                spans[series] = (min(span.first, period.start), max(span.last, period.start))
            } else {
                spans[series] = (period.start, period.start)
            }
        }
    }
}
