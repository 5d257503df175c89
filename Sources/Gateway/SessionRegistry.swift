import HJ212
import NIOCore

/// Which connection holds each device, so the platform can send it commands, and which
/// commands are waiting for answers (history requests mark the uploads they bring back).
public actor SessionRegistry {
    /// A command sent and what became of it.
    public struct CommandRecord: Sendable {
        public var mn: String
        public var qn: String
        public var command: DownlinkCommand
        public var answers: [String]
    }

    private struct Session {
        var connection: String
        var writer: NIOAsyncChannelOutboundWriter<ByteBuffer>
        var edition: Edition
        var st: String
        var password: String
    }

    private var sessions: [String: Session] = [:]
    private var commands: [String: CommandRecord] = [:]
    private var historyWindows: [String: [(cn: String, begin: LocalDateTime, end: LocalDateTime, expires: ContinuousClock.Instant)]] = [:]

    public init() {}

    /// Notes that `mn` speaks on `connection` (called on its frames).
    func attach(mn: String, connection: String, writer: NIOAsyncChannelOutboundWriter<ByteBuffer>, edition: Edition, st: String, password: String) {
        if let existing = sessions[mn], existing.connection == connection { return }
        sessions[mn] = Session(connection: connection, writer: writer, edition: edition, st: st, password: password)
    }

    /// Forgets the devices of a closed connection.
    func detach(connection: String) {
        sessions = sessions.filter { $0.value.connection != connection }
    }

    /// The devices connected now.
    public var connectedDevices: [String] { Array(sessions.keys).sorted() }

    /// Sends a command to a connected device. Returns false when the device is not connected here.
    public func send(_ command: DownlinkCommand, to mn: String, qn: String) async -> Bool {
        guard let session = sessions[mn] else { return false }
        let packet = command.packet(qn: qn, st: session.st, pw: session.password, mn: mn, edition: session.edition)
        commands[qn] = CommandRecord(mn: mn, qn: qn, command: command, answers: [])
        if case .history(let kind, let begin, let end) = command {
            historyWindows[mn, default: []].append((kind.cn, begin, end, .now + .seconds(600)))
        }
        do {
            try await session.writer.write(ByteBuffer(bytes: packet.encode()))
            return true
        } catch {
            return false
        }
    }

    /// Records a 9011/9012 answer.
    func answered(mn: String, qn: String?, cn: String, detail: String) {
        guard let qn, var record = commands[qn] else { return }
        record.answers.append("\(cn) \(detail)")
        commands[qn] = record
        if cn == "9012" { historyWindows[mn]?.removeAll { $0.cn == record.command.cn } }
    }

    /// A command's answers so far.
    public func record(qn: String) -> CommandRecord? { commands[qn] }

    /// Whether an upload falls in a pending history request for its device.
    func isHistoryAnswer(mn: String, cn: String, dataTime: LocalDateTime) -> Bool {
        guard var windows = historyWindows[mn], !windows.isEmpty else { return false }
        let now = ContinuousClock.now
        windows.removeAll { $0.expires < now }
        historyWindows[mn] = windows
        return windows.contains { $0.cn == cn && $0.begin <= dataTime && dataTime <= $0.end }
    }
}
