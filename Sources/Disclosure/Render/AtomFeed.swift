/// The Atom 1.0 feed `feed.xml`: one entry per published day, newest first, so subscribers learn
/// of new and revised days. Entry ids are stable per day (the day page's URL with a base URL,
/// else `urn:hj212-gateway:day:<date>`); revised days say so in the title and a category.
struct AtomFeed {
    var siteTitle: String
    var bureau: String
    var baseURL: String?
    var history: SiteHistory
    /// The feed keeps the newest days only; the index page links to every day.
    static let maxEntries = 100
    /// `<updated>` of a feed without entries (Atom requires one; the renderer reads no clock).
    static let emptyFeedUpdated = "1970-01-01T00:00:00Z"

    func render() -> String {
        let days = history.days.prefix(Self.maxEntries)
        let updated = SiteHistory.latest(history.days.map(\.updatedAt)) ?? Self.emptyFeedUpdated
        var out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        out += "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n"
        out += "  <title>\(esc(siteTitle))</title>\n"
        out += "  <subtitle>\(esc("\(bureau)公开的重点排污单位自动监测日报"))</subtitle>\n"
        out += "  <id>\(esc(baseURL.map { absolute($0, "") } ?? "urn:hj212-gateway:feed"))</id>\n"
        out += "  <updated>\(esc(updated))</updated>\n"
        out += "  <author><name>\(esc(bureau))</name></author>\n"
        out += "  <link rel=\"self\" type=\"application/atom+xml\" href=\"\(esc(link(SitePaths.feed)))\"/>\n"
        out += "  <link rel=\"alternate\" type=\"text/html\" href=\"\(esc(link("index.html")))\"/>\n"
        out += "  <generator>hj212-gateway</generator>\n"
        for day in days { out += entry(day) }
        out += "</feed>\n"
        return out
    }

    private func entry(_ day: PublishedDay) -> String {
        let page = SitePaths.dayIndex(day.date)
        let id = baseURL.map { absolute($0, page) } ?? "urn:hj212-gateway:day:\(day.date)"
        var title = "\(day.date) 自动监测日报"
        if day.revised { title += "（修订第\(day.revision)版）" }
        if !day.complete { title += "（数据不完整）" }
        var out = "  <entry>\n"
        out += "    <title>\(esc(title))</title>\n"
        out += "    <id>\(esc(id))</id>\n"
        out += "    <updated>\(esc(day.updatedAt))</updated>\n"
        out += "    <published>\(esc(day.firstPublishedAt))</published>\n"
        out += "    <link rel=\"alternate\" type=\"text/html\" href=\"\(esc(link(page)))\"/>\n"
        if day.revised { out += "    <category term=\"revised\" label=\"已修订\"/>\n" }
        if !day.complete { out += "    <category term=\"incomplete\" label=\"数据不完整\"/>\n" }
        out += "    <summary type=\"text\">\(esc(Self.summary(day)))</summary>\n"
        out += "  </entry>\n"
        return out
    }

    /// `2026-11-28 共 2 家企业。超标企业：甲（1 项）、乙（2 项）。` plus incomplete/revised notes.
    static func summary(_ day: PublishedDay) -> String {
        var text = "\(day.date) 共 \(day.enterprises.count) 家企业。"
        let exceeding = SiteHistory.exceeding(day)
        text += exceeding.isEmpty
            ? "未发现超标。"
            : "超标企业：" + exceeding.map { "\($0.name)（\($0.exceedances) 项）" }.joined(separator: "、") + "。"
        if !day.complete { text += "数据不完整，可能在补传后修订。" }
        if day.revised { text += "本日数据已修订（第 \(day.revision) 版）。" }
        text += PageLayout.disclaimer
        return text
    }

    /// A link to a site path: absolute with a base URL, else relative to the feed at the root.
    private func link(_ path: String) -> String {
        baseURL.map { absolute($0, path) } ?? path
    }

    private func absolute(_ base: String, _ path: String) -> String {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/" + path
    }
}
