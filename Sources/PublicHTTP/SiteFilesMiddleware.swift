import Hummingbird
import Logging
import NIOCore
import NIOPosix

/// Serves the disclosure site's files for requests no route answered (so `/metrics` and
/// `/health` win). GET and HEAD only; every other method gets 405. Never writes, never lists
/// folders; `/` and paths ending in `/` serve that folder's `index.html`. Sends the `.gz` copy
/// with `Content-Encoding: gzip` when the client accepts gzip and the copy is not older than the
/// file. Strong ETags, Last-Modified, 304 on If-None-Match / If-Modified-Since. No ranges.
struct SiteFilesMiddleware<Context: RequestContext>: RouterMiddleware {
    let files: SiteFiles
    let threadPool: NIOThreadPool
    let logger: Logger
    static var cacheControl: String { "public, max-age=300" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            guard response.status == .notFound else { return response }
        } catch let error as any HTTPResponseError {
            guard error.status == .notFound else { throw error }
        }
        return try await serve(request, context: context)
    }

    private func serve(_ request: Request, context: Context) async throws -> Response {
        guard request.method == .get || request.method == .head else {
            return Self.page(.methodNotAllowed, "不支持该请求方法：本站只读，仅支持 GET 和 HEAD。", extra: [.allow: "GET, HEAD"])
        }
        let files = self.files
        let path = request.uri.path
        let acceptsGzip = Self.acceptsGzip(request.headers[values: .acceptEncoding])
        let conditions = SiteFiles.Conditions(
            ifNoneMatch: request.headers[values: .ifNoneMatch].isEmpty ? nil : request.headers[values: .ifNoneMatch].joined(separator: ","),
            ifModifiedSince: request.headers[.ifModifiedSince])
        let readBody = request.method == .get
        let outcome = try await threadPool.runIfActive {
            files.lookup(requestPath: path, acceptsGzip: acceptsGzip, conditions: conditions, readBody: readBody)
        }

        switch outcome {
        case .notFound:
            logger.debug("site: not found", metadata: ["path": "\(path)"])
            return Self.page(.notFound, "未找到您要访问的页面。请返回<a href=\"/\">首页</a>查看已公开的日报。")
        case .redirect(let location):
            var headers = Self.commonHeaders()
            headers[.location] = location
            return Response(status: .movedPermanently, headers: headers)
        case .notModified(let representation):
            return Response(status: .notModified, headers: Self.headers(for: representation, includeLength: false))
        case .file(let representation, let body):
            return Response(
                status: .ok, headers: Self.headers(for: representation, includeLength: true),
                body: body.map { ResponseBody(byteBuffer: $0) } ?? ResponseBody())
        case .largeFile(let representation, let realPath):
            let body = try await FileIO(threadPool: threadPool).loadFile(path: realPath, context: context)
            return Response(status: .ok, headers: Self.headers(for: representation, includeLength: true), body: body)
        }
    }

    /// Whether an `Accept-Encoding` list allows gzip (`gzip`/`x-gzip`, or `*`, with q > 0).
    static func acceptsGzip(_ values: [String]) -> Bool {
        var gzip: Double?
        var any: Double?
        for item in values.flatMap({ $0.split(separator: ",") }) {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let coding = parts.first else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            if coding == "gzip" || coding == "x-gzip" { gzip = quality } else if coding == "*" { any = quality }
        }
        return (gzip ?? any ?? 0) > 0
    }

    static func headers(for representation: SiteFiles.Representation, includeLength: Bool) -> HTTPFields {
        var headers = commonHeaders()
        headers[.contentType] = representation.contentType
        if includeLength { headers[.contentLength] = String(representation.size) }
        headers[.eTag] = representation.eTag
        headers[.lastModified] = HTTPDate.format(representation.lastModified)
        headers[.cacheControl] = cacheControl
        headers[.vary] = "Accept-Encoding"
        if representation.gzip { headers[.contentEncoding] = "gzip" }
        return headers
    }

    static func commonHeaders() -> HTTPFields {
        [.xContentTypeOptions: "nosniff"]
    }

    /// A small Chinese HTML page for errors; no details of the server.
    static func page(_ status: HTTPResponse.Status, _ message: String, extra: HTTPFields = [:]) -> Response {
        let title = "\(status.code) \(status == .notFound ? "未找到" : "请求方法不允许")"
        let html = """
            <!doctype html>
            <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title)</title></head>
            <body><h1>\(title)</h1><p>\(message)</p></body></html>

            """
        var headers = commonHeaders()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}
