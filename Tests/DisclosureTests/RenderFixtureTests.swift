import Foundation
import Testing
@testable import Disclosure

#if canImport(FoundationXML)
import FoundationXML
#endif

/// A realistic day for the renderer tests: two enterprises, a gas outlet whose SO2 exceeded for
/// three hours, an incomplete water outlet with pH (one hour out of range), COD and flow, and an
/// enterprise name with `<&"` in it.
enum RenderFixture {
    static let hazardousName = "晋阳<热电>&\"能源\"有限公司"
    static let plantID = "91140100MA0K1234X5"
    static let worksName = "太原市城南污水处理厂, 二期"
    static let worksID = "91140200/ABC 01"

    static func hours(_ values: [Double?], flags: [Int: String] = [:], exceeds: (Int, Double) -> Bool) -> [HourPoint] {
        values.enumerated().map { hour, value in
            HourPoint(hour: hour, value: value, exceeds: value.map { exceeds(hour, $0) } ?? false,
                      status: value == nil ? "缺失" : (flags[hour] ?? "N"))
        }
    }

    static var so2: PollutantDay {
        var values: [Double?] = Array(repeating: 20.0, count: 24)
        values[3] = 12.3
        values[10] = 52.1
        values[11] = 48.0
        values[12] = 36.05
        return PollutantDay(
            code: "a21026", name: "二氧化硫", unit: "mg/m³", validHours: 24, expectedHours: 24, receivedHours: 24,
            mean: 24.5671, converted: true, min: 12.3, max: 52.1,
            limit: LimitInfo(value: 35, basis: .hour, source: "GB 13271-2014 表1"),
            exceedPeriods: 3, exceedHours: 3, maxMultiple: (52.1 - 35) / 35, emissionKg: 12.3456,
            flagCounts: ["N": 22, "M": 2], transmissionRate: 1, validTransmissionRate: 22.0 / 24,
            hours: hours(values) { _, value in value > 35 }
        )
    }

    static var nox: PollutantDay {
        PollutantDay(
            code: "a21002", name: "氮氧化物", unit: "mg/m³", validHours: 24, expectedHours: 24, receivedHours: 24,
            mean: 70.123, converted: true, min: 55, max: 88.4,
            limit: LimitInfo(value: 200, basis: .hour, source: "GB 13271-2014 表1"),
            exceedPeriods: 0, exceedHours: 0, maxMultiple: nil, emissionKg: 0.1 + 0.2,
            flagCounts: ["N": 24], transmissionRate: 1, validTransmissionRate: 1,
            hours: hours(Array(repeating: 70.0, count: 24)) { _, _ in false }
        )
    }

    static var dust: PollutantDay {
        PollutantDay(
            code: "a34013", name: "颗粒物", unit: "mg/m³", validHours: 23, expectedHours: 24, receivedHours: 24,
            mean: 8.456, converted: true, min: 3.2, max: 25, lowerBound: true,
            limit: LimitInfo(value: 30, basis: .hour, source: "GB 13271-2014 表1"),
            exceedPeriods: 0, exceedHours: 0, maxMultiple: nil, emissionKg: 1.5,
            flagCounts: ["N": 22, "T": 1, "D": 1], transmissionRate: 1, validTransmissionRate: 23.0 / 24,
            hours: hours(Array(repeating: 8.0, count: 24), flags: [7: "T"]) { _, _ in false }
        )
    }

    static var pH: PollutantDay {
        var values: [Double?] = Array(repeating: 7.2, count: 24)
        values[5] = 9.4
        for hour in 20...23 { values[hour] = nil }
        return PollutantDay(
            code: "w01001", name: "pH值", unit: "无量纲", validHours: 20, expectedHours: 24, receivedHours: 20,
            mean: 7.2, converted: false, min: 6.8, max: 9.4,
            limit: LimitInfo(value: nil, lower: 6, upper: 9, basis: .range, source: "GB 18918-2002 表1"),
            exceedPeriods: 1, exceedHours: 1, maxMultiple: nil, emissionKg: nil,
            flagCounts: ["N": 20, "缺失": 4], transmissionRate: 20.0 / 24, validTransmissionRate: 20.0 / 24,
            hours: hours(values) { _, value in value > 9 || value < 6 }
        )
    }

    static var cod: PollutantDay {
        PollutantDay(
            code: "w01018", name: "化学需氧量", unit: "mg/L", validHours: 20, expectedHours: 24, receivedHours: 20,
            mean: 42.5, converted: false, min: 30.25, max: 49.9,
            limit: LimitInfo(value: 50, basis: .day, source: "GB 18918-2002 表1 一级A"),
            exceedPeriods: 0, exceedHours: 0, maxMultiple: nil, emissionKg: 81.75,
            flagCounts: ["N": 20, "缺失": 4], transmissionRate: 20.0 / 24, validTransmissionRate: 20.0 / 24,
            hours: hours(Array(repeating: 42.0, count: 24)) { _, _ in false }
        )
    }

    static var flow: PollutantDay {
        PollutantDay(
            code: "w00000", name: "废水流量", unit: "m³/h", validHours: 20, expectedHours: 24, receivedHours: 20,
            mean: 80.2, converted: false, min: 60, max: 101.5, limit: nil,
            exceedPeriods: 0, exceedHours: 0, maxMultiple: nil, emissionKg: nil, volumeM3: 1604.5,
            flagCounts: ["N": 20, "缺失": 4], transmissionRate: 20.0 / 24, validTransmissionRate: 20.0 / 24,
            hours: hours(Array(repeating: 80.0, count: 24)) { _, _ in false }
        )
    }

    static var summary: DailySummary {
        DailySummary(
            date: "2026-11-28", generatedAt: "2026-11-29T01:00:03+08:00", complete: false,
            incompleteReasons: ["太原市城南污水处理厂 总排口 20–23 时数据未收到"],
            enterprises: [
                EnterpriseDay(id: plantID, name: hazardousName, outlets: [
                    OutletDay(id: "DA001", name: "1号锅炉烟囱", medium: .gas, standard: "GB 13271-2014 表1 在用燃煤锅炉",
                              referenceO2: 9, onlineHours: 24, complete: true, pollutants: [so2, nox, dust]),
                ]),
                EnterpriseDay(id: worksID, name: worksName, outlets: [
                    OutletDay(id: "DW001", name: "总排口", medium: .water, standard: "GB 18918-2002 一级A",
                              referenceO2: nil, onlineHours: 20, complete: false, pollutants: [pH, cod, flow]),
                ]),
            ]
        )
    }

    /// Three days, logged out of order: the 27th incomplete, the 28th revised (version 2).
    static var log: PublicationLog {
        let plant = PublishedEnterprise(id: plantID, name: hazardousName, exceedances: 1, outlets: 1)
        let quietPlant = PublishedEnterprise(id: plantID, name: hazardousName, exceedances: 0, outlets: 1)
        let works = PublishedEnterprise(id: worksID, name: worksName, exceedances: 1, outlets: 1)
        return PublicationLog(days: [
            PublishedDay(date: "2026-11-27", firstPublishedAt: "2026-11-28T01:00:00+08:00", updatedAt: "2026-11-28T01:00:00+08:00",
                         revision: 1, complete: false, enterprises: [quietPlant]),
            PublishedDay(date: "2026-11-28", firstPublishedAt: "2026-11-29T01:00:03+08:00", updatedAt: "2026-11-29T09:30:00+08:00",
                         revision: 2, complete: true, enterprises: [plant, works]),
            PublishedDay(date: "2026-11-26", firstPublishedAt: "2026-11-27T01:00:00+08:00", updatedAt: "2026-11-27T01:00:00+08:00",
                         revision: 1, complete: true, enterprises: [quietPlant]),
        ])
    }

    static func text(_ data: Data?) -> String {
        guard let data else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Parses a document with Foundation's XMLParser and keeps what the tests look at.
final class RenderXMLProbe: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
    }

    var elements: [Element] = []
    var text = ""
    var error: String?

    /// `error` is set when the data is not well-formed XML.
    static func parse(_ data: Data) -> RenderXMLProbe {
        let probe = RenderXMLProbe()
        let parser = XMLParser(data: data)
        parser.delegate = probe
        // On Linux `parse()` can return true after a recoverable error (e.g. a mismatched end tag),
        // so the error is also taken from `parserError` and the delegate callback.
        let finished = parser.parse()
        if let error = parser.parserError ?? probe.firstError {
            probe.error = "\(error) line \(parser.lineNumber) column \(parser.columnNumber)"
        } else if !finished {
            probe.error = "parse failed"
        }
        return probe
    }

    private var firstError: (any Error)?

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        if firstError == nil { firstError = parseError }
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        elements.append(Element(name: elementName, attributes: attributeDict))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    func named(_ name: String) -> [Element] { elements.filter { $0.name == name } }
}

@Suite struct RenderFixtureTests {
    @Test func fixtureHasWhatTheOtherTestsAssume() {
        let summary = RenderFixture.summary
        #expect(summary.enterprises.count == 2)
        #expect(summary.enterprises[0].hasExceedance)
        #expect(summary.enterprises[0].outlets[0].pollutants[0].hours.filter(\.exceeds).count == 3)
        #expect(summary.enterprises[1].outlets.allSatisfy { $0.medium == .water && !$0.complete })
    }

    @Test func probeRejectsMalformedMarkup() {
        #expect(RenderXMLProbe.parse(Data("<p>a &nbsp; b</p>".utf8)).error != nil)
        #expect(RenderXMLProbe.parse(Data("<p><br></p>".utf8)).error != nil)
        #expect(RenderXMLProbe.parse(Data("<p a=1/>".utf8)).error != nil)
        #expect(RenderXMLProbe.parse(Data("<p></p><p></p>".utf8)).error != nil)
        #expect(RenderXMLProbe.parse(Data("<!DOCTYPE html>\n<p>a &amp; b<br/></p>".utf8)).error == nil)
    }
}
