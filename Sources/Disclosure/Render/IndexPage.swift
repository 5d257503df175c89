/// The site's home page `index.html`: the latest days (newest first, incomplete and revised days
/// marked), older days by month, the list of enterprises, and the Atom feed.
struct IndexPage {
    var layout: PageLayout
    var history: SiteHistory
    /// Days listed in the detailed table; older days are listed compactly by month.
    static let recentDays = 31

    func render() -> String {
        var body = "<p class=\"disclaimer\" role=\"note\">\(esc(PageLayout.disclaimer))</p>\n"
        body += "<p class=\"meta\">订阅更新：<a href=\"\(SitePaths.feed)\" type=\"application/atom+xml\">Atom 订阅（feed.xml）</a></p>\n"
        body += recent()
        body += older()
        body += enterprises()
        let headExtra = "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"\(esc(layout.siteTitle))\" href=\"\(SitePaths.feed)\"/>\n"
        return layout.page(
            title: "首页", heading: layout.siteTitle, crumbs: [],
            lead: "\(layout.bureau)公开的重点排污单位自动监测日报，每日一页，含开放数据下载。",
            headExtra: headExtra, body: body
        )
    }

    private func recent() -> String {
        let out = "<section>\n<h2>最新日报</h2>\n"
        guard !history.days.isEmpty else { return out + "<p>尚未发布日报。</p>\n</section>\n" }
        var table = "<table>\n<caption>最新日报（由新到旧）</caption>\n<thead><tr>"
        for header in ["日期", "状态", "企业数", "超标企业", "更新时间"] { table += "<th scope=\"col\">\(header)</th>" }
        table += "</tr></thead>\n<tbody>\n"
        for day in history.days.prefix(Self.recentDays) {
            let exceeding = SiteHistory.exceeding(day)
            table += "<tr><th scope=\"row\"><a href=\"\(SitePaths.dayIndex(day.date))\">\(esc(day.date))</a></th>"
            table += "<td>\(Self.status(day))</td><td class=\"num\">\(day.enterprises.count)</td>"
            table += exceeding.isEmpty
                ? "<td>无</td>"
                : "<td><span class=\"mark-exceed\">▲ \(exceeding.count) 家</span></td>"
            table += "<td>\(esc(day.updatedAt))</td></tr>\n"
        }
        table += "</tbody>\n</table>\n"
        return out + PageLayout.scrollingTable(label: "最新日报", table: table) + "</section>\n"
    }

    private func older() -> String {
        let older = history.days.dropFirst(Self.recentDays)
        guard !older.isEmpty else { return "" }
        var out = "<section>\n<h2>往期日报</h2>\n"
        var months: [(String, [PublishedDay])] = []
        for day in older {
            let month = String(day.date.prefix(7))
            if months.last?.0 == month { months[months.count - 1].1.append(day) } else { months.append((month, [day])) }
        }
        for (month, days) in months {
            out += "<h3>\(esc(month))</h3>\n<ul class=\"days\">\n"
            for day in days {
                out += "<li><a href=\"\(SitePaths.dayIndex(day.date))\">\(esc(day.date))</a>\(Self.badges(day).isEmpty ? "" : " " + Self.badges(day))</li>\n"
            }
            out += "</ul>\n"
        }
        return out + "</section>\n"
    }

    private func enterprises() -> String {
        var out = "<section>\n<h2>企业列表</h2>\n"
        guard !history.enterprises.isEmpty else { return out + "<p>暂无企业。</p>\n</section>\n" }
        out += "<ul class=\"plain\">\n"
        for enterprise in history.enterprises {
            out += "<li><a href=\"\(SitePaths.enterprisePage(enterprise.id))\">\(esc(enterprise.name))</a>"
            if let latest = enterprise.days.first {
                out += "<span class=\"sub\">\(esc("最近：\(latest.day.date)，\(latest.line.exceedances > 0 ? "超标 \(latest.line.exceedances) 项" : "未超标")"))</span>"
            }
            out += "</li>\n"
        }
        return out + "</ul>\n</section>\n"
    }

    /// The badges, or `完整` for a complete first version.
    static func status(_ day: PublishedDay) -> String {
        let badges = badges(day)
        return badges.isEmpty ? "完整" : badges
    }

    /// `不完整` and `已修订（第 N 版）` as text badges; empty for a complete first version.
    static func badges(_ day: PublishedDay) -> String {
        var badges: [String] = []
        if !day.complete { badges.append("<span class=\"badge warn\">不完整</span>") }
        if day.revised { badges.append("<span class=\"badge info\">已修订（第 \(day.revision) 版）</span>") }
        return badges.joined(separator: " ")
    }
}
