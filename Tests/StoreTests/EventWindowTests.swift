import Testing
@testable import Store

/// The window a series' events are rebuilt in: between the nearest compliant periods around a
/// change, read in one go with the series' periods and events there.
@Suite struct EventWindowTests {
    static let series = EventSeries(mn: Sample.mnA, pollutant: "a21026", basis: "hour")

    static func period(_ hour: Int64, _ judgement: String, limitBasis: String? = "hour", pollutant: String = "a21026") -> PeriodRecord {
        PeriodRecord(
            mn: Sample.mnA, pollutant: pollutant, basis: "hour", startUnix: Sample.base + hour * 3600, enterpriseID: "E",
            outletID: "DA001", source: "device", status: "valid", value: 1, judged: 1, oxygen: nil, cou: nil, coverage: nil,
            flags: "N", judgement: judgement, limitBasis: limitBasis, limit: 100, lower: nil, upper: nil, multiple: nil,
            note: nil, evaluatedAtMillis: 0)
    }

    static func event(from hour: Int64, to end: Int64, basis: String = "hour") -> EventRecord {
        EventRecord(
            series: EventSeries(mn: Sample.mnA, pollutant: "a21026", basis: basis), enterpriseID: "E", outletID: "DA001",
            startUnix: Sample.base + hour * 3600, endUnix: Sample.base + end * 3600, hours: Int(end - hour), periods: Int(end - hour),
            peak: 2, mean: 2, limit: 1, lower: nil, upper: nil, multiple: 1, massKg: nil, lowerBound: false, status: "closed",
            evidence: "", updatedAtMillis: 0)
    }

    @Test func theWindowRunsFromTheCompliantPeriodBeforeToTheOneAfter() async throws {
        try await withStore { store, _ in
            // Hours 0–7: comply, exceed, exceed, comply, exceed, exceed, exceed, comply; hour 4 changed.
            // (Hour 6 is then replaced by a period judged on a daily limit.)
            let judgements = ["comply", "exceed", "exceed", "comply", "exceed", "exceed", "exceed", "comply"]
            try await store.savePeriods(judgements.enumerated().map { Self.period(Int64($0.offset), $0.element) }
                + [Self.period(6, "exceed", limitBasis: "day"), Self.period(5, "exceed", pollutant: "a21002")])
            try await store.replaceEvents(series: Self.series, from: .min, until: .max, with: [Self.event(from: 1, to: 3), Self.event(from: 4, to: 7)])
            let hour4 = Sample.base + 4 * 3600
            let window = try await store.eventWindow(series: Self.series, periodBasis: "hour", boundary: "comply", around: hour4...hour4)
            #expect(window.from == Sample.base + 3 * 3600)
            #expect(window.until == Sample.base + 7 * 3600 + 1)
            // Hours 3 to 7 judged on the series' own basis: not hour 6, now judged on a daily limit,
            // nor another pollutant's hour.
            #expect(window.periods.map(\.startUnix) == [3, 4, 5, 7].map { Sample.base + Int64($0) * 3600 })
            #expect(window.periods.allSatisfy { $0.pollutant == "a21026" })
            #expect(window.events.map(\.startUnix) == [hour4])
        }
    }

    @Test func withoutACompliantPeriodTheWindowIsOpen() async throws {
        try await withStore { store, _ in
            try await store.savePeriods([Self.period(1, "exceed"), Self.period(2, "exceed")])
            try await store.replaceEvents(series: Self.series, from: .min, until: .max, with: [Self.event(from: 1, to: 3)])
            let hour2 = Sample.base + 2 * 3600
            let window = try await store.eventWindow(series: Self.series, periodBasis: "hour", boundary: "comply", around: hour2...hour2)
            #expect(window.from == .min)
            #expect(window.until == .max)
            #expect(window.periods.count == 2)
            #expect(window.events.count == 1)
        }
    }
}
