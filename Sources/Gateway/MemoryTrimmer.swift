#if os(Linux)
import CMalloc
#endif

/// Gives the heap pages freed after a burst back to the operating system.
///
/// The allocator keeps freed memory for reuse (glibc in its arenas, jemalloc, which `hj212`
/// links on Linux, as dirty pages it purges only after seconds), so after thousands of devices
/// upload at once (a reconnect storm, the top of the hour) the gateway's resident memory would
/// stay at the burst's peak while it idles. The committer calls `trimAfterBurst` when its queue runs
/// empty after many frames; the trim runs off the commit path, at most once a second.
public enum MemoryTrimmer {
    /// Frames committed since the last trim that make a burst worth trimming after.
    static let burstFrames = 1_000

    /// Caps glibc's malloc arenas. By default glibc gives busy threads arenas of their own
    /// (up to 8 per core); each keeps its own freed memory, so a burst spread over the event
    /// loops, the concurrency pool and SQLite's thread strands memory in every one of them.
    /// `hj212 serve` calls this once at start.
    public static func limitArenas(_ count: Int32 = 2) {
        #if os(Linux)
        _ = mallopt(M_ARENA_MAX, count)
        #endif
    }

    static func trim() {
        #if os(Linux)
        if hj212_jemalloc_purge() != 0 { _ = malloc_trim(0) }
        #endif
    }

    /// The allocator serving the process: "jemalloc" or "glibc".
    public static var allocator: String {
        #if os(Linux)
        return hj212_mallctl() != nil ? "jemalloc" : "glibc"
        #else
        return "system"
        #endif
    }
}
