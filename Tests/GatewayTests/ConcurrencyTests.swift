import Foundation
import Gateway
import HJ212
import Store
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Many devices at once.
@Suite("gateway under many connections", .serialized)
struct ConcurrencyTests {
    /// Raises the open-file limit so 1,000 connections (2,000 sockets in this process) fit.
    static func raiseFileLimit() {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < 8192 {
            limit.rlim_cur = min(limit.rlim_max, 8192)
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
    }

    @Test("1,000 concurrent connections each get their upload stored and acknowledged")
    func thousandConnections() async throws {
        Self.raiseFileLimit()
        let devices = (0..<1000).map { index in
            DeviceProfile(mn: "TEST" + String(format: "%020d", index), password: "123456", edition: .hj2017)
        }
        let gateway = try await TestGateway(devices: devices, access: .init(maxConnections: 5000, maxConnectionsPerIP: 5000))
        let port = gateway.port
        let acked = try await withThrowingTaskGroup(of: Bool.self) { group in
            for device in devices {
                group.addTask {
                    let connection = try await DeviceConnection(port: port)
                    try await connection.send(Frames.upload(mn: device.mn, qn: "20261128080000999"))
                    let ack = try await connection.nextFrame(timeout: .seconds(60))
                    await connection.close()
                    return ack?.header.cn == "9014"
                }
            }
            var count = 0
            for try await ok in group where ok { count += 1 }
            return count
        }
        #expect(acked == 1000)
        #expect(try await gateway.store.counts().readings == 3000)
        await gateway.stop()
    }
}
