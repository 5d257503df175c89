/// One outlet's block on a day page or an enterprise's day page: heading, facts (standard, online
/// hours, reference O2), an incomplete-data notice, the pollutant table and a chart for every
/// pollutant that exceeded. Shared so both pages show exactly the same table.
enum OutletSection {
    /// `level` is the heading level of the outlet's heading (its notice uses `level + 1`).
    static func render(_ outlet: OutletDay, enterprise: EnterpriseDay, level: Int) -> String {
        let heading = "\(outlet.medium.chineseName)排放口 \(outlet.name)（\(outlet.id)）"
        var out = "<section class=\"outlet\">\n<h\(level)>\(esc(heading))"
        if outlet.hasExceedance { out += " <span class=\"badge warn\">有超标</span>" }
        if !outlet.complete { out += " <span class=\"badge warn\">数据不完整</span>" }
        out += "</h\(level)>\n"
        out += "<p class=\"meta\">\(facts(outlet).map(esc).joined(separator: " · "))</p>\n"
        if !outlet.complete {
            out += "<div class=\"notice\" role=\"note\">\n<h\(level + 1)>数据不完整</h\(level + 1)>\n"
            out += "<p>本排放口当日的小时数据尚未全部收到或尚未全部判定，下表统计可能在补传后修订。</p>\n</div>\n"
        }
        if outlet.pollutants.isEmpty {
            out += "<p>本排放口当日没有监测项目数据。</p>\n"
        } else {
            out += PageLayout.scrollingTable(label: "\(enterprise.name) \(outlet.name) 监测数据表", table: table(outlet, enterprise: enterprise))
        }
        for pollutant in outlet.pollutants where pollutant.exceedPeriods > 0 {
            out += "<figure>\n" + HourlyChart.svg(pollutant, outletName: outlet.name)
            out += "<figcaption>\(esc("\(pollutant.name)（\(pollutant.code)）各小时均值。▲ 为超标小时，× 为无有效值的小时，虚线为限值。"))</figcaption>\n</figure>\n"
        }
        out += "</section>\n"
        return out
    }

    /// The outlet's facts line: medium, standard, online hours, reference O2.
    static func facts(_ outlet: OutletDay) -> [String] {
        var facts = ["类型：\(outlet.medium.chineseName)"]
        facts.append("执行标准：\(outlet.standard ?? "排放口许可限值（见各项限值来源）")")
        facts.append("在线时长：\(outlet.onlineHours) / 24 小时")
        if let o2 = outlet.referenceO2 {
            facts.append("基准氧含量：\(NumberFormat.display(o2))%（浓度为折算值）")
        }
        return facts
    }

    static func table(_ outlet: OutletDay, enterprise: EnterpriseDay) -> String {
        let meanHeader = outlet.medium == .water ? "日均值" : "均值"
        let caption = "\(enterprise.name) · \(outlet.name)（\(outlet.id)）\(outlet.medium.chineseName)监测结果"
            + (outlet.standard.map { "，执行标准：\($0)" } ?? "")
        let headers = [
            "污染物", "判定", "有效小时数", meanHeader, "最小小时均值", "最大小时均值", "限值（标准）",
            "超标小时/天数", "最大超标倍数", "排放量 kg", "数据标记", "传输率", "有效传输率",
        ]
        var out = "<table class=\"data\">\n<caption>\(esc(caption))</caption>\n<thead><tr>"
        for header in headers { out += "<th scope=\"col\">\(esc(header))</th>" }
        out += "</tr></thead>\n<tbody>\n"
        for pollutant in outlet.pollutants { out += row(pollutant) }
        out += "</tbody>\n</table>\n"
        return out
    }

    static func row(_ p: PollutantDay) -> String {
        let exceeded = p.exceedPeriods > 0
        var out = exceeded ? "<tr class=\"exceed\">" : "<tr>"
        out += "<th scope=\"row\">\(esc(p.name))<span class=\"code\">\(esc(p.code))</span></th>"
        let verdict = Labels.verdict(p)
        out += exceeded ? "<td><span class=\"mark-exceed\">▲ \(esc(verdict))</span></td>" : "<td>\(esc(verdict))</td>"
        out += "<td class=\"num\">\(p.validHours) / \(p.expectedHours)<span class=\"sub\">收到 \(p.receivedHours)</span></td>"
        out += "<td class=\"num\">\(esc(value(p.mean, p, bound: true)))\(p.converted && p.mean != nil ? "<span class=\"sub\">折算</span>" : "")</td>"
        out += "<td class=\"num\">\(esc(value(p.min, p, bound: false)))</td>"
        out += "<td class=\"num\">\(esc(value(p.max, p, bound: true)))</td>"
        out += "<td class=\"wrap\">\(limitCell(p))</td>"
        out += exceeded
            ? "<td class=\"num\"><span class=\"mark-exceed\">\(esc(Labels.exceedPeriods(p)))</span></td>"
            : "<td class=\"num\">\(esc(Labels.exceedPeriods(p)))</td>"
        out += "<td class=\"num\">\(multipleCell(p))</td>"
        out += "<td class=\"num\">\(esc(NumberFormat.display(p.emissionKg)))"
        if let volume = p.volumeM3 { out += "<span class=\"sub\">\(esc("流量 \(NumberFormat.display(volume)) m³"))</span>" }
        out += "</td>"
        out += "<td class=\"wrap\">\(esc(Labels.flagSummary(p.flagCounts)))</td>"
        out += "<td class=\"num\">\(esc(NumberFormat.percent(p.transmissionRate)))</td>"
        out += "<td class=\"num\">\(esc(NumberFormat.percent(p.validTransmissionRate)))</td>"
        out += "</tr>\n"
        return out
    }

    /// A value with its unit, prefixed `≥` when the pollutant's values are lower bounds (flag T).
    static func value(_ value: Double?, _ p: PollutantDay, bound: Bool) -> String {
        guard value != nil else { return NumberFormat.none }
        return (bound && p.lowerBound ? "≥ " : "") + NumberFormat.display(value, unit: p.unit)
    }

    /// `≤ 35 mg/m³` over `小时均值 · GB 13271-2014 表1`.
    static func limitCell(_ p: PollutantDay) -> String {
        guard let limit = p.limit, let text = Labels.limitValue(limit, unit: p.unit) else { return "未设限值" }
        return esc(text) + "<span class=\"sub\">\(esc("\(Labels.basis(limit.basis)) · \(limit.source)"))</span>"
    }

    /// `0.03 倍` over `峰值为限值的 ×1.03`; `—` when nothing exceeded and for ranges (pH).
    static func multipleCell(_ p: PollutantDay) -> String {
        guard let multiple = p.maxMultiple, multiple.isFinite, p.limit?.basis != .range else { return NumberFormat.none }
        return esc("\(NumberFormat.display(multiple)) 倍") + "<span class=\"sub\">\(esc("峰值为限值的 \(NumberFormat.multiple(1 + multiple))"))</span>"
    }

    /// The notes that explain the table's terms, shown once per page.
    static func notes(level: Int) -> String {
        var out = "<section class=\"notes\">\n<h\(level)>说明</h\(level)>\n<dl class=\"notes\">\n"
        let items: [(String, String)] = [
            ("均值 / 日均值", "废气为当日有效小时均值的平均值；废水为当日有效日均值（有流量时按流量加权）。"),
            ("折算", "按基准氧含量折算后的浓度，用于与排放标准比较。"),
            ("≥", "数值超出仪器量程上限（T 标记），实际值不低于所示值。"),
            ("限值（标准）", "当日适用的限值、判定方式（小时均值、日均值或范围）及其来源标准。"),
            ("最大超标倍数", "超标倍数 =（测定值 − 限值）÷ 限值，取当日最大值；pH 等范围型指标不计算超标倍数。"),
            ("传输率 / 有效传输率", "收到的小时数据 ÷ 应收小时数据；有效的小时数据 ÷ 应收小时数据。应收小时不含停运（F）时段。"),
        ]
        for (term, text) in items { out += "<dt>\(esc(term))</dt><dd>\(esc(text))</dd>\n" }
        let legend = Labels.flagLegend.map { "\($0.0) \($0.1)" }.joined(separator: "；")
        out += "<dt>数据标记</dt><dd>\(esc("各标记的小时数：\(legend)。"))</dd>\n"
        out += "</dl>\n</section>\n"
        return out
    }
}
