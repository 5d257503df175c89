import Foundation
import GatewayConfig
import HJ212
import LocalTime
import Store
@testable import Compliance

/// Shared builders for the compliance tests: outlets, readings, times and stores.
enum Fixture {
    static let zone = LocalTimeZone.beijing
    static let gasMN = "MNGAS0000000001"
    static let waterMN = "MNWATER00000001"

    /// Unix seconds of a Beijing local time on 2026-03-10 (or another day).
    static func time(day: Int = 10, hour: Int, minute: Int = 0) -> Int64 {
        zone.unixTime(LocalDateTime(year: 2026, month: 3, day: day, hour: hour, minute: minute))
    }

    /// Local midnight of 2026-03-`day`.
    static func midnight(day: Int = 10) -> Int64 { time(day: day, hour: 0) }

    static func enterprise(_ outlets: [Outlet]) -> Enterprise {
        Enterprise(id: "91330100TEST00001X", name: "测试热电有限公司", outlets: outlets)
    }

    static func gasOutlet(
        standard: String? = "GB13271-2014/coal/existing", limits: [String: LimitValue] = [:], referenceO2: Double? = nil,
        mn: String = gasMN
    ) -> Outlet {
        Outlet(
            id: "DA001", name: "1号锅炉排口", medium: .gas, standard: standard, limits: limits, referenceO2: referenceO2,
            devices: [DeviceConfiguration(mn: mn, password: Secret("123456"))])
    }

    static func waterOutlet(standard: String? = "GB18918-2002/1B", limits: [String: LimitValue] = [:], mn: String = waterMN) -> Outlet {
        Outlet(
            id: "DW001", name: "总排口", medium: .water, standard: standard, limits: limits,
            devices: [DeviceConfiguration(mn: mn, password: Secret("123456"))])
    }

    static func rules(_ outlet: Outlet) throws -> OutletRules {
        try OutletRules(enterprise: enterprise([outlet]), outlet: outlet, catalog: .shipped)
    }

    /// GB 13271-2014 existing coal boiler: SO2 400 mg/m³ hourly, reference O2 9 %.
    static func coalBoiler() throws -> OutletRules { try rules(gasOutlet()) }

    /// A gas outlet with no reference O2 (measured values are judged) and SO2 limited to 100.
    static func plainGas(limit: Double = 100) throws -> OutletRules {
        try rules(gasOutlet(standard: nil, limits: ["a21026": .maximum(limit)]))
    }

    static func reading(
        _ code: String, avg: Double? = nil, zsAvg: Double? = nil, cou: Double? = nil, flag: DataFlag? = .normal
    ) -> Reading {
        var reading = Reading(code: code)
        reading.avg = avg
        reading.zsAvg = zsAvg
        reading.cou = cou
        reading.flag = flag
        return reading
    }

    /// `count` minute records of one code from `start`, `interval` minutes apart.
    static func minutes(
        _ code: String, from start: Int64, count: Int, interval: Int = 1, value: Double, flag: DataFlag? = .normal,
        offset: Int = 0
    ) -> [TimedReading] {
        (0..<count).map { index in
            TimedReading(
                time: start + Int64((offset + index) * interval * 60),
                reading: reading(code, avg: value, flag: flag))
        }
    }

    /// The stored form of evaluated periods.
    static func records(_ periods: [EvaluatedPeriod], rules: OutletRules, mn: String) -> [PeriodRecord] {
        periods.map { $0.record(mn: mn, rules: rules, evaluatedAtMillis: 0) }
    }

    /// A hand-made hour period record (for EventBuilder tests).
    static func hourRecord(
        hour: Int, value: Double?, judgement: Verdict, status: PeriodStatus = .valid, limit: Double? = 100,
        cou: Double? = nil, pollutant: String = "a21026", limitBasis: String = "hour", mn: String = gasMN
    ) -> PeriodRecord {
        let start = time(hour: hour)
        let multiple = judgement == .exceed ? limit.flatMap { l in value.map { ($0 - l) / l } } : nil
        return PeriodRecord(
            mn: mn, pollutant: pollutant, basis: "hour", startUnix: start, enterpriseID: "E", outletID: "DA001",
            source: "device", status: status.rawValue, value: value, judged: value, oxygen: nil, cou: cou, coverage: nil,
            flags: status == .lowerBound ? "T" : "N", judgement: judgement.rawValue, limitBasis: limitBasis, limit: limit,
            lower: nil, upper: nil, multiple: multiple, note: nil, evaluatedAtMillis: 0)
    }

    static func iso(_ unix: Int64) -> String { zone.iso8601(unix: unix) }

    /// One upload frame as the gateway would commit it.
    static func frame(
        mn: String = gasMN, kind: DataKind, at unix: Int64, backfill: Backfill = .live, readings: [Reading]
    ) -> IngestFrame {
        let local = zone.localTime(unix: unix)
        let qn = String(format: "%04d%02d%02d%02d%02d%02d%03d", local.year, local.month, local.day, local.hour, local.minute, local.second, backfill.rawValue)
        return IngestFrame(
            mn: mn, qn: qn, cn: kind.cn, kind: kind, dataTime: local, dataTimeUnix: unix, edition: .hj2017,
            backfill: backfill, receivedAtMillis: unix * 1000 + 500, connection: "test/1", peer: "127.0.0.1:40000",
            readings: readings)
    }
}

/// A migrated SQLite store in a fresh temporary folder, with an engine over it.
struct EngineHarness {
    let folder: URL
    let store: SQLiteStore
    let engine: ComplianceEngine

    init(outlets: [Outlet]) async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("compliance-tests-\(UUID().uuidString)")
        store = try SQLiteStore(path: folder.appendingPathComponent("hj212.sqlite").path)
        try await store.migrate()
        engine = try Self.engine(store: store, outlets: outlets)
    }

    /// An engine over `store` for these outlets (a second one models a configuration change).
    static func engine(store: SQLiteStore, outlets: [Outlet]) throws -> ComplianceEngine {
        let configuration = GatewayConfiguration(enterprises: [Fixture.enterprise(outlets)])
        let registry = try ComplianceRegistry(configuration: configuration)
        let clock = Date(timeIntervalSince1970: 1_773_200_000)
        return ComplianceEngine(store: store, registry: registry, timeZone: Fixture.zone, now: { clock })
    }

    /// Commits frames as the gateway does, tells the engine and lets it evaluate.
    func ingest(_ frames: [IngestFrame]) async throws {
        _ = try await store.commit(WriteBatch(frames: frames))
        engine.note(frames)
        try await engine.flush()
    }

    func events(pollutant: String? = nil) async throws -> [EventRecord] {
        try await store.events(EventQuery(pollutant: pollutant)).sorted { $0.startUnix < $1.startUnix }
    }

    func close() async {
        try? await store.close()
        try? FileManager.default.removeItem(at: folder)
    }
}
