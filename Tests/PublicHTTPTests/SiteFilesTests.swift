import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import Prometheus
import Testing

@testable import PublicHTTP

/// The disclosure site served read-only beside `/metrics` and `/health`, on a real loopback port.
@Suite("site files")
struct SiteFilesTests {
    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    /// One raw HTTP/1.1 request (the path is sent as is, so traversal attempts reach the server).
    static func request(
        _ method: String, _ path: String, port: Int, headers: [(String, String)] = []
    ) async throws -> Reply {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        var received: [UInt8] = []
        let head = headers.map { "\($0.0): \($0.1)\r\n" }.joined()
        let length = method == "POST" || method == "PUT" ? "Content-Length: 0\r\n" : ""
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\(length)\(head)\r\n"))
            for try await buffer in inbound { received += Array(buffer.readableBytesView) }
        }
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = (0...(received.count - 4)).first(where: { Array(received[$0..<$0 + 4]) == separator }) else {
            Issue.record("no header end in \(String(decoding: received, as: UTF8.self))")
            return Reply(status: 0, headers: [:], body: [])
        }
        let lines = String(decoding: received[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(lines[0].split(separator: " ")[1]) ?? 0
        var fields: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Reply(status: status, headers: fields, body: Array(received[(end + 4)...]))
    }

    /// A site like the publisher's: root index (+ .gz), a day link into `_versions`, `_meta`,
    /// a hidden file, a link escaping the root, a stale `.gz`, and a file named like a route.
    static func makeSite() throws -> (site: URL, outside: URL) {
        let fm = FileManager.default
        let base = fm.temporaryDirectory.appendingPathComponent("site-files-\(UUID().uuidString)")
        let site = base.appendingPathComponent("site")
        let outside = base.appendingPathComponent("outside")
        let version = site.appendingPathComponent("_versions/2026-11-28.1-0a1b2c3d")
        for folder in [site, outside, version, site.appendingPathComponent("_meta"), site.appendingPathComponent("enterprises")] {
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        func write(_ text: String, _ relative: String, in folder: URL = site) throws {
            try Data(text.utf8).write(to: folder.appendingPathComponent(relative))
        }
        try write("<h1>信息公开首页</h1>", "index.html")
        try write("GZIP-OF-INDEX", "index.html.gz")
        try write("<feed/>", "feed.xml")
        try write("<other/>", "other.xml")
        try write("<h1>甲热电</h1>", "enterprises/E1.html")
        try write("stale page", "stale.html")
        try write("STALE-GZ", "stale.html.gz")
        let past = Date(timeIntervalSinceNow: -86_400)
        try fm.setAttributes([.modificationDate: past], ofItemAtPath: site.appendingPathComponent("stale.html.gz").path)
        try write("not the metrics", "metrics")
        try write(#"{"days":[]}"#, "_meta/publications.json")
        try write("secret", ".hidden")
        try write("<h1>2026-11-28 日报</h1>", "index.html", in: version)
        try write(#"{"date":"2026-11-28"}"#, "waste-gas.json", in: version)
        try write("日期\n2026-11-28\n", "waste-gas.csv", in: version)
        try write("<svg/>", "chart.svg", in: version)
        try write("body{}", "site.css", in: version)
        try write("secret outside", "secret.txt", in: outside)
        try fm.createSymbolicLink(atPath: site.path + "/2026-11-28", withDestinationPath: "_versions/2026-11-28.1-0a1b2c3d")
        try fm.createSymbolicLink(atPath: site.path + "/escape", withDestinationPath: outside.path)
        try fm.createSymbolicLink(atPath: site.path + "/escape.txt", withDestinationPath: outside.path + "/secret.txt")
        return (site, outside)
    }

    /// Runs `body` against the application serving `site`.
    static func withServer(site: URL, _ body: (Int) async throws -> Void) async throws {
        let registry = PrometheusCollectorRegistry()
        PrometheusMetricsFactory(registry: registry).makeCounter(label: "hj212_frames_total", dimensions: []).increment(by: 2)
        var logger = Logger(label: "test.site")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = HTTPFront.application(
            host: "127.0.0.1", port: 0, registry: registry, logger: logger,
            health: { .init(ok: true, detail: "store reachable") },
            siteDirectory: site.path,
            onRunning: { continuation.yield($0) })
        let server = Task { try await app.runService() }
        defer { server.cancel() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        try await body(port)
    }

    @Test("files get their content type, nosniff, caching and validators; folders serve index.html")
    func contentTypes() async throws {
        let (site, _) = try Self.makeSite()
        defer { try? FileManager.default.removeItem(at: site.deletingLastPathComponent()) }
        try await Self.withServer(site: site) { port in
            let root = try await Self.request("GET", "/", port: port)
            #expect(root.status == 200)
            #expect(root.text == "<h1>信息公开首页</h1>")
            #expect(root.header("content-type") == "text/html; charset=utf-8")
            #expect(root.header("x-content-type-options") == "nosniff")
            #expect(root.header("cache-control") == "public, max-age=300")
            #expect(root.header("vary") == "Accept-Encoding")
            #expect(root.header("content-encoding") == nil)
            #expect(root.header("etag")?.hasPrefix("\"") == true)
            #expect(root.header("last-modified")?.hasSuffix(" GMT") == true)

            let day = try await Self.request("GET", "/2026-11-28/", port: port)
            #expect(day.status == 200 && day.text.contains("2026-11-28 日报"))
            let redirect = try await Self.request("GET", "/2026-11-28", port: port)
            #expect(redirect.status == 301)
            #expect(redirect.header("location") == "/2026-11-28/")

            let expected: [(String, String)] = [
                ("/2026-11-28/waste-gas.json", "application/json; charset=utf-8"),
                ("/2026-11-28/waste-gas.csv", "text/csv; charset=utf-8"),
                ("/2026-11-28/chart.svg", "image/svg+xml"),
                ("/2026-11-28/site.css", "text/css; charset=utf-8"),
                ("/feed.xml", "application/atom+xml; charset=utf-8"),
                ("/other.xml", "application/xml; charset=utf-8"),
                ("/enterprises/E1.html", "text/html; charset=utf-8"),
                ("/enterprises/%45%31.html", "text/html; charset=utf-8"),
            ]
            for (path, type) in expected {
                let reply = try await Self.request("GET", path, port: port)
                #expect(reply.status == 200, "\(path)")
                #expect(reply.header("content-type") == type, "\(path)")
            }
        }
    }

    @Test("ETag and Last-Modified give 304; a changed tag or an old date gives the file again")
    func conditionalRequests() async throws {
        let (site, _) = try Self.makeSite()
        defer { try? FileManager.default.removeItem(at: site.deletingLastPathComponent()) }
        try await Self.withServer(site: site) { port in
            let first = try await Self.request("GET", "/2026-11-28/waste-gas.json", port: port)
            let eTag = try #require(first.header("etag"))
            let modified = try #require(first.header("last-modified"))

            let cached = try await Self.request("GET", "/2026-11-28/waste-gas.json", port: port, headers: [("If-None-Match", eTag)])
            #expect(cached.status == 304)
            #expect(cached.body.isEmpty)
            #expect(cached.header("etag") == eTag)
            let listed = try await Self.request("GET", "/2026-11-28/waste-gas.json", port: port, headers: [("If-None-Match", "\"x\", W/\(eTag)")])
            #expect(listed.status == 304)
            let other = try await Self.request("GET", "/2026-11-28/waste-gas.json", port: port, headers: [("If-None-Match", "\"other\"")])
            #expect(other.status == 200)
            #expect(other.text == #"{"date":"2026-11-28"}"#)

            let since = try await Self.request("GET", "/2026-11-28/waste-gas.json", port: port, headers: [("If-Modified-Since", modified)])
            #expect(since.status == 304)
            let old = try await Self.request(
                "GET", "/2026-11-28/waste-gas.json", port: port, headers: [("If-Modified-Since", "Sat, 01 Jan 2000 00:00:00 GMT")])
            #expect(old.status == 200)
        }
    }

    @Test("the .gz copy is sent with Content-Encoding when gzip is accepted, the plain file otherwise")
    func gzipCopies() async throws {
        let (site, _) = try Self.makeSite()
        defer { try? FileManager.default.removeItem(at: site.deletingLastPathComponent()) }
        try await Self.withServer(site: site) { port in
            let zipped = try await Self.request("GET", "/", port: port, headers: [("Accept-Encoding", "br, gzip, deflate")])
            #expect(zipped.status == 200)
            #expect(zipped.header("content-encoding") == "gzip")
            #expect(zipped.header("vary") == "Accept-Encoding")
            #expect(zipped.header("content-type") == "text/html; charset=utf-8")
            #expect(zipped.text == "GZIP-OF-INDEX")
            #expect(zipped.header("content-length") == "13")
            let zippedTag = try #require(zipped.header("etag"))
            #expect(zippedTag.hasSuffix("-gz\""))

            let plain = try await Self.request("GET", "/index.html", port: port)
            #expect(plain.header("content-encoding") == nil)
            #expect(plain.text == "<h1>信息公开首页</h1>")
            #expect(plain.header("etag") != zippedTag)
            let refused = try await Self.request("GET", "/", port: port, headers: [("Accept-Encoding", "gzip;q=0, identity")])
            #expect(refused.header("content-encoding") == nil)

            let revalidated = try await Self.request("GET", "/", port: port, headers: [("Accept-Encoding", "gzip"), ("If-None-Match", zippedTag)])
            #expect(revalidated.status == 304)
            #expect(revalidated.header("content-encoding") == "gzip")

            let stale = try await Self.request("GET", "/stale.html", port: port, headers: [("Accept-Encoding", "gzip")])
            #expect(stale.header("content-encoding") == nil)
            #expect(stale.text == "stale page")

            let head = try await Self.request("HEAD", "/", port: port, headers: [("Accept-Encoding", "gzip")])
            #expect(head.status == 200)
            #expect(head.header("content-length") == "13")
            #expect(head.body.isEmpty)
        }
    }

    @Test("hidden folders, traversal and links out of the root give the Chinese 404; writes give 405")
    func refusals() async throws {
        let (site, _) = try Self.makeSite()
        defer { try? FileManager.default.removeItem(at: site.deletingLastPathComponent()) }
        try await Self.withServer(site: site) { port in
            let hidden = [
                "/_meta/publications.json", "/%5fmeta/publications.json", "/_versions/", "/_versions/2026-11-28.1-0a1b2c3d/index.html",
                "/.hidden", "/%2ehidden", "/../outside/secret.txt", "/%2e%2e/outside/secret.txt", "/2026-11-28/../../outside/secret.txt",
                "/2026-11-28/..%2f..%2foutside%2fsecret.txt", "/escape/secret.txt", "/escape.txt", "/index.html%00.txt",
                "//etc/passwd", "/enterprises/", "/missing.html", "/index.html/",
            ]
            for path in hidden {
                let reply = try await Self.request("GET", path, port: port)
                #expect(reply.status == 404, "\(path)")
                #expect(!reply.text.contains("secret"), "\(path)")
            }
            let missing = try await Self.request("GET", "/_meta/publications.json", port: port)
            #expect(missing.text.contains("未找到"))
            #expect(missing.header("content-type") == "text/html; charset=utf-8")

            for method in ["POST", "PUT", "DELETE"] {
                let reply = try await Self.request(method, "/index.html", port: port)
                #expect(reply.status == 405, "\(method)")
                #expect(reply.header("allow") == "GET, HEAD")
            }
            #expect(FileManager.default.fileExists(atPath: site.path + "/index.html"))
        }
    }

    @Test("/metrics and /health still answer, before any file of the same name")
    func routesWin() async throws {
        let (site, _) = try Self.makeSite()
        defer { try? FileManager.default.removeItem(at: site.deletingLastPathComponent()) }
        try await Self.withServer(site: site) { port in
            let metrics = try await Self.request("GET", "/metrics", port: port)
            #expect(metrics.status == 200)
            #expect(metrics.text.contains("hj212_frames_total 2"))
            let health = try await Self.request("GET", "/health", port: port)
            #expect(health.status == 200)
            #expect(health.text.hasPrefix("ok"))
            let headHealth = try await Self.request("HEAD", "/health", port: port)
            #expect(headHealth.status == 200)
        }
    }

    @Test("request paths: decoding and refusals")
    func pathParsing() {
        #expect(SiteFiles.segments(ofRequestPath: "/")?.segments == [])
        #expect(SiteFiles.segments(ofRequestPath: "/")?.folder == true)
        #expect(SiteFiles.segments(ofRequestPath: "/2026-11-28/")?.segments == ["2026-11-28"])
        #expect(SiteFiles.segments(ofRequestPath: "/a%20b/%E6%97%A5.html")?.segments == ["a b", "日.html"])
        for bad in ["", "x", "/a//b", "/%2e%2e/x", "/a/..", "/_meta", "/.git/config", "/a%2fb", "/a%5cb", "/a%00", "/%zz", "/%ff"] {
            #expect(SiteFiles.segments(ofRequestPath: bad) == nil, "\(bad)")
        }
    }

    @Test("Accept-Encoding and HTTP dates")
    func headerParsing() {
        #expect(SiteFilesMiddleware<BasicRequestContext>.acceptsGzip(["gzip, deflate, br"]))
        #expect(SiteFilesMiddleware<BasicRequestContext>.acceptsGzip(["*"]))
        #expect(!SiteFilesMiddleware<BasicRequestContext>.acceptsGzip([]))
        #expect(!SiteFilesMiddleware<BasicRequestContext>.acceptsGzip(["gzip;q=0"]))
        #expect(!SiteFilesMiddleware<BasicRequestContext>.acceptsGzip(["*, gzip;q=0"]))
        #expect(!SiteFilesMiddleware<BasicRequestContext>.acceptsGzip(["br"]))
        #expect(HTTPDate.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT") == nil)
    }
}
