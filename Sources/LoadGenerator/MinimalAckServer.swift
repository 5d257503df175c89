import HJ212
import NIOCore
import NIOPosix

/// The "wire limit" baseline: a TCP server that answers every frame with a 9014 and does
/// nothing else.
///
/// It finds frame ends with ``FrameLocator`` and copies the QN, PW and MN bytes into the
/// answer (`QN=…;ST=91;CN=9014;PW=…;MN=…;Flag=4;CP=&&&&`). No CRC check, no parsing, no
/// admission, no storage: what a load generator measures against it is the cost of TCP,
/// framing and the generator itself on this machine, the ceiling for any real gateway.
public final class MinimalAckServer: Sendable {
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup?

    /// The port actually bound (useful with port 0).
    public var port: Int { channel.localAddress?.port ?? 0 }

    private init(channel: any Channel, group: MultiThreadedEventLoopGroup?) {
        self.channel = channel
        self.group = group
    }

    /// Binds and starts answering.
    /// - Parameters:
    ///   - host: the address to listen on.
    ///   - port: the port, or 0 for any free one (see ``port``).
    ///   - threads: event-loop threads (default: one per core). Ignored when `group` is given.
    ///   - group: an event-loop group to run on instead of a new one.
    public static func start(
        host: String = "127.0.0.1", port: Int = 0, threads: Int? = nil, group: (any EventLoopGroup)? = nil
    ) async throws -> MinimalAckServer {
        let owned = group == nil ? MultiThreadedEventLoopGroup(numberOfThreads: threads ?? System.coreCount) : nil
        let loops: any EventLoopGroup = group ?? owned!
        do {
            let channel = try await ServerBootstrap(group: loops)
                .serverChannelOption(.backlog, value: 4096)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { child in
                    child.eventLoop.makeCompletedFuture {
                        try child.pipeline.syncOperations.addHandler(AckHandler())
                    }
                }
                .bind(host: host, port: port)
                .get()
            return MinimalAckServer(channel: channel, group: owned)
        } catch {
            try? await owned?.shutdownGracefully()
            throw error
        }
    }

    /// Stops listening, closes the event loops it owns and returns. Open connections close
    /// with their loops.
    public func close() async throws {
        try? await channel.close()
        try await group?.shutdownGracefully()
    }

    /// Returns when the listener closes (for a process that only serves).
    public func waitUntilClosed() async throws {
        try await channel.closeFuture.get()
    }
}

/// Answers each frame on a connection with a 9014, batching the answers of one read in one write.
private final class AckHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var pending: ByteBuffer?
    private var segment: [UInt8] = []
    private var replies: ByteBuffer?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if replies == nil { replies = context.channel.allocator.buffer(capacity: 1024) }
        if var held = pending {
            pending = nil
            held.writeBuffer(&incoming)
            answer(&held)
            if held.readableBytes > 0 {
                held.discardReadBytes()
                pending = held
            }
        } else {
            answer(&incoming)
            if incoming.readableBytes > 0 { pending = incoming }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if let out = replies, out.readableBytes > 0 {
            replies = nil
            context.writeAndFlush(NIOAny(out), promise: nil)
        }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func answer(_ buffer: inout ByteBuffer) {
        while buffer.readableBytes > 0 {
            let location = buffer.withUnsafeReadableBytes { bytes -> FrameLocator.Location in
                let location = FrameLocator.locate(in: bytes, endOfInput: false)
                if case .frame(let found) = location { reply(to: bytes, dataEnd: found.dataEnd) }
                return location
            }
            switch location {
            case .needMore:
                return
            case .junk(let count):
                buffer.moveReaderIndex(forwardBy: count)
            case .malformed(let consumed, _, _):
                buffer.moveReaderIndex(forwardBy: consumed)
            case .frame(let found):
                buffer.moveReaderIndex(forwardBy: found.consumed)
            }
        }
    }

    private func reply(to frame: UnsafeRawBufferPointer, dataEnd: Int) {
        MinimalAckServer.answerSegment(to: frame, dataEnd: dataEnd, into: &segment)
        let crc = CRC16.hj212(segment)
        let length = min(segment.count, 9999)
        replies!.writeWithUnsafeMutableBytes(minimumWritableBytes: segment.count + 12) { out in
            out[0] = UInt8(ascii: "#")
            out[1] = UInt8(ascii: "#")
            FrameTemplate.writeDigits(length, width: 4, into: out, at: 2)
            segment.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: out[6..<(6 + segment.count)]).copyMemory(from: $0) }
            FrameTemplate.writeHex(crc, into: out, at: 6 + segment.count)
            out[10 + segment.count] = 0x0D
            out[11 + segment.count] = 0x0A
            return segment.count + 12
        }
    }
}

extension MinimalAckServer {
    private static let qnKey = Array("QN=".utf8)
    private static let middle = Array(";ST=91;CN=9014;PW=".utf8)
    private static let mnKey = Array(";MN=".utf8)
    private static let tail = Array(";Flag=4;CP=&&&&".utf8)

    /// The answer's data segment for the frame at the start of `frame` (data segment
    /// `6..<dataEnd`), written into `segment`.
    static func answerSegment(to frame: UnsafeRawBufferPointer, dataEnd: Int, into segment: inout [UInt8]) {
        let fields = ReplyPeek.fields(in: frame, dataEnd: dataEnd)
        segment.removeAll(keepingCapacity: true)
        func append(_ range: Range<Int>?, to segment: inout [UInt8]) {
            if let range { segment.append(contentsOf: UnsafeRawBufferPointer(rebasing: frame[range])) }
        }
        if fields.qn != nil {
            segment.append(contentsOf: qnKey)
            append(fields.qn, to: &segment)
            segment.append(contentsOf: middle)
        } else {
            segment.append(contentsOf: middle.dropFirst())
        }
        append(fields.pw, to: &segment)
        segment.append(contentsOf: mnKey)
        append(fields.mn, to: &segment)
        segment.append(contentsOf: tail)
    }

    /// The answer the server sends to one whole frame (`##` through CR LF), or nil when the
    /// bytes do not start with a frame. The same code path the server runs, for tests and tools.
    public static func answer(to frame: [UInt8]) -> [UInt8]? {
        frame.withUnsafeBytes { bytes -> [UInt8]? in
            guard case .frame(let found) = FrameLocator.locate(in: bytes, endOfInput: true) else { return nil }
            var segment: [UInt8] = []
            answerSegment(to: bytes, dataEnd: found.dataEnd, into: &segment)
            return PacketEncoder.frame(segment: segment)
        }
    }
}
