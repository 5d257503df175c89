import CThread
import Glibc

/// Reads and sets the calling thread's nice value: what `WriterPriority` raises for a commit and
/// `BackgroundPriority` lowers for background work, each putting it back afterwards.
enum ThreadNice {
    /// The calling thread's nice value, nil when it cannot be read.
    static func current() -> Int32? {
        #if os(Linux)
        return nice(ofThread: hj212_thread_id())
        #else
        return nil
        #endif
    }

    /// The nice value of the process's main thread (its thread id is the process id): the
    /// level its other threads start from.
    static func main() -> Int32? {
        #if os(Linux)
        return nice(ofThread: getpid())
        #else
        return nil
        #endif
    }

    /// Sets the calling thread's nice value; false when the system refuses it.
    static func set(_ nice: Int32) -> Bool {
        #if os(Linux)
        return setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(hj212_thread_id()), nice) == 0
        #else
        return false
        #endif
    }

    #if os(Linux)
    /// A thread's nice value by its kernel id (-1 is a valid value, so errno tells a failure).
    private static func nice(ofThread id: Int32) -> Int32? {
        errno = 0
        let nice = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(id))
        return nice == -1 && errno != 0 ? nil : nice
    }
    #endif
}
