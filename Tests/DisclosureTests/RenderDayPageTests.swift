import Foundation
import Testing
@testable import Disclosure

@Suite struct RenderDayPageTests {
    let files: [String: Data]
    let page: String

    init() throws {
        files = try SiteRenderer().dayFiles(RenderFixture.summary)
        page = RenderFixture.text(files["index.html"])
    }

    @Test func dayFolderHasTheExpectedFiles() {
        #expect(Set(files.keys) == [
            "index.html", "waste-gas.json", "waste-water.json", "waste-gas.csv", "waste-water.csv",
            "enterprises/91140100MA0K1234X5.html", "enterprises/91140200~2FABC~2001.html",
        ])
    }

    @Test func everyPageIsWellFormedXML() {
        for (path, data) in files where path.hasSuffix(".html") {
            let probe = RenderXMLProbe.parse(data)
            #expect(probe.error == nil, "\(path): \(probe.error ?? "")")
            #expect(probe.elements.first?.name == "html")
            #expect(probe.elements.first?.attributes["lang"] == "zh-CN")
        }
    }

    @Test func pageHasTheHTML5Frame() {
        #expect(page.hasPrefix("<!DOCTYPE html>\n<html lang=\"zh-CN\">"))
        #expect(page.contains("<meta charset=\"utf-8\"/>"))
        #expect(page.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"))
        #expect(!page.contains("<script"))
        #expect(!page.contains("<link rel=\"stylesheet\""))
        #expect(!page.contains(" src=\""), "no external assets")
        #expect(page.contains("overflow-x: auto"))
        #expect(page.contains("数据为企业自动监测数据，未经生态环境部门审核"))
    }

    @Test func enterpriseNameIsEscaped() {
        #expect(page.contains("晋阳&lt;热电&gt;&amp;&quot;能源&quot;有限公司"))
        #expect(!page.contains(RenderFixture.hazardousName))
        let probe = RenderXMLProbe.parse(Data(page.utf8))
        #expect(probe.text.contains(RenderFixture.hazardousName), "the parsed text reads the original name")
    }

    @Test func exceedingRowIsMarkedInTextAndClass() throws {
        let rowStart = try #require(page.range(of: "<tr class=\"exceed\"><th scope=\"row\">二氧化硫"))
        let row = page[rowStart.lowerBound...].prefix { $0 != "\n" }
        #expect(row.contains("超标"))
        #expect(row.contains("3 小时"))
        #expect(row.contains("≤ 35 mg/m³"))
        #expect(row.contains("小时均值 · GB 13271-2014 表1"))
        #expect(row.contains("24.6 mg/m³"))
        #expect(row.contains("折算"))
        #expect(row.contains("0.489 倍"))
        #expect(row.contains("×1.49"))
        #expect(row.contains("N 22 · M 2"))
        #expect(row.contains("100%"))
        #expect(row.contains("91.7%"))
        #expect(row.contains("12.3 kg") || row.contains(">12.3<"))
        let noxRow = try #require(page.range(of: "<tr><th scope=\"row\">氮氧化物"))
        #expect(page[noxRow.lowerBound...].prefix { $0 != "\n" }.contains("未超标"))
    }

    @Test func tablesAreAccessible() {
        let probe = RenderXMLProbe.parse(Data(page.utf8))
        let tables = probe.named("table")
        let captions = probe.named("caption")
        #expect(tables.count == 3, "overview, gas outlet, water outlet")
        #expect(captions.count == tables.count)
        #expect(probe.named("th").filter { $0.attributes["scope"] == "col" }.count >= 26)
        #expect(probe.named("th").allSatisfy { $0.attributes["scope"] != nil })
        #expect(probe.named("div").filter { $0.attributes["class"] == "table-wrap" }.count == 3)
    }

    @Test func lowerBoundsAndRangesAreShown() {
        #expect(page.contains("≥ 25 mg/m³"), "颗粒物 max is a lower bound")
        #expect(page.contains("≥ 8.46 mg/m³"))
        #expect(page.contains("6–9<span class=\"sub\">范围 · GB 18918-2002 表1</span>"))
        #expect(page.contains("≤ 50 mg/L<span class=\"sub\">日均值 · GB 18918-2002 表1 一级A</span>"))
        #expect(page.contains("流量 1604 m³") || page.contains("流量 1605 m³"))
    }

    @Test func chartsForExceedingPollutantsOnly() {
        let probe = RenderXMLProbe.parse(Data(page.utf8))
        let charts = probe.named("svg")
        #expect(charts.count == 2, "SO2 and pH exceeded")
        for chart in charts {
            #expect(chart.attributes["role"] == "img")
            #expect(chart.attributes["aria-label"]?.contains("小时均值与限值对比图") == true)
        }
        #expect(charts[0].attributes["aria-label"]?.contains("二氧化硫") == true)
        #expect(page.contains("<desc>限值 ≤ 35 mg/m³（小时均值，GB 13271-2014 表1）。超标 3 小时：10 时 52.1 mg/m³、11 时 48 mg/m³、12 时 36 mg/m³"))
        #expect(probe.named("line").contains { $0.attributes["stroke-dasharray"] != nil }, "dashed limit line")
        #expect(probe.named("rect").filter { $0.attributes["fill"] == "#b3261e" }.count == 4, "3 SO2 hours + 1 pH hour")
        #expect(page.contains("下限 6") && page.contains("上限 9"))
    }

    @Test func incompleteDayAndOutletAreNoticed() throws {
        let notice = try #require(page.range(of: "<section class=\"notice\" role=\"note\">\n<h2>数据不完整</h2>"))
        let reason = try #require(page.range(of: "<li>太原市城南污水处理厂 总排口 20–23 时数据未收到</li>"))
        #expect(notice.lowerBound < reason.lowerBound)
        #expect(page.contains("<h4>数据不完整</h4>"), "the water outlet's own notice")
        #expect(page.components(separatedBy: "<h4>数据不完整</h4>").count == 2, "only the incomplete outlet")
        var complete = RenderFixture.summary
        complete.complete = true
        complete.incompleteReasons = []
        complete.enterprises[1].outlets[0].complete = true
        let clean = RenderFixture.text(try SiteRenderer().dayFiles(complete)["index.html"])
        #expect(!clean.contains("数据不完整"))
    }

    @Test func linksLeadToFilesThatExist() {
        let probe = RenderXMLProbe.parse(Data(page.utf8))
        let hrefs = probe.named("a").compactMap { $0.attributes["href"] }
        #expect(hrefs.contains("../index.html"))
        for name in ["waste-gas.json", "waste-gas.csv", "waste-water.json", "waste-water.csv", "enterprises/91140200~2FABC~2001.html"] {
            #expect(hrefs.contains(name), "\(name)")
        }
        for href in hrefs where !href.hasPrefix("../") && !href.hasPrefix("#") {
            #expect(files[href] != nil, "dangling link \(href)")
        }
        #expect(hrefs.contains("../enterprises/91140100MA0K1234X5.html"))
    }

    @Test func enterprisePageShowsThatEnterpriseOnly() throws {
        let data = try #require(files["enterprises/91140200~2FABC~2001.html"])
        let text = RenderFixture.text(data)
        let probe = RenderXMLProbe.parse(data)
        #expect(probe.error == nil)
        #expect(text.contains("太原市城南污水处理厂, 二期 2026-11-28 自动监测数据"))
        #expect(!text.contains("二氧化硫"))
        #expect(text.contains("化学需氧量"))
        #expect(text.contains("<h2>数据不完整</h2>"))
        let hrefs = probe.named("a").compactMap { $0.attributes["href"] }
        #expect(hrefs.contains("../index.html"))
        #expect(hrefs.contains("../../index.html"))
        #expect(hrefs.contains("../../enterprises/91140200~2FABC~2001.html"))
        #expect(hrefs.contains("../waste-water.csv"))
        #expect(probe.named("svg").count == 1, "the pH chart")
        #expect(probe.named("table").count == 1)
    }

    @Test func hostileStringsStayEscapedEverywhere() throws {
        var summary = RenderFixture.summary
        summary.enterprises[1].outlets[0].name = "</table><script>alert('x')</script>"
        summary.enterprises[1].outlets[0].pollutants[0].name = "pH\u{0}<b>"
        summary.incompleteReasons = ["a & b < c"]
        let files = try SiteRenderer().dayFiles(summary)
        for (path, data) in files where path.hasSuffix(".html") {
            #expect(RenderXMLProbe.parse(data).error == nil, "\(path)")
            #expect(!RenderFixture.text(data).contains("<script"))
        }
    }
}
