import Foundation
import Testing
@testable import Disclosure

@Suite struct RenderSiteRootTests {
    let files: [String: Data]

    init() throws {
        files = try SiteRenderer().rootFiles(RenderFixture.log)
    }

    @Test func rootHasIndexFeedAndEnterprisePages() {
        #expect(Set(files.keys) == [
            "index.html", "feed.xml", "enterprises/91140100MA0K1234X5.html", "enterprises/91140200~2FABC~2001.html",
        ])
        for (path, data) in files {
            let probe = RenderXMLProbe.parse(data)
            #expect(probe.error == nil, "\(path): \(probe.error ?? "")")
        }
    }

    @Test func indexListsDaysNewestFirstWithMarks() throws {
        let index = RenderFixture.text(files["index.html"])
        let probe = RenderXMLProbe.parse(try #require(files["index.html"]))
        let dayLinks = probe.named("a").compactMap { $0.attributes["href"] }.filter { $0.hasSuffix("/index.html") }
        #expect(dayLinks == ["2026-11-28/index.html", "2026-11-27/index.html", "2026-11-26/index.html"])
        let revised = try #require(index.range(of: "已修订（第 2 版）"))
        let incomplete = try #require(index.range(of: "不完整"))
        let day27 = try #require(index.range(of: ">2026-11-27<"))
        #expect(revised.lowerBound < day27.lowerBound, "the revised mark is on the 28th's row")
        #expect(incomplete.lowerBound > day27.lowerBound, "the incomplete mark is on the 27th's row")
        #expect(index.contains("href=\"feed.xml\""))
        #expect(index.contains("type=\"application/atom+xml\""))
        #expect(index.contains("<a href=\"enterprises/91140100MA0K1234X5.html\">晋阳&lt;热电&gt;&amp;&quot;能源&quot;有限公司</a>"))
        #expect(index.contains("<a href=\"enterprises/91140200~2FABC~2001.html\">太原市城南污水处理厂, 二期</a>"))
    }

    @Test func indexGroupsOlderDaysByMonth() throws {
        let days = (0..<40).map { offset in
            let date = offset < 10 ? "2026-12-\(String(format: "%02d", 10 - offset))" : "2026-11-\(String(format: "%02d", 40 - offset))"
            return PublishedDay(date: date, firstPublishedAt: "\(date)T01:00:00+08:00", updatedAt: "\(date)T01:00:00+08:00",
                                revision: 1, complete: true, enterprises: [])
        }
        let index = RenderFixture.text(try SiteRenderer().rootFiles(PublicationLog(days: days))["index.html"])
        #expect(index.contains("<h2>往期日报</h2>"))
        #expect(index.contains("<h3>2026-11</h3>"))
        #expect(index.components(separatedBy: "/index.html\"").count - 1 == 40)
    }

    @Test func enterpriseHistoryLinksToItsDays() throws {
        let data = try #require(files["enterprises/91140100MA0K1234X5.html"])
        let probe = RenderXMLProbe.parse(data)
        let links = probe.named("a").compactMap { $0.attributes["href"] }.filter { $0.contains("/enterprises/") }
        #expect(links == [
            "../2026-11-28/enterprises/91140100MA0K1234X5.html",
            "../2026-11-27/enterprises/91140100MA0K1234X5.html",
            "../2026-11-26/enterprises/91140100MA0K1234X5.html",
        ])
        let text = RenderFixture.text(data)
        #expect(text.contains("超标 1 项"))
        #expect(text.contains("共 3 天有数据，其中 1 天有超标。"))
        let works = RenderFixture.text(files["enterprises/91140200~2FABC~2001.html"])
        #expect(works.contains("../2026-11-28/enterprises/91140200~2FABC~2001.html"))
        #expect(!works.contains("2026-11-27"))
    }

    @Test func feedIsAtomWithRevisedDayMarked() throws {
        let data = try #require(files["feed.xml"])
        let probe = RenderXMLProbe.parse(data)
        #expect(probe.error == nil)
        #expect(probe.elements.first?.name == "feed")
        #expect(probe.elements.first?.attributes["xmlns"] == "http://www.w3.org/2005/Atom")
        let feed = RenderFixture.text(data)
        #expect(probe.named("entry").count == 3)
        let ids = ["urn:hj212-gateway:day:2026-11-28", "urn:hj212-gateway:day:2026-11-27", "urn:hj212-gateway:day:2026-11-26"]
        let positions = try ids.map { try #require(feed.range(of: "<id>\($0)</id>")).lowerBound }
        #expect(positions == positions.sorted(), "newest first")
        #expect(feed.contains("<title>2026-11-28 自动监测日报（修订第2版）</title>"))
        #expect(feed.components(separatedBy: "<category term=\"revised\"").count == 2, "only the revised day")
        #expect(feed.contains("<updated>2026-11-29T09:30:00+08:00</updated>\n  <author>"), "feed updated = newest updatedAt")
        #expect(feed.contains("<published>2026-11-29T01:00:03+08:00</published>"))
        #expect(feed.contains("<link rel=\"alternate\" type=\"text/html\" href=\"2026-11-28/index.html\"/>"))
        #expect(feed.contains("超标企业：晋阳&lt;热电&gt;&amp;&quot;能源&quot;有限公司（1 项）、太原市城南污水处理厂, 二期（1 项）。"))
        #expect(probe.text.contains("超标企业：\(RenderFixture.hazardousName)（1 项）"))
        #expect(feed.contains("<category term=\"incomplete\""))
    }

    @Test func feedUsesAbsoluteLinksWithABaseURL() throws {
        let files = try SiteRenderer(siteTitle: "公开", bureau: "太原市生态环境局", baseURL: "https://sthjj.example.gov.cn/zdpw/").rootFiles(RenderFixture.log)
        let feed = RenderFixture.text(files["feed.xml"])
        #expect(RenderXMLProbe.parse(try #require(files["feed.xml"])).error == nil)
        #expect(feed.contains("<id>https://sthjj.example.gov.cn/zdpw/2026-11-28/index.html</id>"))
        #expect(feed.contains("href=\"https://sthjj.example.gov.cn/zdpw/2026-11-28/index.html\""))
        #expect(feed.contains("href=\"https://sthjj.example.gov.cn/zdpw/feed.xml\""))
        #expect(feed.contains("<name>太原市生态环境局</name>"))
        #expect(!feed.contains("urn:hj212-gateway"))
    }

    @Test func emptyLogStillRendersValidFiles() throws {
        let files = try SiteRenderer().rootFiles(PublicationLog())
        #expect(Set(files.keys) == ["index.html", "feed.xml"])
        for (path, data) in files { #expect(RenderXMLProbe.parse(data).error == nil, "\(path)") }
        #expect(RenderFixture.text(files["index.html"]).contains("尚未发布日报"))
    }

    @Test func duplicateDatesKeepTheLatestRevision() throws {
        var log = RenderFixture.log
        log.days.append(PublishedDay(date: "2026-11-28", firstPublishedAt: "2026-11-29T01:00:03+08:00",
                                     updatedAt: "2026-11-29T01:00:03+08:00", revision: 1, complete: true, enterprises: []))
        let feed = RenderFixture.text(try SiteRenderer().rootFiles(log)["feed.xml"])
        #expect(feed.components(separatedBy: "<entry>").count - 1 == 3)
        #expect(feed.contains("（修订第2版）"))
    }
}
