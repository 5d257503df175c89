/// The frame every page shares: doctype, head with the inline style sheet, breadcrumbs, heading,
/// footer with the publisher and the disclaimer. Output is HTML5 that is also well-formed XML.
struct PageLayout: Sendable {
    /// A breadcrumb; the current page has no link.
    struct Crumb {
        var title: String
        var href: String?
    }

    var siteTitle: String
    var bureau: String

    /// The disclaimer shown on every page (Shanxi practice).
    static let disclaimer = "数据为企业自动监测数据，未经生态环境部门审核。"

    /// A whole page. `heading`, `title` and crumb titles are escaped here; `body` and
    /// `headExtra` must already be markup.
    func page(title: String, heading: String, crumbs: [Crumb], lead: String? = nil, headExtra: String = "", body: String) -> String {
        var out = "<!DOCTYPE html>\n"
        out += "<html lang=\"zh-CN\">\n<head>\n"
        out += "<meta charset=\"utf-8\"/>\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
        out += "<title>\(esc(title)) - \(esc(siteTitle))</title>\n"
        out += headExtra
        out += "<style>\n\(Self.styleSheet)</style>\n"
        out += "</head>\n<body>\n"
        out += "<a class=\"skip\" href=\"#main\">跳到正文</a>\n"
        out += "<header>\n"
        if !crumbs.isEmpty {
            out += "<nav class=\"crumbs\" aria-label=\"当前位置\"><ol>"
            for crumb in crumbs {
                if let href = crumb.href {
                    out += "<li><a href=\"\(esc(href))\">\(esc(crumb.title))</a></li>"
                } else {
                    out += "<li aria-current=\"page\">\(esc(crumb.title))</li>"
                }
            }
            out += "</ol></nav>\n"
        }
        out += "<h1>\(esc(heading))</h1>\n"
        if let lead { out += "<p class=\"lead\">\(esc(lead))</p>\n" }
        out += "</header>\n"
        out += "<main id=\"main\">\n\(body)</main>\n"
        out += "<footer>\n<p>发布单位：\(esc(bureau)) · \(esc(siteTitle))</p>\n"
        out += "<p>\(esc(Self.disclaimer))</p>\n</footer>\n"
        out += "</body>\n</html>\n"
        return out
    }

    /// A table inside a labelled wrapper that scrolls horizontally on narrow screens.
    static func scrollingTable(label: String, table: String) -> String {
        "<div class=\"table-wrap\" role=\"region\" aria-label=\"\(esc(label))\" tabindex=\"0\">\n\(table)</div>\n"
    }

    /// Inline CSS only: no external assets. Colours meet WCAG AA contrast on their backgrounds;
    /// exceedance is also marked in text, never by colour alone.
    static let styleSheet = """
        :root { color-scheme: light; }
        body { margin: 0; font-family: system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; font-size: 16px; line-height: 1.6; color: #1a1a1a; background: #ffffff; }
        header, main, footer { max-width: 80rem; margin: 0 auto; padding: 0 1rem; }
        header { border-bottom: 2px solid #1f4e79; }
        footer { border-top: 1px solid #767676; margin-top: 2rem; font-size: 0.875rem; color: #3d3d3d; }
        h1 { font-size: 1.5rem; line-height: 1.3; margin: 0.5rem 0; }
        h2 { font-size: 1.25rem; margin: 1.5rem 0 0.5rem; }
        h3 { font-size: 1.075rem; margin: 1.25rem 0 0.5rem; }
        a { color: #0b4f94; }
        a:focus, .table-wrap:focus { outline: 3px solid #1f4e79; outline-offset: 2px; }
        .skip { position: absolute; left: -999px; }
        .skip:focus { left: 1rem; top: 0.5rem; background: #ffffff; padding: 0.25rem 0.5rem; }
        .crumbs ol { list-style: none; margin: 0.5rem 0 0; padding: 0; font-size: 0.875rem; }
        .crumbs li { display: inline; }
        .crumbs li + li::before { content: " › "; color: #3d3d3d; }
        .lead { color: #3d3d3d; margin: 0 0 0.75rem; }
        .table-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 0 0 1rem; max-width: 100%; }
        table { border-collapse: collapse; font-size: 0.875rem; }
        table.data { min-width: 48rem; }
        caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
        th, td { border: 1px solid #8a8a8a; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
        thead th { background: #e8eef5; }
        td.num { text-align: right; white-space: nowrap; }
        table.data th, table.data td { white-space: nowrap; }
        table.data thead th, table.data td.wrap { white-space: normal; }
        table.data td.wrap { min-width: 8rem; }
        .code, .sub { display: block; font-size: 0.8rem; color: #3d3d3d; }
        tr.exceed { background: #fdecea; }
        tr.exceed th, tr.exceed td { border-color: #8c1d18; }
        .mark-exceed { color: #8c1d18; font-weight: 700; }
        .badge { display: inline-block; border: 1px solid currentColor; border-radius: 3px; padding: 0 0.3rem; margin-left: 0.3rem; font-size: 0.8rem; }
        .badge.warn { color: #8c1d18; }
        .badge.info { color: #1f4e79; }
        .notice { border: 3px solid #8c1d18; background: #fff4f2; padding: 0.5rem 1rem; margin: 1rem 0; }
        .notice h2, .notice h3, .notice h4 { margin: 0.25rem 0; color: #8c1d18; }
        .disclaimer { border-left: 4px solid #1f4e79; background: #eef3f8; padding: 0.5rem 0.75rem; }
        .meta { margin: 0.25rem 0; }
        figure { margin: 0.5rem 0 1.25rem; }
        figure svg { display: block; width: 100%; max-width: 40rem; height: auto; }
        figcaption { font-size: 0.875rem; color: #3d3d3d; }
        ul.days, ul.plain { padding-left: 1.25rem; }
        dl.notes dt { font-weight: 600; }
        dl.notes dd { margin: 0 0 0.5rem 1rem; }
        @media (max-width: 40rem) { body { font-size: 15px; } h1 { font-size: 1.3rem; } }

        """
}
