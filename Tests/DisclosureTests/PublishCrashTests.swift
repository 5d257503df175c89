import Foundation
import Testing

@testable import Disclosure

/// A publication killed part-way (simulated with `PublishCrashPoint`, which skips every clean-up,
/// like a killed process) must leave the day's previous version served whole and unchanged.
@Suite("Publish: crash mid-publish")
struct PublishCrashTests {
    /// Publishes revision 1, then tries revision 2 with a crash at `point`. Returns the site, the
    /// day's files and link target before the attempt.
    private func crashRepublish(at point: PublishCrashPoint) throws -> (site: URL, before: [String: Data], link: String) {
        let site = try PublishFixture.temporarySite()
        _ = try PublishFixture.publisher(site).publish(PublishFixture.summary())
        let day = site.appendingPathComponent("2026-11-28")
        let before = try PublishFixture.snapshot(day)
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: day.path)

        var crashing = PublishFixture.publisher(site, at: PublishFixture.firstTime.addingTimeInterval(3600))
        crashing.crashPoint = point
        #expect(throws: SimulatedCrash(point: point)) {
            try crashing.publish(PublishFixture.summary(generatedAt: "2026-11-29T02:00:00+08:00"))
        }
        return (site, before, link)
    }

    @Test("killed after N of the new version's files: the old version is still whole at <site>/<date>", arguments: [1, 3, 8])
    func crashWhileWritingFiles(after count: Int) throws {
        let (site, before, link) = try crashRepublish(at: .afterWritingDayFiles(count))
        defer { try? FileManager.default.removeItem(at: site) }
        let day = site.appendingPathComponent("2026-11-28")

        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: day.path) == link)
        #expect(try PublishFixture.snapshot(day) == before)
        // The half-written version is there (nothing cleaned up, as after a kill) but not linked.
        let versions = try PublishFixture.versions(site)
        #expect(versions.count == 2)
        let log = try PublishFixture.publisher(site).publishedDays()
        #expect(log.days.map(\.revision) == [1])
        #expect(log.days[0].updatedAt == "2026-11-29T01:00:03+08:00")

        // The next publication succeeds, is revision 2 and removes the half version.
        let outcome = try PublishFixture.publisher(site).publish(PublishFixture.summary(generatedAt: "2026-11-29T03:00:00+08:00"))
        #expect(outcome.revision == 2)
        #expect(try PublishFixture.versions(site) == [(outcome.versionPath as NSString).lastPathComponent])
        #expect(try String(contentsOf: day.appendingPathComponent("index.html"), encoding: .utf8).contains("03:00:00"))
    }

    @Test("killed just before the link is renamed: the old version is served; the temporary link is swept later")
    func crashBeforeSwitch() throws {
        let (site, before, link) = try crashRepublish(at: .beforeSwitchingLink)
        defer { try? FileManager.default.removeItem(at: site) }
        let day = site.appendingPathComponent("2026-11-28")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: day.path) == link)
        #expect(try PublishFixture.snapshot(day) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: site.path).contains { $0.hasPrefix(".2026-11-28.link-") })

        _ = try PublishFixture.publisher(site).publish(PublishFixture.summary())
        #expect(try !FileManager.default.contentsOfDirectory(atPath: site.path).contains { $0.hasPrefix(".") })
        #expect(try PublishFixture.versions(site).count == 1)
    }

    @Test("killed right after the switch: the new version is whole; the next publication continues the revisions")
    func crashAfterSwitch() throws {
        let (site, before, link) = try crashRepublish(at: .afterSwitchingLink)
        defer { try? FileManager.default.removeItem(at: site) }
        let day = site.appendingPathComponent("2026-11-28")
        let now = try FileManager.default.destinationOfSymbolicLink(atPath: day.path)
        #expect(now != link)
        #expect(now.hasPrefix("_versions/2026-11-28.2-"))
        let after = try PublishFixture.snapshot(day)
        #expect(Set(after.keys) == Set(before.keys))
        #expect(String(decoding: after["index.html"] ?? Data(), as: UTF8.self).contains("02:00:00"))

        let outcome = try PublishFixture.publisher(site).publish(PublishFixture.summary())
        #expect(outcome.revision == 3)
        #expect(try PublishFixture.publisher(site).publishedDays().days.first?.firstPublishedAt == "2026-11-29T01:00:03+08:00")
    }

    @Test("a renderer error leaves the published day, the log and _versions untouched")
    func rendererFailure() throws {
        let site = try PublishFixture.temporarySite()
        defer { try? FileManager.default.removeItem(at: site) }
        _ = try PublishFixture.publisher(site).publish(PublishFixture.summary())
        let day = site.appendingPathComponent("2026-11-28")
        let before = try PublishFixture.snapshot(day)
        let versions = try PublishFixture.versions(site)
        let log = try PublishFixture.publisher(site).publishedDays()

        do {
            _ = try PublishFixture.publisher(site, renderer: FakeRenderer(failDayFiles: true)).publish(PublishFixture.summary())
            Issue.record("expected an error")
        } catch let error as PublishError {
            guard case .renderFailed(let stage, _) = error else { Issue.record("unexpected \(error)"); return }
            #expect(stage == "day files")
            #expect(error.description.contains("previous version of the day"))
        }
        #expect(try PublishFixture.snapshot(day) == before)
        #expect(try PublishFixture.versions(site) == versions)
        #expect(try PublishFixture.publisher(site).publishedDays() == log)
    }
}
