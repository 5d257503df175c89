/// The day page `YYYY-MM-DD/index.html`: every enterprise's outlets of one day, with the
/// incomplete-data notice, an overview, the open-data links and the charts of exceedances.
///
/// A large day (more than `fullTablesLimit` enterprises, e.g. a province) keeps the page readable
/// on a phone: the overview lists every enterprise, the tables are shown for the enterprises with
/// exceedances only, and every enterprise's full tables are on its own day page.
struct DayPage {
    var layout: PageLayout
    var summary: DailySummary
    static let fullTablesLimit = 30
    /// Reasons listed in the incomplete-day notice before "and N more".
    static let reasonsLimit = 30

    func render() -> String {
        let exceeding = summary.enterprises.filter(\.hasExceedance).count
        var body = "<p class=\"disclaimer\" role=\"note\">\(esc(PageLayout.disclaimer))</p>\n"
        if !summary.complete {
            body += Self.dayNotice(summary, level: 2)
        }
        body += overview()
        body += Self.openDataLinks(prefix: "", level: 2)
        var anchors = Set<String>()
        var shown = summary.enterprises
        if summary.enterprises.count > Self.fullTablesLimit {
            shown = summary.enterprises.filter(\.hasExceedance)
            body += "<p class=\"meta\">本日共 \(summary.enterprises.count) 家企业：下面列出有超标的 \(shown.count) 家企业的数据，"
            body += "各企业的完整数据请从概览中的“查看”进入企业当日页面。</p>\n"
        }
        for enterprise in shown {
            let safe = SitePaths.safeName(enterprise.id)
            var anchor = "e-" + safe
            var suffix = 2
            while anchors.contains(anchor) { anchor = "e-\(safe)-\(suffix)"; suffix += 1 }
            anchors.insert(anchor)
            body += "<section class=\"enterprise\" id=\"\(anchor)\">\n<h2>\(esc(enterprise.name))"
            if enterprise.hasExceedance { body += " <span class=\"badge warn\">有超标</span>" }
            body += "</h2>\n<p class=\"meta\">统一社会信用代码：\(esc(enterprise.id)) · "
            body += "<a href=\"\(SitePaths.enterprisePage(enterprise.id))\">单独查看本企业当日数据</a> · "
            body += "<a href=\"../\(SitePaths.enterprisePage(enterprise.id))\">本企业历史记录</a></p>\n"
            if enterprise.outlets.isEmpty { body += "<p>本企业当日没有排放口数据。</p>\n" }
            for outlet in enterprise.outlets {
                body += OutletSection.render(outlet, enterprise: enterprise, level: 3)
            }
            body += "</section>\n"
        }
        body += OutletSection.notes(level: 2)
        let lead = "发布单位：\(layout.bureau) · 生成时间：\(summary.generatedAt) · 共 \(summary.enterprises.count) 家企业，\(exceeding) 家有超标"
        return layout.page(
            title: "\(summary.date) 自动监测日报",
            heading: "\(summary.date) \(layout.siteTitle)",
            crumbs: [.init(title: "首页", href: "../index.html"), .init(title: summary.date, href: nil)],
            lead: lead,
            body: body
        )
    }

    /// The table of enterprises at the top of the page, linking to their sections and pages.
    private func overview() -> String {
        guard !summary.enterprises.isEmpty else { return "<p>本日没有企业数据。</p>\n" }
        var table = "<table>\n<caption>本日企业概览</caption>\n<thead><tr>"
        for header in ["企业", "排放口数", "超标情况", "数据完整", "企业当日页面"] { table += "<th scope=\"col\">\(header)</th>" }
        table += "</tr></thead>\n<tbody>\n"
        for enterprise in summary.enterprises {
            let page = SitePaths.enterprisePage(enterprise.id)
            let exceedances = enterprise.outlets.reduce(0) { $0 + $1.pollutants.filter { $0.exceedPeriods > 0 }.count }
            let complete = enterprise.outlets.allSatisfy(\.complete)
            table += enterprise.hasExceedance ? "<tr class=\"exceed\">" : "<tr>"
            table += "<th scope=\"row\">\(esc(enterprise.name))</th><td class=\"num\">\(enterprise.outlets.count)</td>"
            table += enterprise.hasExceedance
                ? "<td><span class=\"mark-exceed\">▲ 超标 \(exceedances) 项</span></td>"
                : "<td>未超标</td>"
            table += complete ? "<td>是</td>" : "<td><span class=\"mark-exceed\">不完整</span></td>"
            table += "<td><a href=\"\(page)\">查看</a></td></tr>\n"
        }
        table += "</tbody>\n</table>\n"
        return "<section>\n<h2>概览</h2>\n" + PageLayout.scrollingTable(label: "本日企业概览", table: table) + "</section>\n"
    }

    /// The prominent notice of an incomplete day, with its reasons.
    static func dayNotice(_ summary: DailySummary, level: Int) -> String {
        var out = "<section class=\"notice\" role=\"note\">\n<h\(level)>数据不完整</h\(level)>\n"
        out += "<p>本日数据尚不完整，以下结果可能在数据补传后修订。</p>\n"
        if !summary.incompleteReasons.isEmpty {
            out += "<ul>\n"
            for reason in summary.incompleteReasons.prefix(reasonsLimit) { out += "<li>\(esc(reason))</li>\n" }
            if summary.incompleteReasons.count > reasonsLimit {
                out += "<li>另有 \(summary.incompleteReasons.count - reasonsLimit) 项（见各企业页面）</li>\n"
            }
            out += "</ul>\n"
        }
        out += "</section>\n"
        return out
    }

    /// Links to the four open-data files of the day; `prefix` leads from the page to the day folder.
    static func openDataLinks(prefix: String, level: Int) -> String {
        var out = "<section class=\"open-data\">\n<h\(level)>开放数据下载</h\(level)>\n<ul class=\"plain\">\n"
        for medium in DisclosureMedium.allCases {
            let json = prefix + SitePaths.openDataFile(medium, fileExtension: "json")
            let csv = prefix + SitePaths.openDataFile(medium, fileExtension: "csv")
            out += "<li>\(medium.chineseName)：<a href=\"\(json)\">JSON</a> · <a href=\"\(csv)\">CSV（UTF-8，可用 Excel 打开）</a></li>\n"
        }
        out += "</ul>\n</section>\n"
        return out
    }
}
