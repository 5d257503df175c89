import HJ212
import Store
import Testing
@testable import Compliance

/// Daily means (rules.md §1.2, §1.3, §3.1): coverage, flow weighting, device days, day limits.
@Suite struct DayEvaluatorTests {
    let midnight = Fixture.midnight()

    /// Judged hour records of one day, built by the hour evaluator from device hours.
    /// `hours[h]` are the readings of hour h (absent: no data that hour).
    func hourRecords(_ rules: OutletRules, mn: String, _ hours: [Int: [Reading]]) -> [PeriodRecord] {
        let evaluator = HourEvaluator(rules: rules)
        var records: [PeriodRecord] = []
        for hour in hours.keys.sorted() {
            let readings = Dictionary(uniqueKeysWithValues: hours[hour]!.map { ($0.code, $0) })
            let periods = evaluator.evaluate(start: Fixture.time(hour: hour), deviceHour: readings, minutes: [:])
            records += Fixture.records(periods, rules: rules, mn: mn)
        }
        return records
    }

    func day(_ rules: OutletRules, _ code: String, hours: [PeriodRecord], deviceDay: [String: Reading] = [:]) throws -> EvaluatedPeriod {
        let periods = DayEvaluator(rules: rules).evaluate(start: midnight, deviceDay: deviceDay, hours: hours)
        return try #require(periods.first { $0.pollutant == code })
    }

    /// Hours `range` of COD at `value` (water, no flow).
    func cod(_ range: Range<Int>, value: Double, flag: DataFlag = .normal) -> [Int: [Reading]] {
        Dictionary(uniqueKeysWithValues: range.map { ($0, [Fixture.reading("w01018", avg: value, flag: flag)]) })
    }

    // MARK: Water coverage (75 % of the expected hours)

    @Test func eighteenOfTwentyFourWaterHoursMakeAValidDay() throws {
        let rules = try Fixture.rules(Fixture.waterOutlet())
        // Hours 00–17 at 40 mg/L, 18–23 missing: 18 ≥ ⌈24 × 0.75⌉ = 18.
        let result = try day(rules, "w01018", hours: hourRecords(rules, mn: Fixture.waterMN, cod(0..<18, value: 40)))
        #expect(result.status == .valid)
        #expect(result.source == .derived)
        #expect(result.basis == .day)
        #expect(result.coverage == 18)
        #expect(result.flags == "N:18 缺失:6")
        #expect(result.judged == 40)
        // GB 18918 1B COD 60 (daily): 40 ≤ 60.
        #expect(result.verdict == .comply)
        #expect(result.limit?.maximum == 60)
        #expect(result.limit?.basis == .day)
    }

    @Test func seventeenWaterHoursAreInsufficient() throws {
        let rules = try Fixture.rules(Fixture.waterOutlet())
        // 17 < 18: not judged even though 500 mg/L is far above 60.
        let result = try day(rules, "w01018", hours: hourRecords(rules, mn: Fixture.waterMN, cod(0..<17, value: 500)))
        #expect(result.status == .insufficient)
        #expect(result.coverage == 17)
        #expect(result.judged == nil)
        #expect(result.verdict == .none)
        #expect(result.note == "only 17 valid hours (18 needed)")
    }

    @Test func stoppedHoursReduceTheExpectedCount() throws {
        let rules = try Fixture.rules(Fixture.waterOutlet())
        // 4 F hours (00–03): expected 24 − 4 = 20, needed ⌈20 × 0.75⌉ = 15.
        // 15 valid hours (04–18) at 50 -> valid; 5 hours (19–23) missing.
        var hours = cod(0..<4, value: 0, flag: .stopped)
        hours.merge(cod(4..<19, value: 50)) { a, _ in a }
        let result = try day(rules, "w01018", hours: hourRecords(rules, mn: Fixture.waterMN, hours))
        #expect(result.status == .valid)
        #expect(result.coverage == 15)
        #expect(result.judged == 50)
        #expect(result.flags == "N:15 F:4 缺失:5")
        // 14 valid hours (04–17) with the same 4 stopped: 14 < 15.
        var fewer = cod(0..<4, value: 0, flag: .stopped)
        fewer.merge(cod(4..<18, value: 50)) { a, _ in a }
        let short = try day(rules, "w01018", hours: hourRecords(rules, mn: Fixture.waterMN, fewer))
        #expect(short.status == .insufficient)
        #expect(short.note == "only 14 valid hours (15 needed)")
    }

    @Test func maintenanceHoursDoNotReduceTheExpectedCount() throws {
        let rules = try Fixture.rules(Fixture.waterOutlet())
        // 7 M hours count as expected: 17 valid of 24 < 18.
        var hours = cod(0..<7, value: 40, flag: .maintenance)
        hours.merge(cod(7..<24, value: 40)) { a, _ in a }
        let result = try day(rules, "w01018", hours: hourRecords(rules, mn: Fixture.waterMN, hours))
        #expect(result.status == .insufficient)
        #expect(result.flags == "N:17 M:7")
    }

    // MARK: Flow weighting

    /// COD 40 mg/L with 100 m³/h for hours 00–11 and 80 mg/L with 300 m³/h for 12–23, with Cou
    /// (kg) = m³ × mg/L × 10⁻³: 4 kg and 24 kg an hour.
    func weightedDay(flow: Bool) -> [Int: [Reading]] {
        var hours: [Int: [Reading]] = [:]
        for hour in 0..<24 {
            let (cod, volume) = hour < 12 ? (40.0, 100.0) : (80.0, 300.0)
            var readings = [Fixture.reading("w01018", avg: cod, cou: volume * cod / 1000)]
            // L/s = m³/h × 1000 / 3600.
            if flow { readings.append(Fixture.reading("w00000", avg: volume * 1000 / 3600, cou: volume)) }
            hours[hour] = readings
        }
        return hours
    }

    @Test func waterDailyMeanIsFlowWeightedWithHourlyVolumes() throws {
        let rules = try Fixture.rules(Fixture.waterOutlet())
        let hours = hourRecords(rules, mn: Fixture.waterMN, weightedDay(flow: true))
        let result = try day(rules, "w01018", hours: hours)
        // Σ C·V / Σ V = (12 × 40 × 100 + 12 × 80 × 300) / (12 × 100 + 12 × 300)
        //             = (48 000 + 288 000) / 4800 = 336 000 / 4800 = 70 mg/L
        // (the arithmetic mean would be 60, exactly the limit).
        #expect(abs(try #require(result.judged) - 70) < 1e-9)
        #expect(result.value == result.judged)
        #expect(result.note == "flow-weighted over 24 hours")
        // Day mass: 12 × 4 + 12 × 24 = 336 kg (= 70 mg/L × 4800 m³ × 10⁻³).
        #expect(abs(try #require(result.cou) - 336) < 1e-9)
        // 70 > 60: (70 − 60) / 60 = 0.1667.
        #expect(result.verdict == .exceed)
        #expect(abs(try #require(result.multiple) - 1.0 / 6.0) < 1e-9)
        // The flow itself: 4800 m³ a day, not flow-weighted.
        let flow = try day(rules, "w00000", hours: hours)
        #expect(abs(try #require(flow.cou) - 4800) < 1e-9)
        #expect(flow.note == nil)
    }

    @Test func withoutFlowTheWaterMeanIsArithmetic() throws {
        let rules = try Fixture.rules(Fixture.waterOutlet())
        let result = try day(rules, "w01018", hours: hourRecords(rules, mn: Fixture.waterMN, weightedDay(flow: false)))
        // (12 × 40 + 12 × 80) / 24 = 1440 / 24 = 60 = the limit: complies.
        #expect(result.judged == 60)
        #expect(result.note == nil)
        #expect(result.verdict == .comply)
    }

    @Test func pHIsNotJudgedOnTheDay() throws {
        let rules = try Fixture.rules(Fixture.waterOutlet())
        let hours = (0..<24).reduce(into: [Int: [Reading]]()) { $0[$1] = [Fixture.reading("w01001", avg: 9.5)] }
        let result = try day(rules, "w01001", hours: hourRecords(rules, mn: Fixture.waterMN, hours))
        #expect(result.status == .valid)
        #expect(result.judged == 9.5)
        // pH is a range judged per hour; the day has no pH limit.
        #expect(result.verdict == .none)
        #expect(result.limit == nil)
    }

    // MARK: Gas days (20 valid hours)

    /// SO2 hours at `value` with O2 at 11 % (the incinerator reference, so judged = measured).
    func so2Hours(_ range: Range<Int>, value: Double) -> [Int: [Reading]] {
        Dictionary(uniqueKeysWithValues: range.map { ($0, [Fixture.reading("a21026", avg: value), Fixture.reading("a19001", avg: 11)]) })
    }

    @Test func incineratorDayLimitIsJudgedOnTwentyValidHours() throws {
        let rules = try Fixture.rules(Fixture.gasOutlet(standard: "GB18485-2014/incinerator"))
        let hours = hourRecords(rules, mn: Fixture.gasMN, so2Hours(0..<20, value: 90))
        // Every hour complies with the 1-h limit: 90 ≤ 100.
        #expect(hours.filter { $0.pollutant == "a21026" }.allSatisfy { $0.judgement == "comply" && $0.limit == 100 })
        let result = try day(rules, "a21026", hours: hours)
        #expect(result.status == .valid)
        #expect(result.coverage == 20)
        #expect(result.judged == 90)
        #expect(result.oxygen == 11)
        // The 24-h mean 90 > 80: (90 − 80) / 80 = 0.125.
        #expect(result.limit?.maximum == 80)
        #expect(result.limit?.basis == .day)
        #expect(result.verdict == .exceed)
        #expect(result.multiple == 0.125)
    }

    @Test func nineteenGasHoursAreInsufficient() throws {
        let rules = try Fixture.rules(Fixture.gasOutlet(standard: "GB18485-2014/incinerator"))
        let result = try day(rules, "a21026", hours: hourRecords(rules, mn: Fixture.gasMN, so2Hours(0..<19, value: 90)))
        #expect(result.status == .insufficient)
        #expect(result.coverage == 19)
        #expect(result.verdict == .none)
        #expect(result.note == "only 19 valid hours (20 needed)")
    }

    @Test func gasDayMeanUsesConvertedHours() throws {
        let rules = try Fixture.rules(Fixture.gasOutlet(standard: "GB18485-2014/incinerator"))
        // 24 hours of SO2 measured 45 at O2 16: each converted 45 × (21 − 11) / (21 − 16) = 90.
        let hours = (0..<24).reduce(into: [Int: [Reading]]()) {
            $0[$1] = [Fixture.reading("a21026", avg: 45), Fixture.reading("a19001", avg: 16)]
        }
        let result = try day(rules, "a21026", hours: hourRecords(rules, mn: Fixture.gasMN, hours))
        #expect(result.value == 45)
        #expect(result.judged == 90)
        #expect(result.oxygen == 16)
        #expect(result.verdict == .exceed)
    }

    @Test func aGasOutletWithoutDayLimitsGetsNoDayVerdict() throws {
        let rules = try Fixture.coalBoiler()
        let hours = (0..<24).reduce(into: [Int: [Reading]]()) {
            $0[$1] = [Fixture.reading("a21026", avg: 500), Fixture.reading("a19001", avg: 9)]
        }
        let result = try day(rules, "a21026", hours: hourRecords(rules, mn: Fixture.gasMN, hours))
        #expect(result.status == .valid)
        #expect(result.judged == 500)
        #expect(result.verdict == .none)
    }

    // MARK: Device days (2031)

    @Test func aDeviceDayValueIsUsedWhenPresent() throws {
        let rules = try Fixture.rules(Fixture.waterOutlet())
        // The hours say 40, the logger's day value says 65: the device's day wins.
        let hours = hourRecords(rules, mn: Fixture.waterMN, cod(0..<24, value: 40))
        let result = try day(rules, "w01018", hours: hours, deviceDay: ["w01018": Fixture.reading("w01018", avg: 65)])
        #expect(result.source == .device)
        #expect(result.basis == .day)
        #expect(result.value == 65)
        #expect(result.judged == 65)
        // (65 − 60) / 60 = 0.0833.
        #expect(result.verdict == .exceed)
        #expect(abs(try #require(result.multiple) - 5.0 / 60.0) < 1e-12)
    }

    @Test func aGasDeviceDayIsConvertedWithTheDaysOxygen() throws {
        let rules = try Fixture.rules(Fixture.gasOutlet(standard: "GB18485-2014/incinerator"))
        let result = try day(rules, "a21026", hours: [], deviceDay: [
            "a21026": Fixture.reading("a21026", avg: 85), "a19001": Fixture.reading("a19001", avg: 12),
        ])
        // 85 × (21 − 11) / (21 − 12) = 850 / 9 = 94.44 > 80: (94.44 − 80) / 80 = 0.1806.
        #expect(result.source == .device)
        #expect(abs(try #require(result.judged) - 94.4444) < 0.0001)
        #expect(result.verdict == .exceed)
        #expect(abs(try #require(result.multiple) - 0.180556) < 0.00001)
    }

    @Test func anOutletDayLimitOverridesTheProfile() throws {
        // The permit says COD 50 (daily) instead of 1B's 60.
        let rules = try Fixture.rules(Fixture.waterOutlet(limits: ["w01018": .maximum(50)]))
        let result = try day(rules, "w01018", hours: hourRecords(rules, mn: Fixture.waterMN, cod(0..<24, value: 55)))
        #expect(result.limit?.source == .outlet)
        #expect(result.limit?.maximum == 50)
        // 55 > 50: (55 − 50) / 50 = 0.1.
        #expect(result.verdict == .exceed)
        #expect(abs(try #require(result.multiple) - 0.1) < 1e-12)
    }
}
