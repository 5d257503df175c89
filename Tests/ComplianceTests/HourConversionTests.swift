import HJ212
import Testing
@testable import Compliance

/// Reference-O2 conversion inside the hour evaluator (rules.md §2): computed, device Zs, sentinels.
@Suite struct HourConversionTests {
    let start = Fixture.time(hour: 9)

    /// GB 13223-2011 new coal boiler: reference O2 6 %, SO2 100, NOx 100 (hourly).
    func coalPower() throws -> OutletRules { try Fixture.rules(Fixture.gasOutlet(standard: "GB13223-2011/coal/new")) }

    func hour(_ code: String, _ readings: [Reading]) throws -> EvaluatedPeriod {
        let byCode = Dictionary(uniqueKeysWithValues: readings.map { ($0.code, $0) })
        let periods = HourEvaluator(rules: try coalPower()).evaluate(start: start, deviceHour: byCode, minutes: [:])
        return try #require(periods.first { $0.pollutant == code })
    }

    @Test func computesTheConvertedValueFromTheHoursOxygen() throws {
        let so2 = try hour("a21026", [Fixture.reading("a21026", avg: 100), Fixture.reading("a19001", avg: 12)])
        #expect(so2.status == .valid)
        #expect(so2.value == 100)
        #expect(so2.oxygen == 12)
        // 100 × (21 − 6) / (21 − 12) = 1500 / 9 = 166.67.
        #expect(abs(try #require(so2.judged) - 166.6667) < 0.0001)
        // 166.67 > 100: multiple (166.67 − 100) / 100 = 0.6667.
        #expect(so2.verdict == .exceed)
        #expect(abs(try #require(so2.multiple) - 0.6667) < 0.0001)
        // O2 itself is never converted.
        let o2 = try hour("a19001", [Fixture.reading("a21026", avg: 100), Fixture.reading("a19001", avg: 12)])
        #expect(o2.judged == 12)
    }

    @Test func usesTheDevicesSaneConvertedValue() throws {
        // 170 is within 10 % of 166.67 (150.0 … 183.3): the logger's own value is judged.
        let so2 = try hour("a21026", [Fixture.reading("a21026", avg: 100, zsAvg: 170), Fixture.reading("a19001", avg: 12)])
        #expect(so2.judged == 170)
        #expect(so2.note == nil)
        // (170 − 100) / 100 = 0.7.
        #expect(abs(try #require(so2.multiple) - 0.7) < 1e-12)
    }

    @Test func replacesAnInsaneConvertedValue() throws {
        // 1666.7 is 10× the conversion: recomputed as 166.67, with a note.
        let so2 = try hour("a21026", [Fixture.reading("a21026", avg: 100, zsAvg: 1666.7), Fixture.reading("a19001", avg: 12)])
        #expect(abs(try #require(so2.judged) - 166.6667) < 0.0001)
        #expect(so2.note?.contains("1666.7") == true)
        #expect(so2.verdict == .exceed)
    }

    @Test func oxygenAtTwentyOneOrTwentyPercentIsNotConvertible() throws {
        for o2 in [21.0, 20.0] {
            let so2 = try hour("a21026", [Fixture.reading("a21026", avg: 100), Fixture.reading("a19001", avg: o2)])
            #expect(so2.status == .notConvertible)
            #expect(so2.judged == nil)
            #expect(so2.verdict == .none)
            #expect(so2.value == 100)
            #expect(so2.note?.contains("at or above 20.0%") == true)
        }
    }

    @Test func missingOxygenIsNotConvertible() throws {
        let so2 = try hour("a21026", [Fixture.reading("a21026", avg: 100)])
        #expect(so2.status == .notConvertible)
        #expect(so2.judged == nil)
        #expect(so2.verdict == .none)
        #expect(so2.note == OxygenConversion.Failure.oxygenMissing.text)
    }

    @Test func oxygenFlaggedInvalidCountsAsMissing() throws {
        let so2 = try hour("a21026", [Fixture.reading("a21026", avg: 100), Fixture.reading("a19001", avg: 12, flag: .calibration)])
        #expect(so2.status == .notConvertible)
        #expect(so2.verdict == .none)
    }

    @Test func withoutOxygenTheDevicesConvertedValueIsTrusted() throws {
        // Nothing to check it against: the logger's 170 is judged (170 > 100, multiple 0.7).
        let so2 = try hour("a21026", [Fixture.reading("a21026", avg: 100, zsAvg: 170)])
        #expect(so2.status == .valid)
        #expect(so2.judged == 170)
        #expect(so2.verdict == .exceed)
    }

    @Test func the2025SentinelInZsAvgIsNotUsed() throws {
        // NOx (a21002) is N4.2 in HJ 212-2025, so 9999.99 means "not computable".
        let nox = try hour("a21002", [Fixture.reading("a21002", avg: 100, zsAvg: 9999.99), Fixture.reading("a19001", avg: 12)])
        // Computed from O2 instead: 100 × 15 / 9 = 166.67; no "disagreed" note for a sentinel.
        #expect(abs(try #require(nox.judged) - 166.6667) < 0.0001)
        #expect(nox.status == .valid)
        #expect(nox.note == nil)
        #expect(nox.verdict == .exceed)
    }

    @Test func the2025SentinelWithoutOxygenIsNotConvertible() throws {
        let nox = try hour("a21002", [Fixture.reading("a21002", avg: 100, zsAvg: 9999.99)])
        #expect(nox.status == .notConvertible)
        #expect(nox.judged == nil)
        #expect(nox.verdict == .none)
    }

    @Test func aSentinelHourlyMeanIsNotAValue() throws {
        // SO2 is N5.2 in 2025: an Avg of 99999.99 is the sentinel, not a measurement.
        let so2 = try hour("a21026", [Fixture.reading("a21026", avg: 99999.99), Fixture.reading("a19001", avg: 12)])
        #expect(so2.status == .insufficient)
        #expect(so2.judged == nil)
        #expect(so2.verdict == .none)
    }

    @Test func derivedHourConvertsTheMeanWithTheMeanOxygen() throws {
        // 60 minutes: SO2 first 30 at 90 then 30 at 110 (mean 100); O2 30 at 11 then 30 at 13 (mean 12).
        let minutes: [String: [TimedReading]] = [
            "a21026": Fixture.minutes("a21026", from: start, count: 30, value: 90)
                + Fixture.minutes("a21026", from: start, count: 30, value: 110, offset: 30),
            "a19001": Fixture.minutes("a19001", from: start, count: 30, value: 11)
                + Fixture.minutes("a19001", from: start, count: 30, value: 13, offset: 30),
        ]
        let periods = HourEvaluator(rules: try coalPower()).evaluate(start: start, deviceHour: [:], minutes: minutes)
        let so2 = try #require(periods.first { $0.pollutant == "a21026" })
        #expect(so2.value == 100)
        #expect(so2.oxygen == 12)
        // 100 × 15 / (21 − 12) = 166.67.
        #expect(abs(try #require(so2.judged) - 166.6667) < 0.0001)
        #expect(so2.coverage == 60)
    }

    @Test func aDevicesConvertedValueAtTwentyOnePercentOxygenIsNotJudged() throws {
        // O2 21 % makes conversion meaningless (rules.md §2.1; OxygenConversion's own contract:
        // "not convertible when the measured O2 is … at least 20 %"). A logger that clamps O2 and
        // sends a huge ZsAvg must not produce an exceedance.
        let so2 = try hour("a21026", [Fixture.reading("a21026", avg: 100, zsAvg: 12_000), Fixture.reading("a19001", avg: 21)])
        #expect(so2.status == .notConvertible)
        #expect(so2.verdict == .none)
    }

    @Test func aDeviceConvertedValueIsCheckedEvenWhenTheMeasuredValueIsZero() throws {
        // Measured 0 at O2 12 converts to 0 × 15 / 9 = 0; a logger ZsAvg of 500 contradicts it
        // (isSane's contract: within 10 % of the conversion when the measured value and O2 are known).
        let so2 = try hour("a21026", [Fixture.reading("a21026", avg: 0, zsAvg: 500), Fixture.reading("a19001", avg: 12)])
        #expect(so2.judged == 0)
        #expect(so2.verdict == .comply)
    }
}
