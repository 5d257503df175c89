import Foundation
import HJ212
import Store
import Testing

/// `hj212 check-config`, `readings`, `rejects` and `devices` against a database the test fills.
@Suite("hj212 listings and check-config", .serialized)
struct ListingCommandTests {
    static let mn = "010000A8900016F000169DC0"

    /// A folder with a config and a store holding one hour of data and one reject.
    static func fixture() async throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hj212-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let yaml = """
            listen: 127.0.0.1:0
            http: off
            storage:
              sqlite: hj212.sqlite
            enterprises:
              - id: "91533100MA0000001X"
                name: 德宏示例糖业有限公司
                outlets:
                  - id: DA001
                    name: 1号锅炉废气排放口
                    medium: gas
                    devices:
                      - { mn: "\(mn)", password: "100000" }
                      - { mn: "SILENT00000000000000000", password: "100000" }
            """
        try yaml.write(to: directory.appendingPathComponent("hj212.yaml"), atomically: true, encoding: .utf8)
        let store = try SQLiteStore(path: directory.appendingPathComponent("hj212.sqlite").path)
        try await store.migrate()
        let hour = LocalDateTime(year: 2026, month: 11, day: 28, hour: 8)
        var so2 = Reading(code: "a21026")
        so2.avg = 35.5
        so2.zsAvg = 41.2
        so2.flag = .normal
        var nox = Reading(code: "a21002")
        nox.avg = 80
        nox.flag = .maintenance
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let frame = IngestFrame(
            mn: mn, qn: "20261128090000001", cn: "2061", kind: .hour, dataTime: hour,
            dataTimeUnix: 1_764_288_000, edition: .hj2017, backfill: .live, receivedAtMillis: now,
            connection: "node1/1", peer: "10.1.2.3:40000", readings: [so2, nox])
        let raw = Array("##0096QN=20261128090000001;ST=31;CN=2061;PW=100000;MN=\(mn);Flag=5;CP=&&DataTime=20261128080000&&FFFF".utf8)
        let reject = RejectRecord(
            receivedAtMillis: now, peer: "10.1.2.3:40000", mn: mn, reason: "crc_mismatch",
            detail: "the frame says CRC FFFF but its data segment's HJ 212 CRC is 1C80", raw: raw)
        _ = try await store.commit(WriteBatch(
            frames: [frame], rejects: [reject],
            events: [DeviceEvent(kind: .seen, mn: mn, atMillis: now, qn: "20261128090000001", cn: "2061", connection: "node1/1", peer: "10.1.2.3:40000")]))
        try await store.close()
        return directory
    }

    @Test("check-config accepts a good file and lists every problem of a bad one with its line")
    func checkConfig() async throws {
        let directory = try await Self.fixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = try CLIRunner.run(["check-config", "--config", directory.appendingPathComponent("hj212.yaml").path])
        #expect(good.status == 0)
        #expect(good.stdout.contains("ok"))
        let bad = directory.appendingPathComponent("bad.yaml")
        try "listen: nowhere\nunregistered: maybe\n".write(to: bad, atomically: true, encoding: .utf8)
        let result = try CLIRunner.run(["check-config", "--config", bad.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("line 1"))
        #expect(result.stderr.contains("line 2"))
    }

    @Test("readings prints the design's JSON fields with ISO times and registry names")
    func readings() async throws {
        let directory = try await Self.fixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("hj212.yaml").path
        let result = try CLIRunner.run(["readings", "--config", config, "--mn", Self.mn, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 2)
        let so2 = try #require(rows.first { $0["pollutant"] as? String == "a21026" })
        #expect(so2["mn"] as? String == Self.mn)
        #expect(so2["kind"] as? String == "hour")
        #expect(so2["data_time"] as? String == "2026-11-28T08:00:00+08:00")
        #expect(so2["avg"] as? Double == 35.5)
        #expect(so2["zs_avg"] as? Double == 41.2)
        #expect(so2["rtd"] is NSNull)
        #expect(so2["flag"] as? String == "N")
        #expect(so2["enterprise_id"] as? String == "91533100MA0000001X")
        #expect(so2["outlet_id"] as? String == "DA001")
        let filtered = try CLIRunner.run(["readings", "--config", config, "--mn", Self.mn, "--pollutant", "a21002", "--format", "csv"])
        #expect(filtered.stdout.hasPrefix("\u{FEFF}mn,kind,data_time,pollutant"))
        #expect(filtered.stdout.contains(",M,"))
        #expect(!filtered.stdout.contains("a21026"))
        let table = try CLIRunner.run(["readings", "--config", config, "--mn", Self.mn, "--since", "2026-11-29"])
        #expect(table.stdout.contains("No readings"))
    }

    @Test("rejects shows the reason in words and never the password")
    func rejects() async throws {
        let directory = try await Self.fixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("hj212.yaml").path
        let result = try CLIRunner.run(["rejects", "--config", config, "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows[0]["reason"] as? String == "crc_mismatch")
        #expect((rows[0]["detail"] as? String)?.contains("CRC") == true)
        #expect((rows[0]["raw"] as? String)?.contains("PW=***;") == true)
        #expect(!result.stdout.contains("100000"))
        #expect(rows[0]["peer"] as? String == "10.1.2.3:40000")
        let table = try CLIRunner.run(["rejects", "--config", config])
        #expect(table.stdout.contains("crc_mismatch"))
        #expect(!table.stdout.contains("100000"))
    }

    @Test("devices shows online and offline devices with today's counts")
    func devices() async throws {
        let directory = try await Self.fixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("hj212.yaml").path
        let result = try CLIRunner.run(["devices", "--config", config, "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let active = try #require(rows.first { $0["mn"] as? String == Self.mn })
        #expect(active["status"] as? String == "online")
        #expect(active["frames_today"] as? Int == 1)
        #expect(active["rejects_today"] as? Int == 1)
        #expect(active["enterprise"] as? String == "德宏示例糖业有限公司")
        let silent = try #require(rows.first { $0["mn"] as? String == "SILENT00000000000000000" })
        #expect(silent["status"] as? String == "offline")
        #expect(!result.stdout.contains("100000"))
    }
}
