import HJ212
import Testing
@testable import Compliance

/// Derived hours: the 45-minute rule (rules.md §1.2), the arithmetic mean, the minute interval.
@Suite struct HourCoverageTests {
    let start = Fixture.time(hour: 10)

    func evaluate(_ minutes: [TimedReading], rules: OutletRules) -> EvaluatedPeriod? {
        HourEvaluator(rules: rules).evaluate(start: start, deviceHour: [:], minutes: ["a21026": minutes])
            .first { $0.pollutant == "a21026" }
    }

    @Test func fortyFiveValidMinutesMakeAValidHourWithTheArithmeticMean() throws {
        let rules = try Fixture.plainGas(limit: 100)
        // 30 minutes at 80 then 15 at 110, the last 15 minutes in maintenance at 900.
        let records = Fixture.minutes("a21026", from: start, count: 30, value: 80)
            + Fixture.minutes("a21026", from: start, count: 15, value: 110, offset: 30)
            + Fixture.minutes("a21026", from: start, count: 15, value: 900, flag: .maintenance, offset: 45)
        let hour = try #require(evaluate(records, rules: rules))
        #expect(hour.status == .valid)
        #expect(hour.source == .derived)
        #expect(hour.coverage == 45)
        #expect(hour.flags == "N:45 M:15")
        // (30 × 80 + 15 × 110) / 45 = (2400 + 1650) / 45 = 4050 / 45 = 90; M minutes left out.
        #expect(try #require(hour.value) == 90)
        #expect(hour.judged == 90)
        // 90 ≤ 100.
        #expect(hour.verdict == .comply)
    }

    @Test func fortyFiveValidMinutesWithFifteenMissingAreEnough() throws {
        let rules = try Fixture.plainGas(limit: 100)
        // 45 records 1 minute apart (10:00 … 10:44), values 101 … 145.
        let records = (0..<45).map { TimedReading(time: start + Int64($0 * 60), reading: Fixture.reading("a21026", avg: Double(101 + $0))) }
        let hour = try #require(evaluate(records, rules: rules))
        #expect(hour.status == .valid)
        #expect(hour.coverage == 45)
        #expect(hour.flags == "N:45")
        // Mean of 101 … 145 = (101 + 145) / 2 = 123.
        #expect(hour.value == 123)
        // 123 > 100: (123 − 100) / 100 = 0.23.
        #expect(hour.verdict == .exceed)
        #expect(abs(try #require(hour.multiple) - 0.23) < 1e-12)
    }

    @Test func fortyFourValidMinutesAreInsufficientAndNotJudged() throws {
        let rules = try Fixture.plainGas(limit: 100)
        // 44 records at 500 (far above the limit), 16 minutes with nothing.
        let hour = try #require(evaluate(Fixture.minutes("a21026", from: start, count: 44, value: 500), rules: rules))
        #expect(hour.status == .insufficient)
        #expect(hour.coverage == 44)
        #expect(hour.value == nil)
        #expect(hour.judged == nil)
        #expect(hour.verdict == .none)
        #expect(hour.multiple == nil)
        #expect(hour.note == "only 44 valid minutes (45 needed)")
    }

    @Test func tenMinuteRecordsFiveNormalAndOneMaintenanceMakeFiftyMinutes() throws {
        let rules = try Fixture.plainGas(limit: 100)
        // 10:00, 10:10 … 10:40 normal (90, 100, 110, 120, 130); 10:50 maintenance.
        let normal = [90.0, 100, 110, 120, 130].enumerated().map { index, value in
            TimedReading(time: start + Int64(index * 600), reading: Fixture.reading("a21026", avg: value))
        }
        let maintenance = Fixture.minutes("a21026", from: start, count: 1, interval: 10, value: 400, flag: .maintenance, offset: 5)
        let hour = try #require(evaluate(normal + maintenance, rules: rules))
        // Interval 10 (from the spacing): 5 × 10 = 50 valid minutes ≥ 45.
        #expect(hour.coverage == 50)
        #expect(hour.flags == "N:50 M:10")
        #expect(hour.status == .valid)
        // (90 + 100 + 110 + 120 + 130) / 5 = 550 / 5 = 110 > 100: multiple (110 − 100) / 100 = 0.1.
        #expect(hour.value == 110)
        #expect(hour.verdict == .exceed)
        #expect(abs(try #require(hour.multiple) - 0.1) < 1e-12)
    }

    @Test func tenMinuteRecordsFourNormalAndTwoMaintenanceAreInvalid() throws {
        let rules = try Fixture.plainGas(limit: 100)
        let records = Fixture.minutes("a21026", from: start, count: 4, interval: 10, value: 300)
            + Fixture.minutes("a21026", from: start, count: 2, interval: 10, value: 300, flag: .maintenance, offset: 4)
        let hour = try #require(evaluate(records, rules: rules))
        // 4 × 10 = 40 valid minutes < 45; the other 20 are flagged M.
        #expect(hour.coverage == 40)
        #expect(hour.flags == "N:40 M:20")
        #expect(hour.status == .invalid)
        #expect(hour.judged == nil)
        #expect(hour.verdict == .none)
    }

    @Test func tenMinuteRecordsFourNormalAndTwoMissingAreInsufficient() throws {
        let rules = try Fixture.plainGas(limit: 100)
        // 10:00 … 10:30 only: 4 × 10 = 40 < 45, nothing flagged, so "insufficient".
        let hour = try #require(evaluate(Fixture.minutes("a21026", from: start, count: 4, interval: 10, value: 300), rules: rules))
        #expect(hour.coverage == 40)
        #expect(hour.status == .insufficient)
        #expect(hour.verdict == .none)
    }

    @Test func allMinutesStoppedMakeAStoppedHour() throws {
        let rules = try Fixture.plainGas(limit: 100)
        let hour = try #require(evaluate(Fixture.minutes("a21026", from: start, count: 60, value: 0, flag: .stopped), rules: rules))
        #expect(hour.status == .stopped)
        #expect(hour.flags == "F:60")
        #expect(hour.verdict == .none)
    }

    @Test func minuteIntervalIsInferredFromSpacing() {
        func interval(_ minutes: [Int]) -> Int {
            HourEvaluator.minuteInterval(["a21026": minutes.map { TimedReading(time: start + Int64($0 * 60), reading: Reading(code: "a21026")) }])
        }
        #expect(interval([0, 1, 2, 3]) == 1)
        #expect(interval([0, 5, 10]) == 5)
        #expect(interval([0, 10, 20, 30, 40, 50]) == 10)
        #expect(interval([0, 15, 45]) == 15)
        // One record: cannot tell, so 1 (conservative).
        #expect(interval([20]) == 1)
        // 7 minutes apart is not an HJ 212 interval: the next smaller one, 6.
        #expect(interval([0, 7]) == 6)
    }
}
