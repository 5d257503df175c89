/// The Chinese wording of the model's values (limit basis, limits, flags, verdicts), shared by the
/// pages, the CSV and the feed so they say the same thing.
enum Labels {
    /// 小时均值, 日均值 or 范围.
    static func basis(_ basis: LimitBasis) -> String {
        switch basis {
        case .hour: "小时均值"
        case .day: "日均值"
        case .range: "范围"
        }
    }

    /// The limit's value as the public reads it: `≤ 35 mg/m³`, `6–9`, `≥ 6`; nil without a limit.
    static func limitValue(_ limit: LimitInfo?, unit: String) -> String? {
        guard let limit else { return nil }
        if let value = limit.value {
            return "≤ " + NumberFormat.display(value, unit: unit)
        }
        switch (limit.lower, limit.upper) {
        case let (lower?, upper?):
            return NumberFormat.display(lower) + "–" + NumberFormat.display(upper, unit: unit)
        case let (lower?, nil):
            return "≥ " + NumberFormat.display(lower, unit: unit)
        case let (nil, upper?):
            return "≤ " + NumberFormat.display(upper, unit: unit)
        case (nil, nil):
            return nil
        }
    }

    /// `3 小时` or `1 天`, on the limit's basis.
    static func exceedPeriods(_ pollutant: PollutantDay) -> String {
        let unit = pollutant.limit?.basis == .day ? "天" : "小时"
        return "\(pollutant.exceedPeriods) \(unit)"
    }

    /// The order flags are listed in; others follow alphabetically, then the missing-hour marks.
    static let flagOrder = ["N", "M", "D", "C", "F", "T", "S", "B", "H", "O2"]
    static let missingMarks = ["缺失", "不足"]

    /// The flag counts in a stable order, zero counts left out.
    static func orderedFlags(_ counts: [String: Int]) -> [(String, Int)] {
        let known = Set(flagOrder + missingMarks)
        let others = counts.keys.filter { !known.contains($0) }.sorted()
        return (flagOrder + others + missingMarks).compactMap { key in
            guard let count = counts[key], count != 0 else { return nil }
            return (key, count)
        }
    }

    /// `N 22 · M 2`, or `—` when there are none.
    static func flagSummary(_ counts: [String: Int]) -> String {
        let flags = orderedFlags(counts)
        if flags.isEmpty { return NumberFormat.none }
        return flags.map { "\($0.0) \($0.1)" }.joined(separator: " · ")
    }

    /// What each flag means, for the page's notes.
    static let flagLegend: [(String, String)] = [
        ("N", "正常"), ("M", "维护"), ("D", "故障"), ("C", "校准"), ("F", "停运"),
        ("T", "超仪器量程上限"), ("S", "手工输入"), ("B", "通讯异常"),
        ("H", "有效分钟数据不足，不计有效小时"), ("O2", "缺少氧含量，无法折算"),
        ("缺失", "该小时未收到数据"),
    ]

    /// The row's verdict in words, so exceedance is never shown by colour alone.
    static func verdict(_ pollutant: PollutantDay) -> String {
        if pollutant.exceedPeriods > 0 { return "超标" }
        if pollutant.limit == nil { return "无限值" }
        if pollutant.validHours == 0 && pollutant.mean == nil { return "无有效数据" }
        return "未超标"
    }

    /// 是 or 否.
    static func yesNo(_ value: Bool) -> String { value ? "是" : "否" }
}
