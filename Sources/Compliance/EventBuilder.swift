import Foundation
import Reports
import Store

/// Merges judged periods into exceedance events (docs/domain/rules.md §3.2; design.md
/// "Exceedance events"): an event is a run of exceeding periods of one device, pollutant and
/// basis that no valid compliant period interrupts. Periods that are not judged (maintenance,
/// missing, too few minutes) neither end nor extend the exceedance: they are inside the event's
/// span, listed in its evidence, and not counted in its hours. An event is open while no valid
/// compliant period has followed it.
public enum EventBuilder {
    /// - Parameters:
    ///   - series: The device, pollutant and basis.
    ///   - periods: The series' periods in time order (hour periods for `hour`/`range`, day periods for `day`).
    ///   - iso: Formats a Unix time for the evidence.
    public static func events(
        series: EventSeries, periods: [PeriodRecord], nowMillis: Int64, iso: (Int64) -> String
    ) -> [EventRecord] {
        let length: Int64 = series.basis == JudgementBasis.day.rawValue ? 86_400 : 3600
        var events: [EventRecord] = []
        var run: [PeriodRecord] = []
        var trailing: [PeriodRecord] = []

        func close(status: String) {
            defer { run.removeAll(); trailing.removeAll() }
            let exceeding = run.filter { $0.judgement == Verdict.exceed.rawValue }
            guard let first = exceeding.first, let last = exceeding.last else { return }
            let isRange = series.basis == JudgementBasis.range.rawValue
            let peakPeriod: PeriodRecord
            if isRange {
                // Furthest outside the range.
                peakPeriod = exceeding.max { distance($0) < distance($1) }!
            } else {
                peakPeriod = exceeding.max { ($0.judged ?? 0) < ($1.judged ?? 0) }!
            }
            let peak = peakPeriod.judged ?? 0
            let limit = peakPeriod.limit ?? 0
            let values = exceeding.compactMap(\.judged)
            let masses = exceeding.compactMap(\.cou)
            let span = run.filter { $0.startUnix <= last.startUnix }
            events.append(EventRecord(
                series: series, enterpriseID: first.enterpriseID, outletID: first.outletID, startUnix: first.startUnix,
                endUnix: last.startUnix + length, hours: exceeding.count * Int(length / 3600), periods: exceeding.count,
                peak: peak, mean: values.reduce(0, +) / Double(max(values.count, 1)), limit: limit,
                lower: peakPeriod.lower, upper: peakPeriod.upper,
                multiple: isRange || limit <= 0 ? nil : (peak - limit) / limit,
                massKg: masses.isEmpty ? nil : masses.reduce(0, +),
                lowerBound: exceeding.contains { $0.status == PeriodStatus.lowerBound.rawValue },
                status: status, evidence: evidence(span, iso: iso), updatedAtMillis: nowMillis))
        }

        for period in periods {
            switch period.judgement {
            case Verdict.exceed.rawValue:
                run.append(contentsOf: trailing)
                trailing.removeAll()
                run.append(period)
            case Verdict.comply.rawValue:
                if !run.isEmpty { close(status: "closed") }
            default:
                if !run.isEmpty { trailing.append(period) }
            }
        }
        if !run.isEmpty { close(status: "open") }
        return events
    }

    /// How far a pH-like value lies outside its range.
    static func distance(_ period: PeriodRecord) -> Double {
        guard let value = period.judged else { return 0 }
        if let upper = period.upper, value > upper { return value - upper }
        if let lower = period.lower, value < lower { return lower - value }
        return 0
    }

    /// The periods as a JSON array: start, value, judged, o2, flags, status, judgement, source, note.
    static func evidence(_ periods: [PeriodRecord], iso: (Int64) -> String) -> String {
        JSONValue.array(periods.map { period in
            var fields: [(String, JSONValue)] = [
                ("start", .string(iso(period.startUnix))), ("value", .optional(period.value)),
                ("judged", .optional(period.judged)), ("o2", .optional(period.oxygen)), ("flags", .string(period.flags)),
                ("status", .string(period.status)), ("judgement", .string(period.judgement)), ("source", .string(period.source)),
            ]
            if let note = period.note { fields.append(("note", .string(note))) }
            return .object(fields)
        }).serialized()
    }
}
