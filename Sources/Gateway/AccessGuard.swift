import NIOConcurrencyHelpers

/// Bounds who may connect: connections overall and per source address, and sources that keep
/// sending wrong passwords (slowed at first, then blocked for a while).
public final class AccessGuard: Sendable {
    public struct Settings: Sendable {
        public var maxConnections: Int
        public var maxConnectionsPerIP: Int
        public var badPasswordThreshold: Int
        public var badPasswordWindowSeconds: Double
        public var blockSeconds: Double

        public init(maxConnections: Int = 20_000, maxConnectionsPerIP: Int = 256, badPasswordThreshold: Int = 5, badPasswordWindowSeconds: Double = 60, blockSeconds: Double = 600) {
            self.maxConnections = maxConnections
            self.maxConnectionsPerIP = maxConnectionsPerIP
            self.badPasswordThreshold = badPasswordThreshold
            self.badPasswordWindowSeconds = badPasswordWindowSeconds
            self.blockSeconds = blockSeconds
        }
    }

    /// Why a connection was refused.
    public enum Refusal: String, Sendable {
        case tooManyConnections = "too_many_connections"
        case tooManyFromAddress = "too_many_connections_from_address"
        case blocked = "blocked_for_bad_passwords"
    }

    private struct State {
        var total = 0
        var perAddress: [String: Int] = [:]
        var failures: [String: [Double]] = [:]
        var blockedUntil: [String: Double] = [:]
    }

    private let settings: Settings
    private let state = NIOLockedValueBox(State())

    public init(settings: Settings) {
        self.settings = settings
    }

    /// Admits a new connection from `address` at time `now` (seconds on any monotonic clock).
    public func open(address: String, now: Double) -> Refusal? {
        state.withLockedValue { state in
            if let until = state.blockedUntil[address] {
                if until > now { return .blocked }
                state.blockedUntil[address] = nil
            }
            if state.total >= settings.maxConnections { return .tooManyConnections }
            if state.perAddress[address, default: 0] >= settings.maxConnectionsPerIP { return .tooManyFromAddress }
            state.total += 1
            state.perAddress[address, default: 0] += 1
            return nil
        }
    }

    /// Releases a connection admitted by `open`.
    public func close(address: String) {
        state.withLockedValue { state in
            state.total = max(0, state.total - 1)
            let remaining = state.perAddress[address, default: 1] - 1
            state.perAddress[address] = remaining > 0 ? remaining : nil
        }
    }

    /// Records a wrong password. Returns how long to stall this source before going on, and
    /// whether it is now blocked (its connection should be closed).
    public func badPassword(address: String, now: Double) -> (delaySeconds: Double, blocked: Bool) {
        state.withLockedValue { state in
            var recent = (state.failures[address] ?? []).filter { now - $0 < settings.badPasswordWindowSeconds }
            recent.append(now)
            state.failures[address] = recent
            if recent.count >= settings.badPasswordThreshold {
                state.blockedUntil[address] = now + settings.blockSeconds
                state.failures[address] = nil
                return (0, true)
            }
            return (min(5, 0.25 * Double(recent.count)), false)
        }
    }

    /// Whether an address is blocked now.
    public func isBlocked(address: String, now: Double) -> Bool {
        state.withLockedValue { ($0.blockedUntil[address] ?? 0) > now }
    }

    public var activeConnections: Int { state.withLockedValue { $0.total } }
}
