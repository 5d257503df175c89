import Foundation
import Testing

/// The "done when": a gateway that ingested a simulated day with known episodes reports
/// exactly those episodes through `hj212 exceedances`, with the numbers a hand calculation
/// gives from the stored hourly values, and nothing for maintenance.
@Suite("hj212 exceedances after a simulated day", .serialized)
struct ExceedancesCommandTests {
    static let scenario = """
        name: 超标测试
        seed: 5
        timezone: Asia/Shanghai
        defaults:
          intervals: {realtime: 300, minute: 10}
          upload: [realtime, minute, hour, day]
          ack: [minute, hour, day]
          over_time: 2
          re_count: 3
          reconnect: {initial: 0.05, max: 0.2}
        enterprises:
          - id: "91533103MA6K1A0011"
            name: 测试热电有限公司
            outlets:
              - id: DA001
                name: 1号锅炉烟囱
                medium: gas
                model: cems-coal
                standard: GB13223-2011/coal/ultra-low
                reference_o2: 6
                limits: {a21026: 35, a21002: 50, a34013: 10}
                devices:
                  - mn: "5331030000000000000TESTA1"
                    password: "123456"
                    edition: "2017"
                    episodes:
                      - {pollutant: a21026, factor: 2, from: "14:00", to: "17:00"}
                      # NOx far over its limit, but only while the CEMS is being maintained (M).
                      - {pollutant: a21002, factor: 3, from: "09:00", to: "10:00"}
                    events:
                      - {type: maintenance, from: "09:00", to: "10:30"}
          - id: "91533103MA6K1A0029"
            name: 测试污水处理厂
            outlets:
              - id: DW001
                name: 总排放口
                medium: water
                model: wastewater
                standard: GB18918-2002/1A
                limits: {w01018: 50}
                devices:
                  - mn: "5331030000000000000TESTW1"
                    password: "654321"
                    edition: "2017"
                    # COD over its daily limit all day: a daily exceedance.
                    episodes:
                      - {pollutant: w01018, factor: 1.5, from: "00:00", to: "23:59"}
        """

    @Test("the episodes come out with hand-computed start, end, peak, mean and multiple; maintenance gives nothing")
    func episodesReported() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hj212-exc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let scenarioPath = directory.appendingPathComponent("scenario.yaml").path
        try Self.scenario.write(toFile: scenarioPath, atomically: true, encoding: .utf8)
        let demo = try CLIRunner.run([
            "demo", "--once", "--dir", directory.path, "--scenario", scenarioPath, "--start", "2026-03-01", "--speed", "7200",
        ])
        #expect(demo.status == 0, "\(demo.stderr)")
        let config = directory.appendingPathComponent("hj212.yaml").path

        let result = try CLIRunner.run(["exceedances", "--config", config, "--since", "2026-03-01", "--until", "2026-03-02", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let events = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        // Exactly the two episodes: SO2 hourly at the stack, COD daily at the works. NOx (maintenance) is absent.
        #expect(events.count == 2, "\(result.stdout)")
        #expect(!events.contains { $0["pollutant"] as? String == "a21002" })

        // Hand calculation for SO2 from the stored hourly converted means (ZsAvg) of 14, 15 and 16 h.
        let hours = try CLIRunner.run([
            "readings", "--config", config, "--mn", "5331030000000000000TESTA1", "--kind", "hour", "--pollutant", "a21026",
            "--since", "2026-03-01", "--until", "2026-03-02", "--format", "json",
        ])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(hours.stdout.utf8)) as? [[String: Any]])
        let exceeding = rows.filter { ($0["zs_avg"] as? Double ?? 0) > 35 && ($0["flag"] as? String) == "N" }
        #expect(exceeding.compactMap { ($0["data_time"] as? String)?.dropFirst(11).prefix(2) }.map(String.init) == ["14", "15", "16"])
        let values = exceeding.compactMap { $0["zs_avg"] as? Double }
        let peak = try #require(values.max())
        let mean = values.reduce(0, +) / Double(values.count)

        let so2 = try #require(events.first { $0["pollutant"] as? String == "a21026" })
        #expect(so2["start"] as? String == "2026-03-01T14:00:00+08:00")
        #expect(so2["end"] as? String == "2026-03-01T17:00:00+08:00")
        #expect(so2["hours"] as? Int == 3)
        #expect(so2["basis"] as? String == "hour")
        #expect(abs((so2["peak"] as? Double ?? 0) - peak) < 1e-6)
        #expect(abs((so2["mean"] as? Double ?? 0) - mean) < 1e-6)
        #expect(so2["limit"] as? Double == 35)
        #expect(abs((so2["multiple"] as? Double ?? 0) - (peak - 35) / 35) < 1e-6)
        #expect(so2["status"] as? String == "closed")
        #expect(so2["enterprise"] as? String == "测试热电有限公司")
        #expect(so2["pollutant_name"] as? String == "二氧化硫")

        // COD: one daily event on the valid daily mean (the logger's own day value), limit 50.
        let cod = try #require(events.first { $0["pollutant"] as? String == "w01018" })
        #expect(cod["basis"] as? String == "day")
        #expect(cod["start"] as? String == "2026-03-01T00:00:00+08:00")
        #expect(cod["end"] as? String == "2026-03-02T00:00:00+08:00")
        #expect(cod["hours"] as? Int == 24)
        let day = try CLIRunner.run([
            "readings", "--config", config, "--mn", "5331030000000000000TESTW1", "--kind", "day", "--pollutant", "w01018", "--format", "json",
        ])
        let dayRows = try #require(try JSONSerialization.jsonObject(with: Data(day.stdout.utf8)) as? [[String: Any]])
        let dayMean = try #require(dayRows.first?["avg"] as? Double)
        #expect(abs((cod["peak"] as? Double ?? 0) - dayMean) < 1e-6)
        #expect(abs((cod["multiple"] as? Double ?? 0) - (dayMean - 50) / 50) < 1e-6)

        // The table for people, and filters.
        let table = try CLIRunner.run(["exceedances", "--config", config, "--since", "2026-03-01"])
        #expect(table.stdout.contains("测试热电有限公司 · 1号锅炉烟囱 · 二氧化硫 · 2026-03-01 14:00–17:00 · 3 h"))
        let water = try CLIRunner.run(["exceedances", "--config", config, "--medium", "water", "--format", "json"])
        let waterEvents = try #require(try JSONSerialization.jsonObject(with: Data(water.stdout.utf8)) as? [[String: Any]])
        #expect(waterEvents.map { $0["pollutant"] as? String } == ["w01018"])
        let none = try CLIRunner.run(["exceedances", "--config", config, "--since", "2026-03-05"])
        #expect(none.status == 0)
        #expect(none.stdout.contains("No exceedances"))
        let noneJSON = try CLIRunner.run(["exceedances", "--config", config, "--since", "2026-03-05", "--format", "json"])
        #expect(noneJSON.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }
}
