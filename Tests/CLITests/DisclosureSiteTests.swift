import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// Issue 6's "done when", end to end: after `hj212 demo` has ingested a simulated day, the
/// disclosure site served by `hj212 serve` shows the day for every enterprise, its exceedances
/// match `hj212 exceedances`, the open data load, and the feed is valid Atom.
@Suite("the disclosure site after a simulated day", .serialized)
struct DisclosureSiteTests {
    /// Runs `hj212 serve` until the returned process is terminated; the http port comes from its log.
    static func serve(config: String) throws -> (Process, Int) {
        let process = Process()
        process.executableURL = CLIRunner.executable
        process.arguments = ["serve", "--config", config, "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // A watchdog: a server that never says where it listens is stopped, which ends the read below.
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: watchdog)
        var log = ""
        while true {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            log += String(decoding: chunk, as: UTF8.self)
            // swift-log's stream handler writes metadata before the message: "… address=127.0.0.1:PORT … http listening".
            for line in log.split(separator: "\n") where line.contains("http listening") {
                if let range = line.range(of: #"address=127\.0\.0\.1:\d+"#, options: .regularExpression),
                   let port = Int(line[range].split(separator: ":").last!) {
                    watchdog.cancel()
                    return (process, port)
                }
            }
        }
        process.terminate()
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "serve did not report its http port: \(log)"])
    }

    /// `curl` a path: status, headers (lower-cased names) and body.
    static func get(_ port: Int, _ path: String, gzip: Bool = false) throws -> (status: Int, headers: [String: String], body: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-s", "-D", "-", "-o", "/dev/stderr"] + (gzip ? ["-H", "Accept-Encoding: gzip"] : []) + ["http://127.0.0.1:\(port)\(path)"]
        let out = Pipe(), body = Pipe()
        process.standardOutput = out
        process.standardError = body
        try process.run()
        let bodyData = body.fileHandleForReading.readDataToEndOfFile()
        let headerText = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        var headers: [String: String] = [:]
        let lines = headerText.components(separatedBy: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return (status, headers, bodyData)
    }

    @Test("every enterprise's day is served, with exceedances matching hj212 exceedances, open data and a valid feed")
    func siteAfterDemo() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hj212-site-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let scenarioPath = directory.appendingPathComponent("scenario.yaml").path
        try ExceedancesCommandTests.scenario.write(toFile: scenarioPath, atomically: true, encoding: .utf8)
        let demo = try CLIRunner.run([
            "demo", "--once", "--dir", directory.path, "--scenario", scenarioPath, "--start", "2026-03-01", "--speed", "7200",
        ])
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stdout.contains("Published 2026-03-01"))
        let config = directory.appendingPathComponent("hj212.yaml").path

        // Publishing again replaces the day and marks it revised.
        let again = try CLIRunner.run(["publish", "--config", config, "--date", "2026-03-01"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("revision 2 (revised)"))

        let (server, port) = try Self.serve(config: config)
        defer { server.terminate(); server.waitUntilExit() }

        let home = try Self.get(port, "/")
        #expect(home.status == 200)
        #expect(home.headers["content-type"] == "text/html; charset=utf-8")
        #expect(String(decoding: home.body, as: UTF8.self).contains("2026-03-01"))

        let page = try Self.get(port, "/2026-03-01/")
        let html = String(decoding: page.body, as: UTF8.self)
        #expect(page.status == 200)
        #expect(html.contains("测试热电有限公司") && html.contains("测试污水处理厂"))
        #expect(page.headers["etag"] != nil && page.headers["last-modified"] != nil)
        let gzipped = try Self.get(port, "/2026-03-01/index.html", gzip: true)
        #expect(gzipped.headers["content-encoding"] == "gzip")
        #expect(gzipped.body.starts(with: [0x1F, 0x8B]))

        // The open data: the day's exceeding pollutants equal the exceedance events of the day.
        let exceedances = try CLIRunner.run(["exceedances", "--config", config, "--since", "2026-03-01", "--until", "2026-03-02", "--format", "json"])
        let events = try #require(try JSONSerialization.jsonObject(with: Data(exceedances.stdout.utf8)) as? [[String: Any]])
        var published: [String] = []
        for file in ["waste-gas", "waste-water"] {
            let json = try Self.get(port, "/2026-03-01/\(file).json")
            #expect(json.headers["content-type"] == "application/json; charset=utf-8")
            let object = try #require(try JSONSerialization.jsonObject(with: json.body) as? [String: Any])
            #expect(object["date"] as? String == "2026-03-01")
            for enterprise in object["enterprises"] as? [[String: Any]] ?? [] {
                for outlet in enterprise["outlets"] as? [[String: Any]] ?? [] {
                    for pollutant in outlet["pollutants"] as? [[String: Any]] ?? [] where (pollutant["exceed_hours"] as? Int ?? 0) > 0 {
                        published.append("\(enterprise["id"]!)|\(outlet["id"]!)|\(pollutant["code"]!)|\(pollutant["exceed_hours"]!)")
                    }
                }
            }
            let csv = try Self.get(port, "/2026-03-01/\(file).csv")
            #expect(csv.body.starts(with: [0xEF, 0xBB, 0xBF]))
            #expect(String(decoding: csv.body, as: UTF8.self).contains("污染物名称"))
        }
        let expected = events.map { "\($0["enterprise_id"]!)|\($0["outlet_id"]!)|\($0["pollutant"]!)|\($0["hours"]!)" }
        #expect(published.sorted() == expected.sorted())

        // The simulated day's SO2 row against a hand calculation from the stored values: valid
        // hours = hours flagged N; min and max of their converted means; the mean is the logger's
        // own day value (ZsAvg); the emission is the sum of the valid hours' Cou.
        let hourRows = try #require(try JSONSerialization.jsonObject(with: Data(try CLIRunner.run([
            "readings", "--config", config, "--mn", "5331030000000000000TESTA1", "--kind", "hour", "--pollutant", "a21026",
            "--since", "2026-03-01", "--until", "2026-03-02", "--format", "json",
        ]).stdout.utf8)) as? [[String: Any]])
        let dayRows = try #require(try JSONSerialization.jsonObject(with: Data(try CLIRunner.run([
            "readings", "--config", config, "--mn", "5331030000000000000TESTA1", "--kind", "day", "--pollutant", "a21026", "--format", "json",
        ]).stdout.utf8)) as? [[String: Any]])
        let valid = hourRows.filter { $0["flag"] as? String == "N" }
        let converted = valid.compactMap { $0["zs_avg"] as? Double }
        let gas = try #require(try JSONSerialization.jsonObject(with: try Self.get(port, "/2026-03-01/waste-gas.json").body) as? [String: Any])
        let so2Row = try #require(((gas["enterprises"] as? [[String: Any]])?.first?["outlets"] as? [[String: Any]])?.first?["pollutants"] as? [[String: Any]])
            .first { $0["code"] as? String == "a21026" }
        let row = try #require(so2Row)
        #expect(row["valid_hours"] as? Int == valid.count)
        #expect(valid.count == 22)  // 24 hours; 09:00 and 10:00 flagged M (maintenance 09:00–10:30, the tie goes to M)
        func close(_ key: String, _ value: Double?) -> Bool {
            guard let published = row[key] as? Double, let value else { return false }
            return abs(published - value) <= max(0.0006, abs(value) * 0.0006)  // the open data keep 3 decimals
        }
        #expect(close("min", converted.min()))
        #expect(close("max", converted.max()))
        #expect(close("mean", dayRows.first?["zs_avg"] as? Double))
        #expect(close("emission_kg", valid.compactMap { $0["cou"] as? Double }.reduce(0, +)))
        #expect(row["exceed_hours"] as? Int == 3)
        #expect(row["limit"] as? Double == 35)

        // The feed parses as XML, is Atom, and marks the revised day.
        let feed = try Self.get(port, "/feed.xml")
        #expect(feed.headers["content-type"] == "application/atom+xml; charset=utf-8")
        let parser = XMLParser(data: feed.body)
        #expect(parser.parse() && parser.parserError == nil)
        let text = String(decoding: feed.body, as: UTF8.self)
        #expect(text.contains("http://www.w3.org/2005/Atom") && text.contains("revised"))

        // Read-only and nothing private: no writes, no meta files, no secrets.
        #expect(try Self.get(port, "/_meta/publications.json").status == 404)
        #expect(!html.contains("123456") && !html.contains("5331030000000000000TESTA1"))
        #expect(try Self.get(port, "/metrics").status == 200)
    }
}
