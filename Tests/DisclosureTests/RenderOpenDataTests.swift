import Foundation
import Testing
@testable import Disclosure
import Simulation

@Suite struct RenderOpenDataTests {
    let files: [String: Data]

    init() throws {
        files = try SiteRenderer().dayFiles(RenderFixture.summary)
    }

    private func json(_ name: String) throws -> [String: Any] {
        let data = try #require(files[name])
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func gasJSONHasTheContractKeysAndNumbers() throws {
        let root = try json("waste-gas.json")
        #expect(root["date"] as? String == "2026-11-28")
        #expect(root["generated_at"] as? String == "2026-11-29T01:00:03+08:00")
        #expect(root["complete"] as? Bool == false)
        let enterprises = try #require(root["enterprises"] as? [[String: Any]])
        #expect(enterprises.count == 1, "the water-only enterprise is left out")
        let plant = enterprises[0]
        #expect(plant["id"] as? String == RenderFixture.plantID)
        #expect(plant["name"] as? String == RenderFixture.hazardousName)
        let outlets = try #require(plant["outlets"] as? [[String: Any]])
        #expect(outlets.map { $0["id"] as? String } == ["DA001"])
        #expect(outlets[0]["name"] as? String == "1号锅炉烟囱")
        #expect(outlets[0]["reference_o2"] as? Double == 9)
        let pollutants = try #require(outlets[0]["pollutants"] as? [[String: Any]])
        #expect(pollutants.map { $0["code"] as? String } == ["a21026", "a21002", "a34013"])
        let so2 = pollutants[0]
        let contract = ["code", "name", "unit", "valid_hours", "mean", "min", "max", "limit", "exceed_hours", "max_multiple", "emission_kg"]
        for key in contract { #expect(so2.keys.contains(key), "missing \(key)") }
        #expect(so2["name"] as? String == "二氧化硫")
        #expect(so2["unit"] as? String == "mg/m³")
        #expect(so2["valid_hours"] as? Int == 24)
        #expect(so2["mean"] as? Double == 24.567)
        #expect(so2["min"] as? Double == 12.3)
        #expect(so2["max"] as? Double == 52.1)
        #expect(so2["limit"] as? Double == 35)
        #expect(so2["exceed_hours"] as? Int == 3)
        #expect(so2["max_multiple"] as? Double == 0.489)
        #expect(so2["emission_kg"] as? Double == 12.346)
        #expect(so2["basis"] as? String == "hour")
        #expect(so2["limit_source"] as? String == "GB 13271-2014 表1")
        #expect(so2["valid_transmission_rate"] as? Double == 0.917)
        #expect((so2["flags"] as? [String: Int]) == ["N": 22, "M": 2])
        #expect(pollutants[1]["emission_kg"] as? Double == 0.3)
        #expect(pollutants[1]["max_multiple"] is NSNull)
        #expect(pollutants[2]["lower_bound"] as? Bool == true)
    }

    @Test func waterJSONPutsRangesInLowerAndUpper() throws {
        let root = try json("waste-water.json")
        let enterprises = try #require(root["enterprises"] as? [[String: Any]])
        #expect(enterprises.map { $0["id"] as? String } == [RenderFixture.worksID])
        let outlet = try #require((enterprises[0]["outlets"] as? [[String: Any]])?.first)
        #expect(outlet["complete"] as? Bool == false)
        #expect(outlet["reference_o2"] is NSNull)
        let pollutants = try #require(outlet["pollutants"] as? [[String: Any]])
        let pH = pollutants[0]
        #expect(pH["code"] as? String == "w01001")
        #expect(pH["limit"] is NSNull)
        #expect(pH["lower"] as? Double == 6)
        #expect(pH["upper"] as? Double == 9)
        #expect(pH["basis"] as? String == "range")
        #expect(pH["transmission_rate"] as? Double == 0.833)
        #expect(pollutants[1]["limit"] as? Double == 50)
        #expect(pollutants[1]["basis"] as? String == "day")
        #expect(pollutants[2]["volume_m3"] as? Double == 1604.5)
        #expect(pollutants[2]["limit"] is NSNull)
    }

    @Test func jsonKeysAreInContractOrderWithExtrasAfter() throws {
        let text = RenderFixture.text(files["waste-gas.json"])
        func position(_ key: String) -> String.Index? { text.range(of: "\"\(key)\":")?.lowerBound }
        let order = ["date", "generated_at", "complete", "enterprises", "id", "name", "outlets", "pollutants", "code",
                     "unit", "valid_hours", "mean", "min", "max", "limit", "exceed_hours", "max_multiple", "emission_kg", "lower", "basis"]
        let positions = order.compactMap(position)
        #expect(positions.count == order.count)
        #expect(positions == positions.sorted())
        #expect(!text.contains("0.30000000000000004"))
        #expect(text.contains("\n  \"date\": \"2026-11-28\",\n"), "indented, one key per line")
        #expect(text.contains("晋阳<热电>&\\\"能源\\\"有限公司"), "UTF-8, only JSON escapes")
    }

    @Test func outputIsDeterministic() throws {
        let again = try SiteRenderer().dayFiles(RenderFixture.summary)
        #expect(again == files)
    }

    @Test func csvHasBOMHeaderRowsAndQuoting() throws {
        let data = try #require(files["waste-water.csv"])
        #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: data.dropFirst(3), as: UTF8.self)
        #expect(text.hasSuffix("\r\n"))
        let lines = text.components(separatedBy: "\r\n").dropLast()
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "CRLF only")
        #expect(lines.count == 4, "header and three pollutants")
        #expect(lines[0] == "日期,企业统一社会信用代码,企业名称,排放口编号,排放口名称,污染物代码,污染物名称,单位,有效小时数,均值,最小值,最大值,限值,限值下限,限值上限,执行标准,超标时数,最大超标倍数,排放量kg,传输率,有效传输率,数据完整")
        #expect(lines[1] == "2026-11-28,91140200/ABC 01,\"太原市城南污水处理厂, 二期\",DW001,总排口,w01001,pH值,无量纲,20,7.2,6.8,9.4,,6,9,GB 18918-2002 表1,1,,,83.3%,83.3%,否")
        #expect(lines[2].hasPrefix("2026-11-28,91140200/ABC 01,\"太原市城南污水处理厂, 二期\",DW001,总排口,w01018,化学需氧量,mg/L,20,42.5,30.25,49.9,50,,,"))
    }

    @Test func gasCSVQuotesQuotesAndHasOneRowPerPollutant() throws {
        let text = String(decoding: try #require(files["waste-gas.csv"]).dropFirst(3), as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n").dropLast()
        #expect(lines.count == 4)
        #expect(lines[1] == "2026-11-28,91140100MA0K1234X5,\"晋阳<热电>&\"\"能源\"\"有限公司\",DA001,1号锅炉烟囱,a21026,二氧化硫,mg/m³,24,24.567,12.3,52.1,35,,,GB 13271-2014 表1,3,0.489,12.346,100%,91.7%,是")
    }

    @Test func csvFieldsAreQuotedPerRFC4180AndDefusedAgainstFormulas() {
        #expect(OpenDataCSV.field("plain") == "plain")
        #expect(OpenDataCSV.field("a,b") == "\"a,b\"")
        #expect(OpenDataCSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(OpenDataCSV.field("two\r\nlines") == "\"two\r\nlines\"")
        #expect(OpenDataCSV.field("=HYPERLINK(1)") == "'=HYPERLINK(1)")
    }

    @Test func emptyMediumStillGetsItsFiles() throws {
        var summary = RenderFixture.summary
        summary.enterprises.removeLast()
        let files = try SiteRenderer().dayFiles(summary)
        let water = try #require(files["waste-water.json"])
        let root = try #require(try JSONSerialization.jsonObject(with: water) as? [String: Any])
        #expect((root["enterprises"] as? [Any])?.isEmpty == true)
        let csv = String(decoding: try #require(files["waste-water.csv"]).dropFirst(3), as: UTF8.self)
        #expect(csv.components(separatedBy: "\r\n").count == 2, "header only")
    }
}

/// JSON strings: the fast path (nothing to escape) and the escaping one give text that parses
/// back to the same string.
@Suite struct RenderJSONStringTests {
    func written(_ value: String) -> String {
        var out = ""
        OrderedJSON.writeString(value, to: &out)
        return out
    }

    @Test func escapesWhatJSONAndJavaScriptNeedAndNothingElse() {
        #expect(written("a21026") == "\"a21026\"")
        #expect(written("测试热电厂 1号烟囱") == "\"测试热电厂 1号烟囱\"")
        #expect(written("—≥") == "\"—≥\"")
        #expect(written("say \"hi\"\\") == #""say \"hi\"\\""#)
        #expect(written("a\nb\tc\u{1}") == #""a\nb\tc\u0001""#)
        #expect(written("x\u{2028}y\u{2029}") == #""x\u2028y\u2029""#)
    }

    @Test func randomStringsParseBackUnchanged() throws {
        let alphabet: [Character] = ["a", "Z", "0", " ", "\"", "\\", "\n", "\t", "\u{1}", "\u{1F}", "—", "≥", "\u{2028}", "\u{2029}", "厂", "号", "³", "/", "😀"]
        var generator = SeededRandom(seed: 0x212)
        func next() -> Int { Int(generator.next() >> 33) }
        for _ in 0..<2_000 {
            let value = String((0..<(next() % 24)).map { _ in alphabet[next() % alphabet.count] })
            let text = written(value)
            let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) as? String
            #expect(parsed == value, "\(text)")
        }
    }
}
