import HJ212
import NIOConcurrencyHelpers
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
        var channel: any Channel
        var edition: Edition
        var st: String
        var password: String
    }

    private struct Sessions {
        var byMN: [String: Session] = [:]
        /// The devices each connection speaks for (a logger may relay several MNs).
        var devicesByConnection: [String: Set<String>] = [:]
    }

    /// Under a lock, not on the actor: connections attach and detach without a hop (and without
    /// an async frame that their task would keep for its whole life).
    private nonisolated let sessions = NIOLockedValueBox(Sessions())
    private var commands: [String: CommandRecord] = [:]
    private var historyWindows: [String: [(cn: String, begin: LocalDateTime, end: LocalDateTime, expires: ContinuousClock.Instant)]] = [:]
    /// The devices with a history request pending, readable without a hop onto the actor: every
    /// upload asks, and almost always the answer is no.
    private nonisolated let devicesWithHistoryPending = NIOLockedValueBox(Set<String>())

    public init() {}

    /// Notes that `mn` speaks on `connection` (called on its first frame there).
    nonisolated func attach(mn: String, connection: String, channel: any Channel, edition: Edition, st: String, password: String) {
        sessions.withLockedValue { sessions in
            if let existing = sessions.byMN[mn] {
                if existing.connection == connection { return }
                sessions.devicesByConnection[existing.connection]?.remove(mn)
            }
            sessions.byMN[mn] = Session(connection: connection, channel: channel, edition: edition, st: st, password: password)
            sessions.devicesByConnection[connection, default: []].insert(mn)
        }
    }

    /// Forgets the devices of a closed connection.
    nonisolated func detach(connection: String) {
        sessions.withLockedValue { sessions in
            guard let devices = sessions.devicesByConnection.removeValue(forKey: connection) else { return }
            for mn in devices where sessions.byMN[mn]?.connection == connection {
                sessions.byMN[mn] = nil
            }
        }
    }

    /// The devices connected now.
    public var connectedDevices: [String] { sessions.withLockedValue { Array($0.byMN.keys) }.sorted() }

    /// Sends a command to a connected device. Returns false when the device is not connected here.
    public func send(_ command: DownlinkCommand, to mn: String, qn: String) async -> Bool {
        guard let session = sessions.withLockedValue({ $0.byMN[mn] }) else { return false }
        let packet = command.packet(qn: qn, st: session.st, pw: session.password, mn: mn, edition: session.edition)
        commands[qn] = CommandRecord(mn: mn, qn: qn, command: command, answers: [])
        if case .history(let kind, let begin, let end) = command {
            historyWindows[mn, default: []].append((kind.cn, begin, end, .now + .seconds(600)))
            devicesWithHistoryPending.withLockedValue { _ = $0.insert(mn) }
        }
        do {
            try await session.channel.writeAndFlush(ByteBuffer(bytes: packet.encode()))
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
        if cn == "9012" {
            historyWindows[mn]?.removeAll { $0.cn == record.command.cn }
            if historyWindows[mn]?.isEmpty ?? true { forgetHistory(of: mn) }
        }
    }

    private func forgetHistory(of mn: String) {
        historyWindows[mn] = nil
        devicesWithHistoryPending.withLockedValue { _ = $0.remove(mn) }
    }

    /// Whether a device may have a history request pending (cheap, no hop onto the actor).
    nonisolated func mayHaveHistoryPending(_ mn: String) -> Bool {
        devicesWithHistoryPending.withLockedValue { !$0.isEmpty && $0.contains(mn) }
    }

    /// A command's answers so far.
    public func record(qn: String) -> CommandRecord? { commands[qn] }

    /// Whether an upload falls in a pending history request for its device.
    func isHistoryAnswer(mn: String, cn: String, dataTime: LocalDateTime) -> Bool {
        guard var windows = historyWindows[mn], !windows.isEmpty else { return false }
        let now = ContinuousClock.now
        windows.removeAll { $0.expires < now }
        if windows.isEmpty {
            forgetHistory(of: mn)
            return false
        }
        historyWindows[mn] = windows
        return windows.contains { $0.cn == cn && $0.begin <= dataTime && dataTime <= $0.end }
    }
}
