import Foundation

/// Why publishing failed: what failed, on which path, and what the operator can do about it.
///
/// The previously published version of a day stays in place whatever the failure: a day is only
/// switched once all its files are on disk.
public enum PublishError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The summary's date is not `YYYY-MM-DD`, so it cannot name a folder.
    case invalidDate(String)
    /// The renderer returned a file path that is absolute, climbs out (`..`), has a segment
    /// starting with `.`, or would overwrite a day folder, `_meta` or `_versions`.
    case invalidFilePath(String, reason: String)
    /// The renderer threw while producing the day's (`stage` = "day files") or the root files.
    case renderFailed(stage: String, reason: String)
    /// A file-system call failed: `operation` is the call in plain words, `reason` the system's.
    case fileSystem(operation: String, path: String, reason: String)
    /// `_meta/publications.json` exists but cannot be read or decoded.
    case logUnreadable(path: String, reason: String)
    /// zlib could not compress a file.
    case compressionFailed(path: String, reason: String)

    /// The path concerned (empty when none).
    public var path: String {
        switch self {
        case .invalidDate(let date): date
        case .invalidFilePath(let path, _): path
        case .renderFailed: ""
        case .fileSystem(_, let path, _), .logUnreadable(let path, _), .compressionFailed(let path, _): path
        }
    }

    /// What to do, in plain words.
    public var advice: String {
        switch self {
        case .invalidDate:
            "Pass the local day as YYYY-MM-DD; nothing was written."
        case .invalidFilePath:
            "This is a renderer bug: file paths must be relative, without '.' or '..' segments or segments starting with '.', and root files must not start with a date folder, _meta or _versions. Nothing of this day was switched."
        case .renderFailed(let stage, _):
            stage == "root files"
                ? "The day itself is published and logged; fix the cause and publish again to refresh the index, feed and enterprise pages."
                : "Nothing was switched; the previous version of the day (if any) is still served. Fix the cause and publish again."
        case .fileSystem:
            "Check that the site directory exists, is writable by the gateway's user and that the disk is not full, then publish again. The previous version of the day (if any) is still served unless the log says otherwise."
        case .logUnreadable:
            "Restore publications.json from a backup, or move it away to start a new log (the index then lists only days published from now on). Nothing was switched."
        case .compressionFailed:
            "zlib failed; check memory and the zlib installation, then publish again. Nothing of this day was switched."
        }
    }

    public var description: String {
        let what: String
        switch self {
        case .invalidDate(let date):
            what = "Cannot publish: the date '\(date)' is not YYYY-MM-DD."
        case .invalidFilePath(let path, let reason):
            what = "Cannot publish: the renderer produced the file path '\(path)', which \(reason)."
        case .renderFailed(let stage, let reason):
            what = "Rendering the \(stage) failed: \(reason)."
        case .fileSystem(let operation, let path, let reason):
            what = "Could not \(operation) '\(path)': \(reason)."
        case .logUnreadable(let path, let reason):
            what = "The publication log '\(path)' cannot be read: \(reason)."
        case .compressionFailed(let path, let reason):
            what = "Could not gzip '\(path)': \(reason)."
        }
        return what + " " + advice
    }
}
