import Foundation

extension SitePublisher {
    /// Extensions that get a `.gz` copy.
    static let compressedExtensions: Set<String> = ["html", "json", "csv", "xml", "svg"]

    static func wantsGzipCopy(_ path: String) -> Bool {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return false }
        return compressedExtensions.contains(path[path.index(after: dot)...].lowercased())
    }

    /// `YYYY-MM-DD` (digits only, not checked against the calendar).
    static func isDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10 else { return false }
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 7 {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return false }
            }
        }
        return true
    }

    /// Rejects renderer paths that could escape their folder, clash with the publisher's temporary
    /// names, or (for root files) overwrite `_meta`/`_versions` or write into a day folder through
    /// its link. Returns the paths with a segment starting with `_`: written, but never served.
    @discardableResult
    static func validate(_ paths: [String], atRoot: Bool) throws -> [String] {
        var hidden: [String] = []
        for path in paths {
            if path.isEmpty { throw PublishError.invalidFilePath(path, reason: "is empty") }
            if path.hasPrefix("/") { throw PublishError.invalidFilePath(path, reason: "is absolute") }
            if path.utf8.contains(0) { throw PublishError.invalidFilePath(path, reason: "contains a NUL byte") }
            let segments = path.split(separator: "/", omittingEmptySubsequences: false)
            for segment in segments {
                if segment.isEmpty { throw PublishError.invalidFilePath(path, reason: "has an empty segment ('//' or a trailing '/')") }
                if segment == ".." || segment == "." { throw PublishError.invalidFilePath(path, reason: "contains '.' or '..'") }
                if segment.hasPrefix(".") {
                    throw PublishError.invalidFilePath(path, reason: "has a segment starting with '.', which is never served")
                }
            }
            if segments.contains(where: { $0.hasPrefix("_") }) { hidden.append(path) }
            if atRoot, segments[0] == "_meta" || segments[0] == "_versions" {
                throw PublishError.invalidFilePath(path, reason: "would overwrite the publisher's own files")
            }
            if atRoot, isDate(String(segments[0])) {
                throw PublishError.invalidFilePath(path, reason: "would replace or write into a day folder")
            }
        }
        return hidden
    }
}
