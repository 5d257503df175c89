import Foundation
import Logging

/// Writes the disclosure site to a directory, one day at a time, atomically.
///
/// Layout under `directory`:
/// - `<date>`: a symbolic link to `_versions/<date>.<revision>-<random>/`, the day's files
///   (each `.html|.json|.csv|.xml|.svg` with a `.gz` copy). A day appears whole or not at all:
///   its folder is written and fsynced first, then the link is replaced with `rename(2)`.
/// - `_meta/publications.json`: the `PublicationLog`, newest day first.
/// - the root files (`index.html`, `feed.xml`, `enterprises/…`), each replaced atomically.
///
/// `_meta` and `_versions` are never served (the HTTP front hides `_…` and `.…` segments).
/// Publishers of one directory, even in several processes, are serialised by a lock file.
public struct SitePublisher: Sendable {
    /// The site's root folder.
    public let directory: URL
    let renderer: any SiteRendering
    let logger: Logger
    let now: @Sendable () -> Date
    let timeZone: TimeZone
    /// Test hook: stop as if killed at this point (see `PublishCrashPoint`).
    var crashPoint: PublishCrashPoint?

    public init(
        directory: URL, renderer: any SiteRendering, logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init, timeZone: TimeZone
    ) {
        self.directory = directory
        self.renderer = renderer
        self.logger = logger
        self.now = now
        self.timeZone = timeZone
    }

    /// Publishes (or re-publishes) one day: its folder, then the log, then the root files.
    ///
    /// On any error the previously published version of the day stays served unchanged.
    public func publish(_ summary: DailySummary) throws -> PublishOutcome {
        let date = summary.date
        guard Self.isDate(date) else { throw PublishError.invalidDate(date) }
        try PublishFileSystem.makeDirectories(versionsPath)
        try PublishFileSystem.makeDirectories(metaPath)
        let lock = try PublishFileSystem.Lock(metaPath + "/.publish.lock")
        defer { lock.release() }

        var log = try readLog()
        let dayFiles: [String: Data]
        do {
            dayFiles = try renderer.dayFiles(summary)
        } catch {
            throw PublishError.renderFailed(stage: "day files", reason: "\(error)")
        }
        warnHidden(try Self.validate(Array(dayFiles.keys), atRoot: false))

        let previous = log.days.first { $0.date == date }
        let revision = max(previous?.revision ?? 0, currentLinkRevision(date) ?? 0) + 1
        let stamp = PublishTimestamp.string(from: now(), in: timeZone)
        var counter = WriteCounter()

        let version = try writeVersion(date: date, revision: revision, files: dayFiles, counter: &counter)
        try switchDay(date, toVersion: version)
        try crash(at: .afterSwitchingLink)
        removeUnlinkedVersions()

        let entry = PublishedDay(
            date: date, firstPublishedAt: previous?.firstPublishedAt ?? stamp, updatedAt: stamp,
            revision: revision, complete: summary.complete,
            enterprises: summary.enterprises.map(Self.logLine))
        log.days.removeAll { $0.date == date }
        log.days.append(entry)
        log.days.sort { $0.date > $1.date }
        try writeLog(log, counter: &counter)

        let rootFiles: [String: Data]
        do {
            rootFiles = try renderer.rootFiles(log)
        } catch {
            throw PublishError.renderFailed(stage: "root files", reason: "\(error)")
        }
        warnHidden(try Self.validate(Array(rootFiles.keys), atRoot: true))
        try writeRootFiles(rootFiles, counter: &counter)

        let outcome = PublishOutcome(
            date: date, revision: revision, revised: revision > 1, filesWritten: counter.files,
            bytesWritten: counter.bytes, dayPath: rootPath + "/" + date, versionPath: versionsPath + "/" + version)
        logger.info(
            "published day",
            metadata: [
                "date": "\(date)", "revision": "\(revision)", "files": "\(counter.files)",
                "bytes": "\(counter.bytes)", "complete": "\(summary.complete)",
            ])
        return outcome
    }

    /// The publication log; empty when nothing was published yet.
    public func publishedDays() throws -> PublicationLog {
        try readLog()
    }

    // MARK: - Paths and helpers shared by the extensions

    var rootPath: String {
        let path = directory.standardizedFileURL.path
        return path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }
    var versionsPath: String { rootPath + "/_versions" }
    var metaPath: String { rootPath + "/_meta" }
    var logPath: String { metaPath + "/publications.json" }

    /// Files and bytes written by one publication.
    struct WriteCounter {
        var files = 0
        var bytes = 0

        mutating func add(_ data: Data) {
            files += 1
            bytes += data.count
        }
    }

    func crash(at point: PublishCrashPoint) throws {
        if crashPoint == point { throw SimulatedCrash(point: point) }
    }

    func warnHidden(_ paths: [String]) {
        for path in paths {
            logger.warning("a rendered file has a path segment starting with '_': it is written but never served", metadata: ["path": "\(path)"])
        }
    }

    static func logLine(_ enterprise: EnterpriseDay) -> PublishedEnterprise {
        let exceedances = enterprise.outlets.reduce(0) { total, outlet in
            total + outlet.pollutants.filter { $0.exceedPeriods > 0 }.count
        }
        return PublishedEnterprise(id: enterprise.id, name: enterprise.name, exceedances: exceedances, outlets: enterprise.outlets.count)
    }
}
