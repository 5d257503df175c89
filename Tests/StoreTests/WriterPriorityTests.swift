#if os(Linux)
import CThread
import Glibc
@testable import Store
import Testing

/// The commit thread's priority boost: raised by its steps when the process may, and always
/// put back afterwards, so the worker thread that ran the commit is left as it was.
@Suite("writer priority")
struct WriterPriorityTests {
    private func nice() -> Int32 {
        getpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(hj212_thread_id()))
    }

    @Test("raise lowers the nice value by its steps, or reports that it could not; restore puts it back")
    func raiseAndRestore() {
        let before = nice()
        if let previous = WriterPriority.raise() {
            #expect(previous == before)
            #expect(nice() == before - WriterPriority.steps)
            WriterPriority.restore(previous)
        } else {
            // Not allowed here (no CAP_SYS_NICE): nothing changed.
            #expect(nice() == before)
        }
        #expect(nice() == before)
    }
}
#endif
