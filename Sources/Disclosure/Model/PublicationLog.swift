import Foundation

/// What has been published so far: one entry per day, kept by the publisher in
/// `<site>/_meta/publications.json`, so the index page, the enterprise pages and the Atom feed
/// can be rendered without re-reading old days, and a re-published day is marked as revised.
public struct PublicationLog: Sendable, Hashable, Codable {
    public var days: [PublishedDay]

    public init(days: [PublishedDay] = []) {
        self.days = days
    }
}

/// One published day in the log.
public struct PublishedDay: Sendable, Hashable, Codable {
    /// `YYYY-MM-DD`.
    public var date: String
    /// ISO 8601 with offset: when the day was first published.
    public var firstPublishedAt: String
    /// ISO 8601 with offset: when its current version was published.
    public var updatedAt: String
    /// 1 for the first publication, +1 for each re-publication (revised when > 1).
    public var revision: Int
    public var complete: Bool
    public var enterprises: [PublishedEnterprise]

    public init(date: String, firstPublishedAt: String, updatedAt: String, revision: Int, complete: Bool, enterprises: [PublishedEnterprise]) {
        self.date = date
        self.firstPublishedAt = firstPublishedAt
        self.updatedAt = updatedAt
        self.revision = revision
        self.complete = complete
        self.enterprises = enterprises
    }

    public var revised: Bool { revision > 1 }
}

/// One enterprise's line in a published day: enough for the index and enterprise pages.
public struct PublishedEnterprise: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    /// Pollutant-outlet pairs that exceeded their limit that day.
    public var exceedances: Int
    /// Outlets reported that day.
    public var outlets: Int

    public init(id: String, name: String, exceedances: Int, outlets: Int) {
        self.id = id
        self.name = name
        self.exceedances = exceedances
        self.outlets = outlets
    }
}

/// Turns summaries and the publication log into the site's files. `SiteRenderer` is the real one;
/// the publisher only depends on this, so publishing can be tested on its own.
public protocol SiteRendering: Sendable {
    /// The files of one day's folder, by path relative to that folder (`index.html`,
    /// `waste-gas.json`, `enterprises/<id>.html`, …). Gzip copies are added by the publisher.
    func dayFiles(_ summary: DailySummary) throws -> [String: Data]

    /// The files outside the day folders, by path relative to the site root (`index.html`,
    /// `feed.xml`, `enterprises/<id>.html`, …), rendered from the log after the day was added.
    func rootFiles(_ log: PublicationLog) throws -> [String: Data]
}
