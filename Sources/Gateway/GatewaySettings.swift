import HJ212

/// How the TCP ingest behaves: where it listens, what it tolerates, and its bounds.
public struct GatewaySettings: Sendable {
    public var host: String
    public var port: Int
    /// A name for this node, prefixed to connection ids (`node1/42`).
    public var nodeName: String
    public var framing: FramingOptions
    /// The decode policy for devices that do not set their own.
    public var policy: DecodePolicy
    /// Store data from devices not in the registry (recorded as pending) instead of refusing it.
    public var acceptUnregistered: Bool
    /// Close a connection that sends nothing for this long.
    public var idleTimeoutSeconds: Int64
    /// Close a connection after this many bytes without a valid frame.
    public var junkBytesLimit: Int
    /// Close a connection that sends no valid frame for this long.
    public var noValidFrameSeconds: Double
    /// Give up on the missing pieces of a split packet after this long.
    public var splitTimeoutSeconds: Double
    /// Reply 9013 to a 2025 heartbeat (9015) that asks for an answer.
    public var answerHeartbeats: Bool
    /// How many uploads one connection may have waiting for their commit while it reads on.
    /// Answers still leave in frame order, each after its own commit.
    public var pipelineDepth: Int
    /// How long bytes that hold a whole frame without its CR LF wait for more before the frame is
    /// taken as it is (devices that omit the terminator would otherwise wait for their answer).
    public var terminatorGraceMillis: Int

    public init(
        host: String = "0.0.0.0", port: Int = 9212, nodeName: String = "node1", framing: FramingOptions = FramingOptions(),
        policy: DecodePolicy = .lenient, acceptUnregistered: Bool = false, idleTimeoutSeconds: Int64 = 900,
        junkBytesLimit: Int = 64 * 1024, noValidFrameSeconds: Double = 120, splitTimeoutSeconds: Double = 120,
        answerHeartbeats: Bool = true, pipelineDepth: Int = 16, terminatorGraceMillis: Int = 300
    ) {
        self.host = host
        self.port = port
        self.nodeName = nodeName
        self.framing = framing
        self.policy = policy
        self.acceptUnregistered = acceptUnregistered
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.junkBytesLimit = junkBytesLimit
        self.noValidFrameSeconds = noValidFrameSeconds
        self.splitTimeoutSeconds = splitTimeoutSeconds
        self.answerHeartbeats = answerHeartbeats
        self.pipelineDepth = pipelineDepth
        self.terminatorGraceMillis = max(1, terminatorGraceMillis)
    }
}
