import GatewayConfig
import HJ212
import LocalTime
import Store

/// One exceedance event with the names an officer reads: enterprise, outlet, pollutant and unit.
public struct ExceedanceRow: Sendable, Hashable {
    public var event: EventRecord
    public var enterpriseName: String
    public var outletName: String
    public var medium: Medium?
    public var pollutantName: String
    public var unit: String
    /// Where the limit came from, e.g. `GB 13271-2014 表1 在用燃煤锅炉`.
    public var limitSource: String?

    public var basis: JudgementBasis { JudgementBasis(rawValue: event.series.basis) ?? .hour }
    public var isOpen: Bool { event.status == "open" }
}

/// The filters and sort orders of `hj212 exceedances` (design.md, CLI).
public struct ExceedanceFilter: Sendable, Hashable {
    public enum Sort: String, Sendable, CaseIterable {
        /// Newest start first (the default).
        case start
        /// Largest multiple first (pH, which has none, last).
        case multiple
        /// Longest first.
        case hours
    }

    public var since: Int64?
    public var until: Int64?
    public var enterpriseID: String?
    public var outletID: String?
    public var mn: String?
    public var pollutant: String?
    public var medium: Medium?
    public var openOnly = false
    public var sort: Sort = .start

    public init() {}

    /// Events overlapping one local day.
    public static func day(_ dayStart: Int64, clock: PeriodClock) -> ExceedanceFilter {
        var filter = ExceedanceFilter()
        filter.since = dayStart
        filter.until = clock.nextDay(dayStart)
        return filter
    }
}

/// Reads stored events and names them from the registry, so the CLI stays a thin shell.
public struct ExceedanceReport: Sendable {
    let store: any ComplianceRecordStore
    let registry: ComplianceRegistry
    let tables: CodeTables

    public init(store: any ComplianceRecordStore, registry: ComplianceRegistry, tables: CodeTables = .shipped) {
        self.store = store
        self.registry = registry
        self.tables = tables
    }

    public func rows(_ filter: ExceedanceFilter, updatedSinceMillis: Int64? = nil) async throws -> [ExceedanceRow] {
        var mns: [String]?
        if filter.enterpriseID != nil || filter.outletID != nil || filter.medium != nil || filter.mn != nil {
            mns = registry.outlets.filter { rules in
                (filter.enterpriseID == nil || rules.enterpriseID == filter.enterpriseID)
                    && (filter.outletID == nil || rules.outletID == filter.outletID)
                    && (filter.medium == nil || rules.medium == filter.medium)
            }.flatMap(\.mns).filter { filter.mn == nil || $0 == filter.mn }
            if filter.mn != nil, filter.enterpriseID == nil, filter.outletID == nil, filter.medium == nil, mns?.isEmpty == true {
                mns = [filter.mn!]
            }
        }
        let events = try await store.events(EventQuery(
            since: filter.since, until: filter.until, mns: mns, pollutant: filter.pollutant, openOnly: filter.openOnly,
            updatedSinceMillis: updatedSinceMillis))
        var rows = events.map(row)
        switch filter.sort {
        case .start:
            rows.sort { ($0.event.startUnix, $0.event.series.mn) > ($1.event.startUnix, $1.event.series.mn) }
        case .multiple:
            rows.sort { ($0.event.multiple ?? -1, $0.event.startUnix) > ($1.event.multiple ?? -1, $1.event.startUnix) }
        case .hours:
            rows.sort { ($0.event.hours, $0.event.startUnix) > ($1.event.hours, $1.event.startUnix) }
        }
        return rows
    }

    func row(_ event: EventRecord) -> ExceedanceRow {
        let rules = registry.byMN[event.series.mn]
        let pollutant = tables.pollutants[event.series.pollutant]
        let limit = rules?.limits.first { $0.pollutant == event.series.pollutant && $0.basis.rawValue == event.series.basis }
        return ExceedanceRow(
            event: event, enterpriseName: rules?.enterpriseName ?? event.enterpriseID,
            outletName: rules?.outletName ?? event.outletID, medium: rules?.medium,
            pollutantName: pollutant?.nameZh ?? event.series.pollutant, unit: Self.unit(pollutant?.unit, code: event.series.pollutant),
            limitSource: limit?.source.displayName)
    }

    /// The pollutant's unit for people (`无量纲` for pH).
    public static func unit(_ unit: String?, code: String) -> String {
        if code == "w01001" { return "无量纲" }
        return unit ?? ""
    }
}
