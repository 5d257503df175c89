import Hummingbird
import Logging
import NIOCore
import Prometheus

/// The http listener: `/metrics` (Prometheus text) and `/health` now, the public disclosure
/// site later. Read-only: it has no route that writes anything.
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
    public static func application(
        host: String, port: Int, registry: PrometheusCollectorRegistry, logger: Logger,
        health: @escaping @Sendable () async -> Health,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
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
