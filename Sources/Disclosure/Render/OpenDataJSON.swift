import Foundation

/// The open-data JSON of one medium, `waste-gas.json` or `waste-water.json`.
///
/// The contract keys come first and in this order: `{date, generated_at, complete, enterprises:
/// [{id, name, outlets: [{id, name, pollutants: [{code, name, unit, valid_hours, mean, min, max,
/// limit, exceed_hours, max_multiple, emission_kg}]}]}]}`; extra keys follow them. Only outlets of
/// the medium; enterprises without one are left out.
enum OpenDataJSON {
    static func render(_ summary: DailySummary, medium: DisclosureMedium) -> Data {
        Data(document(summary, medium: medium).serialized().utf8)
    }

    static func document(_ summary: DailySummary, medium: DisclosureMedium) -> OrderedJSON {
        let enterprises: [OrderedJSON] = summary.enterprises.compactMap { enterprise in
            let outlets = enterprise.outlets.filter { $0.medium == medium }
            guard !outlets.isEmpty else { return nil }
            return .object([
                ("id", .string(enterprise.id)),
                ("name", .string(enterprise.name)),
                ("outlets", .array(outlets.map(outlet))),
            ])
        }
        return .object([
            ("date", .string(summary.date)),
            ("generated_at", .string(summary.generatedAt)),
            ("complete", .bool(summary.complete)),
            ("enterprises", .array(enterprises)),
            ("medium", .string(medium.rawValue)),
            ("incomplete_reasons", .array(summary.incompleteReasons.map(OrderedJSON.string))),
            ("disclaimer", .string(PageLayout.disclaimer)),
        ])
    }

    static func outlet(_ outlet: OutletDay) -> OrderedJSON {
        .object([
            ("id", .string(outlet.id)),
            ("name", .string(outlet.name)),
            ("pollutants", .array(outlet.pollutants.map(pollutant))),
            ("standard", .string(outlet.standard)),
            ("reference_o2", .number(outlet.referenceO2)),
            ("online_hours", .int(outlet.onlineHours)),
            ("complete", .bool(outlet.complete)),
        ])
    }

    static func pollutant(_ p: PollutantDay) -> OrderedJSON {
        let flags = Labels.orderedFlags(p.flagCounts).map { ($0.0, OrderedJSON.int($0.1)) }
        return .object([
            ("code", .string(p.code)),
            ("name", .string(p.name)),
            ("unit", .string(p.unit)),
            ("valid_hours", .int(p.validHours)),
            ("mean", .number(p.mean)),
            ("min", .number(p.min)),
            ("max", .number(p.max)),
            ("limit", .number(p.limit?.value)),
            ("exceed_hours", .int(p.exceedHours)),
            ("max_multiple", .number(p.maxMultiple)),
            ("emission_kg", .number(p.emissionKg)),
            ("lower", .number(p.limit?.lower)),
            ("upper", .number(p.limit?.upper)),
            ("basis", .string(p.limit?.basis.rawValue)),
            ("limit_source", .string(p.limit?.source)),
            ("converted", .bool(p.converted)),
            ("lower_bound", .bool(p.lowerBound)),
            ("exceed_periods", .int(p.exceedPeriods)),
            ("volume_m3", .number(p.volumeM3)),
            ("flags", .object(flags)),
            ("transmission_rate", .number(p.transmissionRate)),
            ("valid_transmission_rate", .number(p.validTransmissionRate)),
            ("expected_hours", .int(p.expectedHours)),
            ("received_hours", .int(p.receivedHours)),
        ])
    }
}
