import Foundation

/// The real `SiteRendering`: turns a day's summary into its folder's files (day page, enterprise
/// pages, open-data JSON and CSV per medium) and the publication log into the root files (home
/// page, enterprise history pages, Atom feed). Pure: no file I/O and no clock, so the same input
/// always gives the same bytes.
public struct SiteRenderer: SiteRendering {
    public var siteTitle: String
    public var bureau: String
    /// The site's public URL (e.g. `https://example.gov.cn/disclosure`), for the feed's absolute
    /// links and ids; nil for relative links and `urn:hj212-gateway:…` ids.
    public var baseURL: String?

    public init(siteTitle: String = "重点排污单位自动监测数据公开", bureau: String = "生态环境局", baseURL: String? = nil) {
        self.siteTitle = siteTitle
        self.bureau = bureau
        self.baseURL = baseURL
    }

    private var layout: PageLayout { PageLayout(siteTitle: siteTitle, bureau: bureau) }

    /// `index.html`, `enterprises/<safe id>.html` per enterprise, and `waste-gas|waste-water`
    /// `.json|.csv` (always all four, possibly without rows), relative to the day folder.
    public func dayFiles(_ summary: DailySummary) throws -> [String: Data] {
        var files: [String: Data] = [:]
        files["index.html"] = Data(DayPage(layout: layout, summary: summary).render().utf8)
        var groups: [String: [EnterpriseDay]] = [:]
        for enterprise in summary.enterprises {
            groups[SitePaths.enterprisePage(enterprise.id), default: []].append(enterprise)
        }
        let layout = layout
        for (path, data) in Self.renderConcurrently(Array(groups), { path, enterprises in
            Data(EnterpriseDayPage(layout: layout, summary: summary, enterprises: enterprises).render().utf8)
        }) {
            files[path] = data
        }
        for medium in DisclosureMedium.allCases {
            files[SitePaths.openDataFile(medium, fileExtension: "json")] = OpenDataJSON.render(summary, medium: medium)
            files[SitePaths.openDataFile(medium, fileExtension: "csv")] = OpenDataCSV.render(summary, medium: medium)
        }
        return files
    }

    /// `index.html`, `feed.xml` and `enterprises/<safe id>.html` per enterprise in the log,
    /// relative to the site root.
    public func rootFiles(_ log: PublicationLog) throws -> [String: Data] {
        let history = SiteHistory(log)
        var files: [String: Data] = [:]
        files["index.html"] = Data(IndexPage(layout: layout, history: history).render().utf8)
        files[SitePaths.feed] = Data(AtomFeed(siteTitle: siteTitle, bureau: bureau, baseURL: baseURL, history: history).render().utf8)
        let layout = layout
        let pages = history.enterprises.map { (SitePaths.enterprisePage($0.id), $0) }
        for (path, data) in Self.renderConcurrently(pages, { _, enterprise in
            Data(EnterpriseHistoryPage(layout: layout, enterprise: enterprise).render().utf8)
        }) {
            files[path] = data
        }
        return files
    }

    /// Renders many pages on every core (a province has thousands of enterprise pages); the
    /// result does not depend on the order the work runs in.
    static func renderConcurrently<Item: Sendable>(_ items: [(String, Item)], _ render: @escaping @Sendable (String, Item) -> Data) -> [(String, Data)] {
        let slots = ConcurrentSlots(count: items.count)
        DispatchQueue.concurrentPerform(iterations: items.count) { index in
            slots.set(index, render(items[index].0, items[index].1))
        }
        return zip(items.map(\.0), slots.collect()).map { ($0, $1) }
    }
}
