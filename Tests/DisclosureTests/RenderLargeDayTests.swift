@testable import Disclosure
import Foundation
import Testing

/// A province-sized day keeps its day page small: every enterprise in the overview, full tables
/// only for the exceeding ones, every enterprise's tables on its own page, reasons capped.
@Suite struct RenderLargeDayTests {
    static func largeDay() -> DailySummary {
        var summary = RenderFixture.summary
        let quiet = summary.enterprises[1]
        for index in 0..<40 {
            var copy = quiet
            copy.id = "QUIET\(index)"
            copy.name = "安静企业\(index)"
            copy.outlets = copy.outlets.map { outlet in
                var outlet = outlet
                outlet.pollutants = outlet.pollutants.map { var p = $0; p.exceedPeriods = 0; p.exceedHours = 0; return p }
                return outlet
            }
            summary.enterprises.append(copy)
        }
        summary.incompleteReasons = (0..<100).map { "企业\($0) 总排口：部分小时数据缺失" }
        return summary
    }

    @Test func overviewListsAllTablesOnlyExceeding() throws {
        let files = try SiteRenderer().dayFiles(Self.largeDay())
        let page = String(decoding: try #require(files["index.html"]), as: UTF8.self)
        // The overview names every enterprise …
        #expect(page.contains("安静企业39"))
        // … but only the exceeding enterprise has a section with tables.
        #expect(page.contains("id=\"e-\(SitePaths.safeName(RenderFixture.plantID))\""))
        #expect(!page.contains("id=\"e-QUIET0\""))
        #expect(page.contains("本日共 42 家企业"))
        // Every enterprise still has its own day page with its tables.
        let quietPage = String(decoding: try #require(files[SitePaths.enterprisePage("QUIET0")]), as: UTF8.self)
        #expect(quietPage.contains("<table"))
        // 100 reasons: 30 listed and a line for the rest.
        #expect(page.contains("另有 70 项"))
        #expect(!page.contains("企业99 总排口"))
    }
}
