import HJ212
import Testing
@testable import Compliance

/// Strictly-greater comparison, ranges, and which statuses can be judged (rules.md §3.1, §3.3).
@Suite struct JudgeTests {
    static let so2Limit = AppliedLimit(pollutant: "a21026", kind: .maximum(400), basis: .hour, source: .outlet)
    static let phRange = AppliedLimit(pollutant: "w01001", kind: .range(lower: 6, upper: 9), basis: .range, source: .outlet)

    func judged(_ value: Double, status: PeriodStatus = .valid, limit: AppliedLimit = so2Limit) -> EvaluatedPeriod {
        var period = EvaluatedPeriod(
            pollutant: limit.pollutant, basis: .hour, start: 0, source: .device, status: status, value: value,
            judged: value, oxygen: nil, cou: nil, coverage: nil, flags: "N")
        Judge.apply(limit, to: &period)
        return period
    }

    @Test func aValueEqualToTheLimitComplies() {
        let period = judged(400)
        #expect(period.verdict == .comply)
        #expect(period.multiple == nil)
        #expect(period.boundCrossed == nil)
        #expect(period.limit == Self.so2Limit)
    }

    @Test func justAboveTheLimitExceedsWithItsMultiple() throws {
        let period = judged(400.001)
        #expect(period.verdict == .exceed)
        #expect(period.boundCrossed == 400)
        // (400.001 − 400) / 400 = 0.001 / 400 = 2.5e-6.
        #expect(abs(try #require(period.multiple) - 2.5e-6) < 1e-9)
        // 800 is twice the limit: multiple (800 − 400) / 400 = 1.0, not 2.
        #expect(judged(800).multiple == 1.0)
    }

    @Test func pHOutsideTheRangeExceedsWithoutAMultiple() {
        let low = judged(5.9, limit: Self.phRange)
        #expect(low.verdict == .exceed)
        #expect(low.boundCrossed == 6)
        #expect(low.multiple == nil)
        let high = judged(9.1, limit: Self.phRange)
        #expect(high.verdict == .exceed)
        #expect(high.boundCrossed == 9)
        #expect(high.multiple == nil)
    }

    @Test func pHOnTheBoundsComplies() {
        for value in [6.0, 9.0, 7.2] {
            let period = judged(value, limit: Self.phRange)
            #expect(period.verdict == .comply)
            #expect(period.boundCrossed == nil)
        }
    }

    @Test func aLowerBoundCanOnlyProveAnExceedance() throws {
        // T: the true value is at least 500 > 400, so the exceedance is certain: (500 − 400) / 400 = 0.25.
        let above = judged(500, status: .lowerBound)
        #expect(above.verdict == .exceed)
        #expect(abs(try #require(above.multiple) - 0.25) < 1e-12)
        // T at 300: the true value may be anything ≥ 300, so no verdict (never comply).
        #expect(judged(300, status: .lowerBound).verdict == .none)
        // A capped pH above 9 proves the upper bound; a capped low pH proves nothing.
        #expect(judged(9.5, status: .lowerBound, limit: Self.phRange).verdict == .exceed)
        #expect(judged(5.0, status: .lowerBound, limit: Self.phRange).verdict == .none)
    }

    @Test func unjudgedStatusesGetNoVerdict() {
        for status in [PeriodStatus.invalid, .insufficient, .stopped, .notConvertible] {
            let period = judged(5000, status: status)
            #expect(period.verdict == .none)
            #expect(period.multiple == nil)
            // The limit is still recorded, so the period belongs to its series.
            #expect(period.limit == Self.so2Limit)
        }
    }

    @Test func noLimitNoVerdict() {
        var period = EvaluatedPeriod(
            pollutant: "a01012", basis: .hour, start: 0, source: .device, status: .valid, value: 150, judged: 150,
            oxygen: nil, cou: nil, coverage: nil, flags: "N")
        Judge.apply(nil, to: &period)
        #expect(period.verdict == .none)
        #expect(period.limit == nil)
    }
}
