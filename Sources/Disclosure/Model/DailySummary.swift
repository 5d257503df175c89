import Foundation

/// One local day's public results for every enterprise: what the disclosure channel publishes.
///
/// Built by `DailySummaryBuilder` from the stored compliance periods; rendered to HTML, JSON, CSV
/// and the Atom feed by the renderers. Plain values only, so the renderers need no database.
public struct DailySummary: Sendable, Hashable {
    /// The local day, `YYYY-MM-DD`.
    public var date: String
    /// When the summary was built, ISO 8601 with offset (e.g. `2026-11-29T01:00:03+08:00`).
    public var generatedAt: String
    /// True only when every outlet's day is complete (see `OutletDay.complete`).
    public var complete: Bool
    /// Why the day is incomplete, in Chinese, for the page's notice (empty when complete).
    public var incompleteReasons: [String]
    public var enterprises: [EnterpriseDay]

    public init(date: String, generatedAt: String, complete: Bool, incompleteReasons: [String] = [], enterprises: [EnterpriseDay]) {
        self.date = date
        self.generatedAt = generatedAt
        self.complete = complete
        self.incompleteReasons = incompleteReasons
        self.enterprises = enterprises
    }
}

/// One enterprise (排污单位) on one day.
public struct EnterpriseDay: Sendable, Hashable {
    /// Usually the unified social credit code.
    public var id: String
    public var name: String
    public var outlets: [OutletDay]

    public init(id: String, name: String, outlets: [OutletDay]) {
        self.id = id
        self.name = name
        self.outlets = outlets
    }

    /// Whether any pollutant of any outlet exceeded its limit that day.
    public var hasExceedance: Bool { outlets.contains { $0.hasExceedance } }
}

/// The medium of an outlet, which decides the open-data file it belongs to.
public enum DisclosureMedium: String, Sendable, Hashable, CaseIterable {
    /// 废气: written to `waste-gas.json|csv`.
    case gas
    /// 废水: written to `waste-water.json|csv`.
    case water

    /// `waste-gas` or `waste-water`.
    public var fileStem: String { self == .gas ? "waste-gas" : "waste-water" }
    /// 废气 or 废水.
    public var chineseName: String { self == .gas ? "废气" : "废水" }
}

/// One outlet (排放口) on one day.
public struct OutletDay: Sendable, Hashable {
    public var id: String
    public var name: String
    public var medium: DisclosureMedium
    /// The applicable standard as the public should read it, e.g. `GB 13271-2014 表1 在用燃煤锅炉`;
    /// nil when the outlet has only its own configured limits.
    public var standard: String?
    /// Reference O2 in percent for converted (折算) concentrations; nil when values are measured.
    public var referenceO2: Double?
    /// Hours of the day in which the outlet's devices sent any data (0...24).
    public var onlineHours: Int
    /// Whether every expected hour of the day has been received and evaluated.
    public var complete: Bool
    public var pollutants: [PollutantDay]

    public init(
        id: String, name: String, medium: DisclosureMedium, standard: String?, referenceO2: Double?,
        onlineHours: Int, complete: Bool, pollutants: [PollutantDay]
    ) {
        self.id = id
        self.name = name
        self.medium = medium
        self.standard = standard
        self.referenceO2 = referenceO2
        self.onlineHours = onlineHours
        self.complete = complete
        self.pollutants = pollutants
    }

    public var hasExceedance: Bool { pollutants.contains { $0.exceedPeriods > 0 } }
}

/// How a limit is judged: on hourly means (gas), daily means (water, incinerators) or as a range (pH).
public enum LimitBasis: String, Sendable, Hashable, CaseIterable {
    case hour
    case day
    case range
}

/// The limit that applied to a pollutant that day and where it came from.
public struct LimitInfo: Sendable, Hashable {
    /// The maximum (nil for a range).
    public var value: Double?
    /// A range's bounds (pH 6–9); nil for a maximum.
    public var lower: Double?
    public var upper: Double?
    public var basis: LimitBasis
    /// Where the value comes from, e.g. `GB 13271-2014 表1` or `排口许可限值（配置）`.
    public var source: String

    public init(value: Double?, lower: Double? = nil, upper: Double? = nil, basis: LimitBasis, source: String) {
        self.value = value
        self.lower = lower
        self.upper = upper
        self.basis = basis
        self.source = source
    }
}

/// One hour of a pollutant's day, for the chart and the hourly table.
public struct HourPoint: Sendable, Hashable {
    /// 0...23, local hour of the day.
    public var hour: Int
    /// The judged value (converted for gas with a reference O2); nil when the hour has no valid value.
    public var value: Double?
    /// True when the value exceeded the limit.
    public var exceeds: Bool
    /// The hour's data flag as the public reads it: `N`, `M`, `D`, `C`, `F`, `T`, `S`, `B`,
    /// or `缺失` (missing) / `不足` (too few valid minutes).
    public var status: String

    public init(hour: Int, value: Double?, exceeds: Bool, status: String) {
        self.hour = hour
        self.value = value
        self.exceeds = exceeds
        self.status = status
    }
}

/// One pollutant of one outlet on one day: the row the public reads.
public struct PollutantDay: Sendable, Hashable {
    /// HJ 212-2017 code, e.g. `a21026`.
    public var code: String
    /// Chinese name, e.g. `二氧化硫`.
    public var name: String
    /// Unit of `mean`/`min`/`max`/limit, e.g. `mg/m³`, `mg/L`, `无量纲`.
    public var unit: String
    /// Hours with a valid hourly value.
    public var validHours: Int
    /// Hours expected (24 minus hours the source was stopped, flag F).
    public var expectedHours: Int
    /// Hours for which an hourly value was received (valid or not).
    public var receivedHours: Int
    /// Gas: the mean of the valid hourly (converted) means; water: the valid daily mean
    /// (flow-weighted where flow is measured). Nil when there is none.
    public var mean: Double?
    /// Whether `mean`, `min` and `max` are O2-converted (折算) values.
    public var converted: Bool
    /// Lowest and highest valid hourly mean.
    public var min: Double?
    public var max: Double?
    /// True when a value is a lower bound (flag T, above the analyser's range): shown as `≥`.
    public var lowerBound: Bool
    public var limit: LimitInfo?
    /// Exceeding periods on the limit's basis (hours for gas and pH, days for water).
    public var exceedPeriods: Int
    /// `exceedPeriods` in hours (a daily exceedance counts 24).
    public var exceedHours: Int
    /// The largest (C − L) / L of the day; nil when nothing exceeded or for pH.
    public var maxMultiple: Double?
    /// Emission in kg over the valid hours, from the device's Cou values; nil when not sent.
    public var emissionKg: Double?
    /// Volume in m³ (flow codes a00000 / w00000), from Cou; nil otherwise.
    public var volumeM3: Double?
    /// Hour counts per flag letter (`N`, `M`, …) plus `缺失` for missing hours.
    public var flagCounts: [String: Int]
    /// Received hourly records ÷ expected, 0...1 (rules.md §6); nil when nothing was expected.
    public var transmissionRate: Double?
    /// Valid hourly records ÷ expected, 0...1; nil when nothing was expected.
    public var validTransmissionRate: Double?
    /// 24 entries, hour 0 to 23.
    public var hours: [HourPoint]

    public init(
        code: String, name: String, unit: String, validHours: Int, expectedHours: Int, receivedHours: Int,
        mean: Double?, converted: Bool, min: Double?, max: Double?, lowerBound: Bool = false, limit: LimitInfo?,
        exceedPeriods: Int, exceedHours: Int, maxMultiple: Double?, emissionKg: Double?, volumeM3: Double? = nil,
        flagCounts: [String: Int], transmissionRate: Double?, validTransmissionRate: Double?, hours: [HourPoint]
    ) {
        self.code = code
        self.name = name
        self.unit = unit
        self.validHours = validHours
        self.expectedHours = expectedHours
        self.receivedHours = receivedHours
        self.mean = mean
        self.converted = converted
        self.min = min
        self.max = max
        self.lowerBound = lowerBound
        self.limit = limit
        self.exceedPeriods = exceedPeriods
        self.exceedHours = exceedHours
        self.maxMultiple = maxMultiple
        self.emissionKg = emissionKg
        self.volumeM3 = volumeM3
        self.flagCounts = flagCounts
        self.transmissionRate = transmissionRate
        self.validTransmissionRate = validTransmissionRate
        self.hours = hours
    }
}
