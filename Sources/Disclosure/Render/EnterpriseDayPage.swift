/// An enterprise's page within a day, `YYYY-MM-DD/enterprises/<id>.html`: the same tables and
/// charts as the day page, for that enterprise only, so it can be linked to directly.
struct EnterpriseDayPage {
    var layout: PageLayout
    var summary: DailySummary
    /// Usually one; several when the summary lists the same id (or ids with the same file name) twice.
    var enterprises: [EnterpriseDay]

    func render() -> String {
        guard let first = enterprises.first else { return "" }
        let history = "../../" + SitePaths.enterprisePage(first.id)
        var body = "<p class=\"disclaimer\" role=\"note\">\(esc(PageLayout.disclaimer))</p>\n"
        let incompleteOutlets = enterprises.flatMap(\.outlets).filter { !$0.complete }
        if !incompleteOutlets.isEmpty {
            body += "<section class=\"notice\" role=\"note\">\n<h2>数据不完整</h2>\n"
            body += "<p>以下排放口当日数据尚不完整，结果可能在数据补传后修订：</p>\n<ul>\n"
            for outlet in incompleteOutlets { body += "<li>\(esc("\(outlet.name)（\(outlet.id)）"))</li>\n" }
            body += "</ul>\n</section>\n"
        } else if !summary.complete {
            body += "<p class=\"meta\">本日全市数据尚不完整，详见<a href=\"../index.html\">当日汇总页</a>。</p>\n"
        }
        body += "<p class=\"meta\"><a href=\"../index.html\">返回 \(esc(summary.date)) 全部企业</a> · <a href=\"\(history)\">本企业历史记录</a> · <a href=\"../../index.html\">网站首页</a></p>\n"
        for enterprise in enterprises {
            if enterprises.count > 1 { body += "<h2>\(esc(enterprise.name))（\(esc(enterprise.id))）</h2>\n" }
            if enterprise.outlets.isEmpty { body += "<p>本企业当日没有排放口数据。</p>\n" }
            for outlet in enterprise.outlets {
                body += OutletSection.render(outlet, enterprise: enterprise, level: enterprises.count > 1 ? 3 : 2)
            }
        }
        body += DayPage.openDataLinks(prefix: "../", level: 2)
        body += OutletSection.notes(level: 2)
        return layout.page(
            title: "\(first.name) \(summary.date)",
            heading: "\(first.name) \(summary.date) 自动监测数据",
            crumbs: [
                .init(title: "首页", href: "../../index.html"),
                .init(title: summary.date, href: "../index.html"),
                .init(title: first.name, href: nil),
            ],
            lead: "统一社会信用代码：\(first.id) · 生成时间：\(summary.generatedAt)",
            body: body
        )
    }
}
