import Hummingbird
import Logging
import NIOCore
import Prometheus

/// The http listener: `/metrics` (Prometheus text), `/health` and, when a site directory is
/// given, the public disclosure site's static files. Read-only: nothing it serves can write.
public enum HTTPFront {
    /// What `/health` reports.
    public struct Health: Sendable {
        public var ok: Bool
        public var detail: String

        public init(ok: Bool, detail: String) {
            self.ok = ok
            self.detail = detail
        }
    }

    /// Builds the application (a swift-service-lifecycle `Service`).
    ///
    /// With `siteDirectory`, GET and HEAD of any other path serve that folder's files (see
    /// `SiteFilesMiddleware`): `index.html` for `/` and folders, `.gz` copies to gzip clients,
    /// ETag/Last-Modified with 304, and 404 for anything hidden (`_…`, `.…`) or outside it.
    public static func application(
        host: String, port: Int, registry: PrometheusCollectorRegistry, logger: Logger,
        health: @escaping @Sendable () async -> Health,
        siteDirectory: String? = nil,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        // HEAD /health and HEAD /metrics answer like GET (without a body) rather than falling
        // through to the site's files.
        let router = Router(options: .autoGenerateHeadEndpoints)
        if let siteDirectory {
            logger.info("serving the disclosure site", metadata: ["directory": "\(siteDirectory)"])
            router.add(middleware: SiteFilesMiddleware(files: SiteFiles(root: siteDirectory), threadPool: .singleton, logger: logger))
        }
        router.get("/health") { _, _ -> Response in
            let report = await health()
            return Response(
                status: report.ok ? .ok : .serviceUnavailable,
                headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: (report.ok ? "ok\n" : "unavailable\n") + report.detail + "\n")))
        }
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "hj212-gateway"),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                logger.info("http listening", metadata: ["address": "\(host):\(bound)"])
                await onRunning(bound)
            },
            logger: logger)
    }
}
