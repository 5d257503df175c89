import Dispatch
import Store

/// The compliance engine's executor: runs the actor's jobs one at a time on a queue of its own,
/// each at background priority (``BackgroundPriority``).
///
/// Judging is work nobody waits on, but it comes in bursts: when many hours close at once (a
/// back-fill, or a fleet's top of the hour) the engine judges thousands of periods in a few
/// seconds. On the shared pool at the normal priority it took an equal share of the cores from
/// the event loops and the store's writer, and 9014 answers took over 50 ms for the second or
/// two each burst lasted. Only the reads and the arithmetic ran lowered; now all of the actor's
/// code does. A job runs until the actor's next `await`, so the priority is set and put back
/// around each one and never leaks to other work on the queue's threads.
final class BackgroundExecutor: SerialExecutor {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async { BackgroundPriority.run { job.runSynchronously(on: executor) } }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }
}
