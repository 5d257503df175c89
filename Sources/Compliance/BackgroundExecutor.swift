import Dispatch
import Foundation
import Store
import Synchronization

/// The compliance engine's executor: runs the actor's jobs one at a time on a thread of its own
/// that stays at background priority (``BackgroundPriority/lowerCurrentThreadForGood()``).
///
/// Judging is work nobody waits on, but it comes in bursts: when many hours close at once (a
/// back-fill, or a fleet's top of the hour) the engine judges thousands of periods in a few
/// seconds. On the shared pool at the normal priority it took an equal share of the cores from
/// the event loops and the store's writer, and 9014 answers took over 50 ms for the second or
/// two each burst lasted. Only the reads and the arithmetic ran lowered; now all of the actor's
/// code does.
///
/// The thread is lowered once, when it starts, not around each job: a job runs only until the
/// actor's next `await`, and two `setpriority` calls per job made re-judging a province's day
/// 17 % slower here. The thread ends after a second without work and is started again by the
/// next job, so an idle engine holds no thread.
final class BackgroundExecutor: SerialExecutor {
    private struct State: ~Copyable {
        var jobs: [UnownedJob] = []
        /// A thread is draining `jobs` (at most one: the jobs run one at a time).
        var draining = false
    }

    private let label: String
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    /// How long the thread waits for work before it ends.
    static let idleTimeout: DispatchTimeInterval = .seconds(1)

    init(label: String) {
        self.label = label
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let start = state.withLock { state -> Bool in
            state.jobs.append(job)
            if state.draining { return false }
            state.draining = true
            return true
        }
        if start {
            let thread = Thread { [self] in drain() }
            thread.name = label
            thread.start()
        } else {
            wake.signal()
        }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Runs jobs until none has come for ``idleTimeout``.
    private func drain() {
        BackgroundPriority.lowerCurrentThreadForGood()
        let executor = asUnownedSerialExecutor()
        while true {
            let batch = state.withLock { state -> [UnownedJob] in
                defer { state.jobs.removeAll(keepingCapacity: true) }
                return state.jobs
            }
            for job in batch { job.runSynchronously(on: executor) }
            guard batch.isEmpty else { continue }
            if wake.wait(timeout: .now() + Self.idleTimeout) == .timedOut {
                let idle = state.withLock { state -> Bool in
                    guard state.jobs.isEmpty else { return false }
                    state.draining = false
                    return true
                }
                if idle { return }
            }
        }
    }
}
