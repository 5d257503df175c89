import HJ212
import Testing
@testable import Compliance

/// Device hours through the hour evaluator: flags (rules.md §1.4, §3.5), pH, the limit edge.
@Suite struct HourFlagTests {
    let start = Fixture.time(hour: 14)

    /// GB 13271-2014 existing coal boiler (SO2 400, O2 ref 9) with O2 at 9 %, so judged = measured
    /// (factor (21 − 9) / (21 − 9) = 1).
    func so2Hour(_ value: Double, flag: DataFlag? = .normal) throws -> EvaluatedPeriod {
        let periods = HourEvaluator(rules: try Fixture.coalBoiler()).evaluate(
            start: start,
            deviceHour: ["a21026": Fixture.reading("a21026", avg: value, flag: flag), "a19001": Fixture.reading("a19001", avg: 9)],
            minutes: [:])
        return try #require(periods.first { $0.pollutant == "a21026" })
    }

    func pHHour(_ value: Double) throws -> EvaluatedPeriod {
        let periods = HourEvaluator(rules: try Fixture.rules(Fixture.waterOutlet())).evaluate(
            start: start, deviceHour: ["w01001": Fixture.reading("w01001", avg: value)], minutes: [:])
        return try #require(periods.first)
    }

    @Test func exactlyTheLimitComplies() throws {
        let hour = try so2Hour(400)
        // 400 × 12 / 12 = 400, not > 400.
        #expect(hour.judged == 400)
        #expect(hour.verdict == .comply)
        #expect(hour.limit?.maximum == 400)
        #expect(hour.limit?.source.key == "GB13271-2014/coal/existing")
    }

    @Test func aThousandthAboveTheLimitExceeds() throws {
        let hour = try so2Hour(400.001)
        #expect(hour.verdict == .exceed)
        #expect(hour.boundCrossed == 400)
        // (400.001 − 400) / 400 = 2.5e-6.
        #expect(abs(try #require(hour.multiple) - 2.5e-6) < 1e-9)
    }

    @Test func aTHourAboveTheLimitExceedsAsALowerBound() throws {
        let hour = try so2Hour(500, flag: .overRange)
        #expect(hour.status == .lowerBound)
        #expect(hour.flags == "T")
        #expect(hour.verdict == .exceed)
        // (500 − 400) / 400 = 0.25.
        #expect(abs(try #require(hour.multiple) - 0.25) < 1e-12)
    }

    @Test func aTHourBelowTheLimitIsNotJudged() throws {
        let hour = try so2Hour(300, flag: .overRange)
        #expect(hour.status == .lowerBound)
        #expect(hour.judged == 300)
        #expect(hour.verdict == .none)
    }

    @Test func aMaintenanceHourFarAboveTheLimitIsNotJudged() throws {
        let hour = try so2Hour(5000, flag: .maintenance)
        #expect(hour.status == .invalid)
        #expect(hour.flags == "M")
        #expect(hour.judged == nil)
        #expect(hour.verdict == .none)
    }

    @Test func aStoppedHourIsStopped() throws {
        let hour = try so2Hour(0, flag: .stopped)
        #expect(hour.status == .stopped)
        #expect(hour.verdict == .none)
    }

    @Test func otherInvalidFlagsAreNotJudged() throws {
        for flag in [DataFlag.fault, .calibration, .communication, .manual, .powerFailure, .unknown("X")] {
            let hour = try so2Hour(5000, flag: flag)
            #expect(hour.status == .invalid)
            #expect(hour.verdict == .none)
        }
        // No flag at all is read as normal.
        #expect(try so2Hour(500, flag: nil).verdict == .exceed)
    }

    @Test func aDerivedHourWithTMinutesIsALowerBound() throws {
        let rules = try Fixture.plainGas(limit: 100)
        // 50 N minutes at 90 and 10 T minutes at 150 (the analyser's cap).
        let minutes = Fixture.minutes("a21026", from: start, count: 50, value: 90)
            + Fixture.minutes("a21026", from: start, count: 10, value: 150, flag: .overRange, offset: 50)
        let hour = try #require(HourEvaluator(rules: rules).evaluate(start: start, deviceHour: [:], minutes: ["a21026": minutes]).first)
        #expect(hour.status == .lowerBound)
        #expect(hour.coverage == 60)
        #expect(hour.flags == "N:50 T:10")
        // (50 × 90 + 10 × 150) / 60 = (4500 + 1500) / 60 = 100: not > 100, and a lower bound cannot comply.
        #expect(hour.value == 100)
        #expect(hour.verdict == .none)
    }

    @Test func pHOutsideSixToNineExceeds() throws {
        let low = try pHHour(5.9)
        #expect(low.verdict == .exceed)
        #expect(low.boundCrossed == 6)
        #expect(low.multiple == nil)
        let high = try pHHour(9.1)
        #expect(high.verdict == .exceed)
        #expect(high.boundCrossed == 9)
        #expect(high.multiple == nil)
        #expect(high.limit?.basis == .range)
    }

    @Test func pHOnTheBoundsComplies() throws {
        #expect(try pHHour(6.0).verdict == .comply)
        #expect(try pHHour(9.0).verdict == .comply)
    }

    @Test func aWaterHourIsNotJudgedAgainstADailyLimit() throws {
        // GB 18918 1B COD 60 is a daily-mean limit: an hour of 500 gets no verdict.
        let periods = HourEvaluator(rules: try Fixture.rules(Fixture.waterOutlet())).evaluate(
            start: start, deviceHour: ["w01018": Fixture.reading("w01018", avg: 500)], minutes: [:])
        let cod = try #require(periods.first)
        #expect(cod.status == .valid)
        #expect(cod.judged == 500)
        #expect(cod.verdict == .none)
        #expect(cod.limit == nil)
    }
}
