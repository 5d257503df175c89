import Store
import Testing
@testable import Compliance

/// Judged periods waiting to be saved: a day is judged from the stored hours with the fresh ones
/// in their place, exactly as the store will hold them.
@Suite struct PendingPeriodsTests {
    static func hour(_ hour: Int, _ pollutant: String, value: Double) -> PeriodRecord {
        Fixture.hourRecord(hour: hour, value: value, judgement: .comply, pollutant: pollutant)
    }

    @Test func judgedHoursReplaceTheStoredOnesOfTheSamePollutantAndHour() {
        let stored = [Self.hour(1, "a21026", value: 10), Self.hour(2, "a21026", value: 20), Self.hour(1, "a19001", value: 9)]
        let judged = [Self.hour(2, "a21026", value: 25), Self.hour(3, "a21026", value: 30)]
        let overlaid = PendingPeriods.overlay(stored, with: judged, from: Fixture.midnight(), until: Fixture.midnight(day: 11))
        #expect(overlaid.map(\.pollutant) == ["a19001", "a21026", "a21026", "a21026"])
        #expect(overlaid.map(\.startUnix) == [Fixture.time(hour: 1), Fixture.time(hour: 1), Fixture.time(hour: 2), Fixture.time(hour: 3)])
        #expect(overlaid.map(\.value) == [9, 10, 25, 30])
    }

    @Test func hoursOutsideTheDayAreLeftOutAndTheLaterJudgementWins() {
        let judged = [
            Fixture.hourRecord(hour: 5, value: 1, judgement: .comply),
            Fixture.hourRecord(hour: 5, value: 2, judgement: .comply),
            PeriodRecord(copying: Fixture.hourRecord(hour: 5, value: 3, judgement: .comply), startUnix: Fixture.midnight(day: 11)),
        ]
        let overlaid = PendingPeriods.overlay([], with: judged, from: Fixture.midnight(), until: Fixture.midnight(day: 11))
        #expect(overlaid.map(\.value) == [2])
    }

    @Test func withNothingJudgedTheStoredHoursAreKeptAsRead() {
        let stored = [Self.hour(2, "a21026", value: 20), Self.hour(1, "a21026", value: 10)]
        #expect(PendingPeriods.overlay(stored, with: [], from: Fixture.midnight(), until: Fixture.midnight(day: 11)) == stored)
    }

    @Test func addingKeepsEveryPeriodAndTheHoursOfEachDevice() throws {
        let rules = try Fixture.coalBoiler()
        let hourly = [Fixture.hourRecord(hour: 1, value: 1, judgement: .comply)].map(Self.evaluated)
        var pending = PendingPeriods()
        pending.add(hourly, mn: "A", rules: rules, at: 7)
        pending.add(hourly, mn: "B", rules: rules, at: 8)
        #expect(pending.records.map(\.mn) == ["A", "B"])
        #expect(pending.records.map(\.evaluatedAtMillis) == [7, 8])
        #expect(pending.hours(of: "A").count == 1)
        #expect(pending.hours(of: "C").isEmpty)
    }

    static func evaluated(_ record: PeriodRecord) -> EvaluatedPeriod {
        EvaluatedPeriod(
            pollutant: record.pollutant, basis: .hour, start: record.startUnix, source: .device, status: .valid,
            value: record.value, judged: record.judged, oxygen: nil, cou: nil, coverage: nil, flags: record.flags)
    }
}

extension PeriodRecord {
    init(copying record: PeriodRecord, startUnix: Int64) {
        self = record
        self.startUnix = startUnix
    }
}
