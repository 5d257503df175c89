import ServiceLifecycle

/// Runs the group committer as a service. On graceful shutdown it writes what is queued, so
/// frames in flight are committed and answered before the process exits.
public struct CommitterService: Service {
    let committer: GroupCommitter

    public init(committer: GroupCommitter) {
        self.committer = committer
    }

    public func run() async throws {
        let committer = committer
        await withGracefulShutdownHandler {
            await committer.run()
        } onGracefulShutdown: {
            committer.finish()
        }
    }
}

/// Runs the device port as a service. On graceful shutdown it stops accepting, lets each
/// connection finish the frame it is on (commit, then answer), and closes them.
public struct DevicePortService: Service {
    let server: GatewayServer
    let listener: GatewayServer.Listener

    public init(server: GatewayServer, listener: GatewayServer.Listener) {
        self.server = server
        self.listener = listener
    }

    public func run() async throws {
        try await server.run(listener)
    }
}
