import Foundation
import Logging
import Testing

@testable import Disclosure

/// A stand-in for `SiteRenderer`: a few small files whose bytes show which summary and log they
/// came from, plus a PNG that must get no `.gz` copy.
struct FakeRenderer: SiteRendering {
    var failDayFiles = false
    var dayPaths: [String]? = nil

    struct Failure: Error {}

    func dayFiles(_ summary: DailySummary) throws -> [String: Data] {
        if failDayFiles { throw Failure() }
        if let dayPaths { return Dictionary(uniqueKeysWithValues: dayPaths.map { ($0, Data("x".utf8)) }) }
        var files: [String: Data] = [
            "index.html": Data("<h1>\(summary.date) 日报</h1><p>\(summary.generatedAt)</p>".utf8),
            "waste-gas.json": Data(#"{"date":"\#(summary.date)","generatedAt":"\#(summary.generatedAt)"}"#.utf8),
            "waste-gas.csv": Data("日期,生成时间\n\(summary.date),\(summary.generatedAt)\n".utf8),
            "chart.png": Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        ]
        for enterprise in summary.enterprises {
            files["enterprises/\(enterprise.id).html"] = Data("<h1>\(enterprise.name)</h1>".utf8)
        }
        return files
    }

    func rootFiles(_ log: PublicationLog) throws -> [String: Data] {
        let lines = log.days.map { "\($0.date) r\($0.revision)" }.joined(separator: "\n")
        return [
            "index.html": Data("<ul>\(lines)</ul>".utf8),
            "feed.xml": Data("<feed>\(lines)</feed>".utf8),
            "enterprises/E1.html": Data("<p>\(log.days.count) days</p>".utf8),
        ]
    }
}

/// Fixtures shared by the publisher suites.
enum PublishFixture {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    /// 2026-11-29T01:00:03+08:00
    static let firstTime = Date(timeIntervalSince1970: 1_795_885_203)

    static func summary(_ date: String = "2026-11-28", generatedAt: String = "2026-11-29T01:00:00+08:00") -> DailySummary {
        func pollutant(_ code: String, exceed: Int) -> PollutantDay {
            PollutantDay(
                code: code, name: code, unit: "mg/m³", validHours: 24, expectedHours: 24, receivedHours: 24,
                mean: 10, converted: true, min: 5, max: 15, limit: nil, exceedPeriods: exceed, exceedHours: exceed,
                maxMultiple: nil, emissionKg: nil, flagCounts: ["N": 24], transmissionRate: 1, validTransmissionRate: 1,
                hours: [])
        }
        let outlet = OutletDay(
            id: "DA001", name: "1号锅炉排口", medium: .gas, standard: nil, referenceO2: 9, onlineHours: 24, complete: true,
            pollutants: [pollutant("a21026", exceed: 2), pollutant("a21002", exceed: 0), pollutant("a34013", exceed: 1)])
        let water = OutletDay(
            id: "DW001", name: "总排口", medium: .water, standard: nil, referenceO2: nil, onlineHours: 24, complete: true,
            pollutants: [pollutant("w01018", exceed: 1)])
        return DailySummary(
            date: date, generatedAt: generatedAt, complete: true,
            enterprises: [
                EnterpriseDay(id: "E1", name: "甲热电有限公司", outlets: [outlet, water]),
                EnterpriseDay(id: "E2", name: "乙污水处理厂", outlets: []),
            ])
    }

    static func publisher(_ site: URL, renderer: FakeRenderer = FakeRenderer(), at time: Date = firstTime) -> SitePublisher {
        var logger = Logger(label: "test.publish")
        logger.logLevel = .critical
        return SitePublisher(directory: site, renderer: renderer, logger: logger, now: { time }, timeZone: shanghai)
    }

    static func temporarySite() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("publish-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Every regular file under `folder` (following the day link at the top), by relative path.
    static func snapshot(_ folder: URL) throws -> [String: Data] {
        let root = folder.resolvingSymlinksInPath()
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root.path)
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = root.path + "/" + relative
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[relative] = FileManager.default.contents(atPath: path)
            }
        }
        return files
    }

    static func versions(_ site: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: site.path + "/_versions").sorted()
    }
}

@Suite("Publish: day folders, gzip copies and the log")
struct PublishSiteTests {
    @Test("publishing creates the day as a link to a version folder, with readable files and .gz copies")
    func publishCreatesDay() throws {
        let site = try PublishFixture.temporarySite()
        defer { try? FileManager.default.removeItem(at: site) }
        let outcome = try PublishFixture.publisher(site).publish(PublishFixture.summary())

        #expect(outcome.date == "2026-11-28")
        #expect(outcome.revision == 1)
        #expect(!outcome.revised)
        #expect(outcome.dayPath == site.path + "/2026-11-28")
        // 6 day files + 5 copies (not the PNG), the log, 3 root files + 3 copies.
        #expect(outcome.filesWritten == 18)
        #expect(outcome.bytesWritten > 0)

        let target = try FileManager.default.destinationOfSymbolicLink(atPath: outcome.dayPath)
        #expect(target.hasPrefix("_versions/2026-11-28.1-"))
        #expect(outcome.versionPath == site.path + "/" + target)
        #expect(try PublishFixture.versions(site) == [String(target.dropFirst("_versions/".count))])

        let day = site.appendingPathComponent("2026-11-28")
        let index = try String(contentsOf: day.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(index.contains("2026-11-28 日报"))
        let files = try PublishFixture.snapshot(day)
        #expect(Set(files.keys) == [
            "index.html", "index.html.gz", "waste-gas.json", "waste-gas.json.gz", "waste-gas.csv", "waste-gas.csv.gz",
            "chart.png", "enterprises/E1.html", "enterprises/E1.html.gz", "enterprises/E2.html", "enterprises/E2.html.gz",
        ])
        for (path, data) in files where path.hasSuffix(".gz") {
            #expect(try Gzip.decompress(data) == files[String(path.dropLast(3))], "\(path)")
        }

        for root in ["index.html", "feed.xml", "enterprises/E1.html"] {
            let plain = try Data(contentsOf: site.appendingPathComponent(root))
            let gz = try Data(contentsOf: site.appendingPathComponent(root + ".gz"))
            #expect(try Gzip.decompress(gz) == plain)
        }
        #expect(try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8).contains("2026-11-28 r1"))
    }

    @Test("the log records the day with ISO times in the zone's offset and per-enterprise exceedances")
    func logEntry() throws {
        let site = try PublishFixture.temporarySite()
        defer { try? FileManager.default.removeItem(at: site) }
        let publisher = PublishFixture.publisher(site)
        #expect(try publisher.publishedDays() == PublicationLog())
        _ = try publisher.publish(PublishFixture.summary())

        let log = try publisher.publishedDays()
        let day = try #require(log.days.first)
        #expect(log.days.count == 1)
        #expect(day.firstPublishedAt == "2026-11-29T01:00:03+08:00")
        #expect(day.updatedAt == day.firstPublishedAt)
        #expect(day.revision == 1 && !day.revised && day.complete)
        #expect(day.enterprises == [
            PublishedEnterprise(id: "E1", name: "甲热电有限公司", exceedances: 3, outlets: 2),
            PublishedEnterprise(id: "E2", name: "乙污水处理厂", exceedances: 0, outlets: 0),
        ])
        // The file itself is JSON that decodes to the same log.
        let data = try Data(contentsOf: site.appendingPathComponent("_meta/publications.json"))
        #expect(try JSONDecoder().decode(PublicationLog.self, from: data) == log)
    }

    @Test("re-publishing bumps the revision, keeps firstPublishedAt, replaces the files and drops the old version")
    func republish() throws {
        let site = try PublishFixture.temporarySite()
        defer { try? FileManager.default.removeItem(at: site) }
        _ = try PublishFixture.publisher(site).publish(PublishFixture.summary())
        _ = try PublishFixture.publisher(site).publish(PublishFixture.summary("2026-11-27"))
        let later = PublishFixture.firstTime.addingTimeInterval(6 * 3600)
        let outcome = try PublishFixture.publisher(site, at: later)
            .publish(PublishFixture.summary(generatedAt: "2026-11-29T07:00:00+08:00"))

        #expect(outcome.revision == 2)
        #expect(outcome.revised)
        let index = try String(contentsOf: site.appendingPathComponent("2026-11-28/index.html"), encoding: .utf8)
        #expect(index.contains("2026-11-29T07:00:00+08:00"))

        let log = try PublishFixture.publisher(site).publishedDays()
        #expect(log.days.map(\.date) == ["2026-11-28", "2026-11-27"])
        let day = log.days[0]
        #expect(day.revision == 2 && day.revised)
        #expect(day.firstPublishedAt == "2026-11-29T01:00:03+08:00")
        #expect(day.updatedAt == "2026-11-29T07:00:03+08:00")
        #expect(log.days[1].revision == 1)

        // One version per day remains: the current ones.
        let versions = try PublishFixture.versions(site)
        #expect(versions.count == 2)
        #expect(versions.contains { $0.hasPrefix("2026-11-28.2-") })
        #expect(versions.contains { $0.hasPrefix("2026-11-27.1-") })
        #expect(try String(contentsOf: site.appendingPathComponent("feed.xml"), encoding: .utf8).contains("2026-11-28 r2"))
    }

    @Test("a real folder at <site>/<date> from an older layout is replaced by a link and removed")
    func legacyFolder() throws {
        let site = try PublishFixture.temporarySite()
        defer { try? FileManager.default.removeItem(at: site) }
        let legacy = site.appendingPathComponent("2026-11-28")
        try FileManager.default.createDirectory(at: legacy, withIntermediateDirectories: true)
        try Data("old".utf8).write(to: legacy.appendingPathComponent("index.html"))

        _ = try PublishFixture.publisher(site).publish(PublishFixture.summary())
        #expect(PublishFileSystem.entry(at: legacy.path) == .symlink)
        #expect(try String(contentsOf: legacy.appendingPathComponent("index.html"), encoding: .utf8).contains("日报"))
        #expect(try PublishFixture.versions(site).count == 1)
    }

    @Test("a stale _versions folder and temporary files from a crashed run are removed by the next publication")
    func staleVersionsCleaned() throws {
        let site = try PublishFixture.temporarySite()
        defer { try? FileManager.default.removeItem(at: site) }
        _ = try PublishFixture.publisher(site).publish(PublishFixture.summary())
        let stale = site.appendingPathComponent("_versions/2026-11-01.1-deadbeef")
        try FileManager.default.createDirectory(at: stale, withIntermediateDirectories: true)
        try Data("half".utf8).write(to: stale.appendingPathComponent("index.html"))
        try Data("tmp".utf8).write(to: site.appendingPathComponent(".index.html.tmp-0badf00d"))
        try FileManager.default.createSymbolicLink(atPath: site.path + "/.2026-11-01.link-12345678", withDestinationPath: "_versions/2026-11-01.1-deadbeef")

        _ = try PublishFixture.publisher(site).publish(PublishFixture.summary("2026-11-29"))
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        let versions = try PublishFixture.versions(site)
        #expect(versions.count == 2)
        #expect(!versions.contains { $0.hasPrefix("2026-11-01") })
        let hidden = try FileManager.default.contentsOfDirectory(atPath: site.path).filter { $0.hasPrefix(".") }
        #expect(hidden.isEmpty)
    }

    @Test("a bad date or renderer path is refused before anything is written")
    func refusals() throws {
        let site = try PublishFixture.temporarySite()
        defer { try? FileManager.default.removeItem(at: site) }
        #expect(throws: PublishError.invalidDate("2026-11-28/../x")) {
            try PublishFixture.publisher(site).publish(PublishFixture.summary("2026-11-28/../x"))
        }
        for bad in ["../escape.html", "/etc/passwd", "a//b.html", ".hidden.html", "x/./y.html"] {
            #expect(throws: PublishError.self) {
                try PublishFixture.publisher(site, renderer: FakeRenderer(dayPaths: [bad])).publish(PublishFixture.summary())
            }
        }
        #expect(!FileManager.default.fileExists(atPath: site.path + "/2026-11-28"))
        #expect(try PublishFixture.versions(site).isEmpty)
        #expect(throws: (any Error).self) { try SitePublisher.validate(["2026-11-28/index.html"], atRoot: true) }
        #expect(throws: (any Error).self) { try SitePublisher.validate(["_meta/publications.json"], atRoot: true) }
        #expect(try SitePublisher.validate(["enterprises/_x.html"], atRoot: false) == ["enterprises/_x.html"])
    }

    @Test("an unreadable log is reported with its path and advice, and nothing is switched")
    func corruptLog() throws {
        let site = try PublishFixture.temporarySite()
        defer { try? FileManager.default.removeItem(at: site) }
        try FileManager.default.createDirectory(at: site.appendingPathComponent("_meta"), withIntermediateDirectories: true)
        try Data("{not json".utf8).write(to: site.appendingPathComponent("_meta/publications.json"))
        do {
            _ = try PublishFixture.publisher(site).publish(PublishFixture.summary())
            Issue.record("expected an error")
        } catch let error as PublishError {
            guard case .logUnreadable = error else { Issue.record("unexpected \(error)"); return }
            #expect(error.path.hasSuffix("_meta/publications.json"))
            #expect(error.description.contains("Restore publications.json"))
        }
        #expect(!FileManager.default.fileExists(atPath: site.path + "/2026-11-28"))
    }

    @Test("times carry the zone's offset, never Z")
    func timestamps() {
        let date = PublishFixture.firstTime
        #expect(PublishTimestamp.string(from: date, in: PublishFixture.shanghai) == "2026-11-29T01:00:03+08:00")
        #expect(PublishTimestamp.string(from: date, in: TimeZone(identifier: "UTC")!) == "2026-11-28T17:00:03+00:00")
        #expect(PublishTimestamp.string(from: date, in: TimeZone(secondsFromGMT: -(3 * 3600 + 1800))!) == "2026-11-28T13:30:03-03:30")
    }
}
