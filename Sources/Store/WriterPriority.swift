/// Raises the priority of the thread that runs a commit, for the commit's duration.
///
/// The store has one writer, and under load it is the pipeline's narrowest stage: everything
/// upstream (reading sockets, decoding, answering) only waits on it. When the cores are busy,
/// the kernel shares them evenly between runnable threads, and the writer got about half a
/// core while it had work queued. Raised by a few nice steps, it gets the CPU it needs, and the
/// upstream stages slow down through back-pressure instead. Raising a priority needs
/// CAP_SYS_NICE or an RLIMIT_NICE that allows it (systemd's `LimitNICE=`); without it
/// commits run at the normal priority and the store says so once in its log.
enum WriterPriority {
    /// Nice steps a commit's thread is raised by.
    static let steps: Int32 = 5

    /// Raises the calling thread; returns its previous nice value to restore, or nil when the
    /// priority could not be raised.
    static func raise() -> Int32? {
        guard let current = ThreadNice.current(), ThreadNice.set(current - steps) else { return nil }
        return current
    }

    /// Puts the calling thread back to `nice` (lowering a priority is always allowed).
    static func restore(_ nice: Int32) {
        _ = ThreadNice.set(nice)
    }
}
