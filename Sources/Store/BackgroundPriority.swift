import Foundation
import Synchronization

/// Runs work that nobody is waiting on at the moment (reads for compliance, publication, the
/// CLI) at a lower thread priority, so that under load it takes the CPU that ingest leaves over
/// instead of an equal share of it.
///
/// The gateway's promise is the acknowledgement: a device waits for its 9014 while compliance
/// judges hours and the day's publication reads the store. When the cores are busy the kernel
/// shares them evenly between runnable threads, so that background work used to delay acks by
/// hundreds of milliseconds. Lowered by ``steps`` nice levels, it gets about a tenth of a
/// contended core and all of an idle one; nothing is skipped, only deferred.
///
/// The work runs on shared pool threads, so the thread's priority is put back afterwards. Putting
/// it back is raising it, which needs CAP_SYS_NICE (root) or an RLIMIT_NICE that allows it
/// (systemd's `LimitNICE=`): without either the work runs at the normal priority, as before.
public enum BackgroundPriority {
    /// Nice levels the calling thread is lowered by.
    public static let steps: Int32 = 10

    /// Whether this process may lower a thread and raise it back again. Tried once, on a thread
    /// of its own that ends afterwards: being root is not enough (containers drop CAP_SYS_NICE),
    /// and a shared thread left lowered would slow whatever it runs next, commits included.
    public static let isAvailable: Bool = {
        #if os(Linux)
        let result = Mutex(false)
        let done = DispatchSemaphore(value: 0)
        let probe = Thread {
            if let nice = currentNice(), nice < 19, ThreadNice.set(nice + 1) {
                let restored = ThreadNice.set(nice)
                result.withLock { $0 = restored }
            }
            done.signal()
        }
        probe.start()
        done.wait()
        return result.withLock { $0 }
        #else
        return false
        #endif
    }()

    /// Runs `body` on the calling thread with its priority lowered by ``steps`` (when
    /// ``isAvailable``), and restores the priority afterwards.
    public static func run<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        guard isAvailable, let previous = currentNice() else { return try body() }
        let lowered = min(previous + steps, 19)
        guard lowered > previous, ThreadNice.set(lowered) else { return try body() }
        defer { _ = ThreadNice.set(previous) }
        return try body()
    }

    /// The calling thread's nice value, nil when it cannot be read.
    public static func currentNice() -> Int32? { ThreadNice.current() }

    /// The nice value background work runs at: ``steps`` below the process's main thread.
    public static var backgroundNice: Int32? {
        ThreadNice.main().map { min($0 + steps, 19) }
    }

    /// Puts the calling thread at ``backgroundNice`` for good: for a thread of its own that does
    /// nothing but background work (the compliance engine's). Lowering needs no privilege, and
    /// a thread inherits its creator's priority, which may have been raised (a commit) or
    /// lowered (a read), so the level is set, not shifted. Returns false when it could not be.
    @discardableResult
    public static func lowerCurrentThreadForGood() -> Bool {
        guard let nice = backgroundNice else { return false }
        return ThreadNice.set(nice)
    }
}
