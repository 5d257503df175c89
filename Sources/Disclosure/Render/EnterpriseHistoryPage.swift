/// An enterprise's page at the site root, `enterprises/<id>.html`: every day it appears in,
/// newest first, with its exceedance count and a link to its page of that day.
struct EnterpriseHistoryPage {
    var layout: PageLayout
    var enterprise: SiteHistory.Enterprise

    func render() -> String {
        var body = "<p class=\"disclaimer\" role=\"note\">\(esc(PageLayout.disclaimer))</p>\n"
        let exceedingDays = enterprise.days.filter { $0.line.exceedances > 0 }.count
        body += "<p class=\"meta\">\(esc("共 \(enterprise.days.count) 天有数据，其中 \(exceedingDays) 天有超标。"))</p>\n"
        var table = "<table>\n<caption>\(esc("\(enterprise.name) 各日监测结果（由新到旧）"))</caption>\n<thead><tr>"
        for header in ["日期", "超标情况", "排放口数", "状态"] { table += "<th scope=\"col\">\(header)</th>" }
        table += "</tr></thead>\n<tbody>\n"
        for (day, line) in enterprise.days {
            let href = "../" + SitePaths.dayFolder(day.date) + "/" + SitePaths.enterprisePage(enterprise.id)
            table += line.exceedances > 0 ? "<tr class=\"exceed\">" : "<tr>"
            table += "<th scope=\"row\"><a href=\"\(href)\">\(esc(day.date))</a></th>"
            table += line.exceedances > 0
                ? "<td><span class=\"mark-exceed\">▲ 超标 \(line.exceedances) 项</span></td>"
                : "<td>未超标</td>"
            table += "<td class=\"num\">\(line.outlets)</td><td>\(IndexPage.status(day))</td></tr>\n"
        }
        table += "</tbody>\n</table>\n"
        body += PageLayout.scrollingTable(label: "\(enterprise.name) 各日监测结果", table: table)
        body += "<p class=\"meta\"><a href=\"../index.html\">返回网站首页</a> · <a href=\"../\(SitePaths.feed)\">Atom 订阅</a></p>\n"
        return layout.page(
            title: enterprise.name,
            heading: "\(enterprise.name) 自动监测数据",
            crumbs: [.init(title: "首页", href: "../index.html"), .init(title: enterprise.name, href: nil)],
            lead: "统一社会信用代码：\(enterprise.id)",
            body: body
        )
    }
}
