import Compliance
@testable import Disclosure
import Foundation
import GatewayConfig
import HJ212
import LocalTime
import Store
import Testing

/// The day's summary numbers against a hand calculation, from readings stored and judged the
/// way the gateway does it.
@Suite("daily summary numbers")
struct SummaryBuilderTests {
    static let zone = LocalTimeZone.beijing
    static let day = LocalDateTime(year: 2026, month: 11, day: 28)
    static let gasMN = "SUMMARYGAS00000000000001"
    static let waterMN = "SUMMARYWATER000000000001"

    static func configuration() -> GatewayConfiguration {
        GatewayConfiguration(enterprises: [
            Enterprise(id: "E1", name: "测试热电", outlets: [
                Outlet(
                    id: "DA001", name: "1号烟囱", medium: .gas, standard: "GB13271-2014/coal/existing",
                    limits: ["a21026": .maximum(35)], referenceO2: 6,
                    devices: [DeviceConfiguration(mn: gasMN, password: Secret("123456"))]),
            ]),
            Enterprise(id: "E2", name: "测试污水厂", outlets: [
                Outlet(
                    id: "DW001", name: "总排口", medium: .water, limits: ["w01018": .maximum(50), "w01001": .range(lower: 6, upper: 9)],
                    devices: [DeviceConfiguration(mn: waterMN, password: Secret("123456"))]),
            ]),
        ])
    }

    /// One hour frame of a device.
    static func frame(_ mn: String, hour: Int, _ readings: [Reading]) -> IngestFrame {
        let time = day.adding(seconds: Int64(hour * 3600))
        return IngestFrame(
            mn: mn, qn: nil, cn: "2061", kind: .hour, dataTime: time, dataTimeUnix: zone.unixTime(time), edition: .hj2017,
            backfill: .live, receivedAtMillis: zone.unixTime(time) * 1000 + 3_600_000, connection: "t", peer: "127.0.0.1",
            readings: readings)
    }

    static func reading(_ code: String, avg: Double, zs: Double? = nil, cou: Double? = nil, flag: DataFlag = .normal) -> Reading {
        var reading = Reading(code: code)
        reading.avg = avg
        reading.zsAvg = zs
        reading.cou = cou
        reading.flag = flag
        return reading
    }

    /// Gas: 24 hours, SO2 measured 20 at O2 11 (converted 20 × 15 / 10 = 30) except 14 h and 15 h
    /// (measured 30 -> 45, over 35) and 03 h in maintenance (M); Cou 1.5 kg each hour.
    /// Water: 20 of 24 hours (hours 20–23 missing); COD 40 with flow 100 m³ an hour, except
    /// 02 h: COD 70 with 300 m³; pH 7.
    static func fill(_ store: SQLiteStore) async throws {
        var frames: [IngestFrame] = []
        for hour in 0..<24 {
            let measured = [14, 15].contains(hour) ? 30.0 : 20.0
            frames.append(frame(gasMN, hour: hour, [
                reading("a21026", avg: measured, zs: measured * 1.5, cou: 1.5, flag: hour == 3 ? .maintenance : .normal),
                reading("a19001", avg: 11),
            ]))
            if hour < 20 {
                let cod = hour == 2 ? 70.0 : 40.0
                let volume = hour == 2 ? 300.0 : 100.0
                frames.append(frame(waterMN, hour: hour, [
                    reading("w01018", avg: cod, cou: cod * volume / 1000),
                    reading("w00000", avg: volume / 3.6, cou: volume),
                    reading("w01001", avg: 7),
                ]))
            }
        }
        _ = try await store.commit(WriteBatch(frames: frames))
    }

    static func summary(now: Date) async throws -> DailySummary {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hj212-summary-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(path: folder.appendingPathComponent("s.sqlite").path, durability: .normal)
        try await store.migrate()
        try await fill(store)
        let registry = try ComplianceRegistry(configuration: configuration())
        let engine = ComplianceEngine(store: store, registry: registry, timeZone: zone)
        let start = zone.unixTime(day)
        try await engine.reevaluate(from: start, until: start + 86_400)
        let summary = try await DailySummaryBuilder(store: store, registry: registry, clock: engine.clock).build(dayStart: start, now: now)
        try await store.close()
        return summary
    }

    @Test("a pollutant's hours give the same day in any order")
    func hoursInAnyOrder() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hj212-summary-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(path: folder.appendingPathComponent("s.sqlite").path, durability: .normal)
        try await store.migrate()
        try await Self.fill(store)
        let registry = try ComplianceRegistry(configuration: Self.configuration())
        let engine = ComplianceEngine(store: store, registry: registry, timeZone: Self.zone)
        let start = Self.zone.unixTime(Self.day)
        try await engine.reevaluate(from: start, until: start + 86_400)
        let hours = try await store.periodDigests(basis: "hour", from: start, until: start + 86_400)
        try await store.close()
        let builder = DailySummaryBuilder(store: store, registry: registry, clock: engine.clock)
        let starts = engine.clock.hours(ofDay: start)
        var checked = 0
        for rules in registry.outlets {
            for mn in rules.mns {
                for code in Set(hours.filter { $0.mn == mn }.map(\.pollutant)) {
                    let series = hours.filter { $0.mn == mn && $0.pollutant == code }
                    let inOrder = builder.pollutantDay(code, rules: rules, hours: series, day: nil, hourStarts: starts)
                    let reversed = builder.pollutantDay(code, rules: rules, hours: series.reversed(), day: nil, hourStarts: starts)
                    #expect(inOrder == reversed, "\(mn) \(code)")
                    #expect(inOrder.hours.count == starts.count)
                    checked += 1
                }
            }
        }
        #expect(checked > 0)
    }

    static var afterTheDay: Date { Date(timeIntervalSince1970: TimeInterval(zone.unixTime(day) + 86_400 + 3600)) }

    @Test("gas: valid hours, converted mean, min, max, exceedance hours, multiple, emission, rates")
    func gasNumbers() async throws {
        let summary = try await Self.summary(now: Self.afterTheDay)
        #expect(summary.date == "2026-11-28")
        let outlet = try #require(summary.enterprises.first { $0.id == "E1" }?.outlets.first)
        #expect(outlet.standard == "GB 13271-2014 表1 在用燃煤锅炉")
        #expect(outlet.referenceO2 == 6)
        #expect(outlet.onlineHours == 24)
        #expect(outlet.complete)
        let so2 = try #require(outlet.pollutants.first { $0.code == "a21026" })
        #expect(so2.name == "二氧化硫")
        #expect(so2.converted)
        // 23 valid hours (03 h is M); 24 expected (nothing stopped); 24 received.
        #expect(so2.validHours == 23)
        #expect(so2.expectedHours == 24)
        #expect(so2.receivedHours == 24)
        // Mean of the 23 valid converted means: (21 × 30 + 2 × 45) / 23 = 720 / 23 = 31.304…
        #expect(abs((so2.mean ?? 0) - 720.0 / 23.0) < 1e-9)
        #expect(so2.min == 30)
        #expect(so2.max == 45)
        // 14 h and 15 h exceed 35: multiple (45 − 35) / 35 = 0.2857…
        #expect(so2.exceedPeriods == 2)
        #expect(so2.exceedHours == 2)
        #expect(abs((so2.maxMultiple ?? 0) - 10.0 / 35.0) < 1e-9)
        // Emission over the 23 valid hours: 23 × 1.5 kg = 34.5 kg.
        #expect(abs((so2.emissionKg ?? 0) - 34.5) < 1e-9)
        #expect(so2.flagCounts == ["N": 23, "M": 1])
        #expect(so2.transmissionRate == 1)
        #expect(abs((so2.validTransmissionRate ?? 0) - 23.0 / 24.0) < 1e-12)
        #expect(so2.limit?.value == 35)
        #expect(so2.limit?.source.contains("排口许可限值") == true)
        #expect(so2.hours.count == 24)
        #expect(so2.hours[14].exceeds && so2.hours[14].value == 45)
        #expect(so2.hours[3].value == nil && so2.hours[3].status == "M")
    }

    @Test("water: flow-weighted daily mean over 20 of 24 hours, pH range, missing hours make the day incomplete")
    func waterNumbers() async throws {
        let summary = try await Self.summary(now: Self.afterTheDay)
        let outlet = try #require(summary.enterprises.first { $0.id == "E2" }?.outlets.first)
        let cod = try #require(outlet.pollutants.first { $0.code == "w01018" })
        // 20 valid hours ≥ 75 % of 24 (18): a valid day. Flow-weighted:
        // (19 × 40 × 100 + 70 × 300) / (19 × 100 + 300) = (76 000 + 21 000) / 2 200 = 44.0909…
        #expect(cod.validHours == 20)
        #expect(abs((cod.mean ?? 0) - 97_000.0 / 2_200.0) < 1e-9)
        // Below the daily limit of 50: no exceedance, though hour 02 was at 70.
        #expect(cod.exceedPeriods == 0)
        #expect(cod.max == 70)
        // Emission: Σ C × V / 1000 = (19 × 4 + 21) kg = 97 kg.
        #expect(abs((cod.emissionKg ?? 0) - 97) < 1e-9)
        #expect(cod.flagCounts == ["N": 20, "缺失": 4])
        #expect(abs((cod.transmissionRate ?? 0) - 20.0 / 24.0) < 1e-12)
        let flow = try #require(outlet.pollutants.first { $0.code == "w00000" })
        #expect(abs((flow.volumeM3 ?? 0) - 2_200) < 1e-9)
        let ph = try #require(outlet.pollutants.first { $0.code == "w01001" })
        #expect(ph.limit?.lower == 6 && ph.limit?.upper == 9 && ph.limit?.basis == .range)
        #expect(ph.exceedPeriods == 0)
        // Four missing hours: the outlet and the day are marked incomplete, and say why.
        #expect(!outlet.complete)
        #expect(!summary.complete)
        #expect(summary.incompleteReasons.contains { $0.contains("测试污水厂") && $0.contains("缺失") })
    }

    @Test("a day that has not ended is never complete")
    func unfinishedDay() async throws {
        let during = Date(timeIntervalSince1970: TimeInterval(Self.zone.unixTime(Self.day) + 20 * 3600))
        let summary = try await Self.summary(now: during)
        #expect(!summary.complete)
        #expect(summary.enterprises.allSatisfy { $0.outlets.allSatisfy { !$0.complete } })
        #expect(summary.incompleteReasons.first?.contains("尚未结束") == true)
    }
}
