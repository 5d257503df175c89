import Foundation

/// What one `SitePublisher.publish(_:)` did.
public struct PublishOutcome: Sendable, Hashable {
    /// The day, `YYYY-MM-DD`.
    public var date: String
    /// 1 for the first publication of the day, +1 for each re-publication.
    public var revision: Int
    /// True when an earlier version of the day was replaced.
    public var revised: Bool
    /// Files written: the day's files, their `.gz` copies, the log, the root files and their copies.
    public var filesWritten: Int
    /// Bytes in those files.
    public var bytesWritten: Int
    /// The day's public path, `<site>/<date>` (a symbolic link to `versionPath`).
    public var dayPath: String
    /// The folder that holds this version: `<site>/_versions/<date>.<revision>-<random>`.
    public var versionPath: String

    public init(date: String, revision: Int, revised: Bool, filesWritten: Int, bytesWritten: Int, dayPath: String, versionPath: String) {
        self.date = date
        self.revision = revision
        self.revised = revised
        self.filesWritten = filesWritten
        self.bytesWritten = bytesWritten
        self.dayPath = dayPath
        self.versionPath = versionPath
    }
}
