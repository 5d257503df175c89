import Foundation
import Testing

/// `hj212 limits` shows what applies to an outlet and where each value comes from; an unknown
/// standard stops `check-config` with suggestions.
@Suite("hj212 limits and standards in check-config", .serialized)
struct LimitsCommandTests {
    static func config(standard: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hj212-limits-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let yaml = """
            listen: 127.0.0.1:0
            http: off
            storage: {sqlite: hj212.sqlite}
            enterprises:
              - id: "91533100MA0000001X"
                name: 德宏示例糖业有限公司
                outlets:
                  - id: DA001
                    name: 1号锅炉废气排放口
                    medium: gas
                    standard: \(standard)
                    limits: { a21026: 300 }
                    devices: [{ mn: "010000A8900016F000169DC0", password: "100000" }]
                  - id: DW001
                    name: 废水总排口
                    medium: water
                    limits: { w01018: 100, w01001: [6, 9] }
                    devices: [{ mn: "LD130133000015", password: "123456" }]
            """
        let path = directory.appendingPathComponent("hj212.yaml")
        try yaml.write(to: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("profile values, outlet overrides and reference O2, each with its source")
    func limitsWithSources() throws {
        let config = try Self.config(standard: "GB13271-2014/coal/existing")
        defer { try? FileManager.default.removeItem(at: config.deletingLastPathComponent()) }
        let result = try CLIRunner.run(["limits", "--config", config.path, "--outlet", "DA001", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let so2 = try #require(rows.first { $0["pollutant"] as? String == "a21026" })
        #expect(so2["limit"] as? Double == 300)
        #expect((so2["source"] as? String)?.hasPrefix("排口许可限值（配置）") == true)
        #expect((so2["source"] as? String)?.contains("GB 13271-2014") == true)  // the reference O2's source
        let nox = try #require(rows.first { $0["pollutant"] as? String == "a21002" })
        #expect(nox["limit"] as? Double == 400)
        #expect(nox["reference_o2"] as? Double == 9)
        #expect(nox["basis"] as? String == "hour")
        #expect((nox["source"] as? String)?.hasPrefix("GB 13271-2014 表1 在用燃煤锅炉") == true)
        #expect(rows.allSatisfy { $0["outlet_id"] as? String == "DA001" })

        let water = try CLIRunner.run(["limits", "--config", config.path, "--outlet", "DW001", "--format", "json"])
        let waterRows = try #require(try JSONSerialization.jsonObject(with: Data(water.stdout.utf8)) as? [[String: Any]])
        let ph = try #require(waterRows.first { $0["pollutant"] as? String == "w01001" })
        #expect(ph["lower"] as? Double == 6 && ph["upper"] as? Double == 9 && ph["basis"] as? String == "range")
        #expect(waterRows.first { $0["pollutant"] as? String == "w01018" }?["basis"] as? String == "day")

        let profiles = try CLIRunner.run(["limits", "--profiles", "--format", "json"])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(profiles.stdout.utf8)) as? [[String: Any]])
        #expect(list.contains { $0["id"] as? String == "GB18485-2014/incinerator" && $0["reference_o2"] as? Double == 11 })
    }

    @Test("an unknown standard stops check-config and names close profiles")
    func unknownStandard() throws {
        let config = try Self.config(standard: "GB13271-2014/coal/exist")
        defer { try? FileManager.default.removeItem(at: config.deletingLastPathComponent()) }
        let result = try CLIRunner.run(["check-config", "--config", config.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("GB13271-2014/coal/exist\" is not a shipped profile"))
        #expect(result.stderr.contains("GB13271-2014/coal/existing"))
    }
}
