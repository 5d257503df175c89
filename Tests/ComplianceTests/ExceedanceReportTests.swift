import GatewayConfig
import HJ212
import Store
import Testing
@testable import Compliance

/// Stored events named and sorted for `hj212 exceedances`.
@Suite struct ExceedanceReportTests {
    @Test func rowsAreNamedFilteredAndSorted() async throws {
        let harness = try await EngineHarness(outlets: [Fixture.gasOutlet(), Fixture.waterOutlet()])
        var frames: [IngestFrame] = [
            // Gas: SO2 600 at 10:00 (O2 9 %, judged 600): multiple (600 − 400) / 400 = 0.5, 1 hour.
            Fixture.frame(kind: .hour, at: Fixture.time(hour: 10), readings: [Fixture.reading("a21026", avg: 600), Fixture.reading("a19001", avg: 9)]),
        ]
        // Water: COD 70 all day (multiple (70 − 60) / 60 = 0.1667, 24 hours) and pH 9.5 at 05:00 (no multiple).
        for hour in 0..<24 {
            frames.append(Fixture.frame(mn: Fixture.waterMN, kind: .hour, at: Fixture.time(hour: hour), readings: [
                Fixture.reading("w01018", avg: 70), Fixture.reading("w01001", avg: hour == 5 ? 9.5 : 7),
            ]))
        }
        try await harness.ingest(frames)
        let report = ExceedanceReport(store: harness.store, registry: harness.engine.registry)

        var filter = ExceedanceFilter()
        filter.sort = .multiple
        let byMultiple = try await report.rows(filter)
        #expect(byMultiple.map(\.event.series.pollutant) == ["a21026", "w01018", "w01001"])
        let so2 = try #require(byMultiple.first)
        #expect(so2.pollutantName == "二氧化硫")
        #expect(so2.unit == "mg/m³")
        #expect(so2.outletName == "1号锅炉排口")
        #expect(so2.enterpriseName == "测试热电有限公司")
        #expect(so2.medium == .gas)
        #expect(so2.limitSource == "GB 13271-2014 表1 在用燃煤锅炉")
        #expect(so2.basis == .hour)
        #expect(so2.isOpen)
        #expect(byMultiple.last?.unit == "无量纲")
        #expect(byMultiple.last?.basis == .range)

        filter.sort = .hours
        // 24 hours (the COD day) first, then the two 1-hour events, the later start first (SO2 10:00, pH 05:00).
        let byHours = try await report.rows(filter)
        #expect(byHours.map(\.event.hours) == [24, 1, 1])
        #expect(byHours.map(\.event.series.pollutant) == ["w01018", "a21026", "w01001"])

        filter.sort = .start
        filter.medium = .water
        let water = try await report.rows(filter)
        // Newest start first: pH at 05:00, then the COD day from 00:00.
        #expect(water.map(\.event.series.pollutant) == ["w01001", "w01018"])

        var gasOnly = ExceedanceFilter()
        gasOnly.mn = Fixture.gasMN
        let gasRows = try await report.rows(gasOnly)
        #expect(gasRows.map(\.event.series.pollutant) == ["a21026"])
        await harness.close()
    }
}
