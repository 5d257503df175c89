/// Content types of the disclosure site's files, by extension (and `feed.xml` by name).
enum SiteMediaTypes {
    static func contentType(forFileNamed name: String) -> String {
        let lower = name.lowercased()
        if lower == "feed.xml" { return "application/atom+xml; charset=utf-8" }
        guard let dot = lower.lastIndex(of: ".") else { return "application/octet-stream" }
        switch lower[lower.index(after: dot)...] {
        case "html", "htm": return "text/html; charset=utf-8"
        case "json": return "application/json; charset=utf-8"
        case "csv": return "text/csv; charset=utf-8"
        case "xml": return "application/xml; charset=utf-8"
        case "atom": return "application/atom+xml; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "css": return "text/css; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "txt": return "text/plain; charset=utf-8"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "webp": return "image/webp"
        case "ico": return "image/x-icon"
        case "woff2": return "font/woff2"
        case "gz": return "application/gzip"
        case "pdf": return "application/pdf"
        default: return "application/octet-stream"
        }
    }
}
