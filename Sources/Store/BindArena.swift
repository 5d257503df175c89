/// Memory for text and blobs bound to a statement with `SQLITE_STATIC`, so SQLite does not
/// allocate and copy each value as it does for `SQLITE_TRANSIENT`.
///
/// The commit loop resets the arena, copies one statement's values in, binds them and runs the
/// statement; SQLite reads bound values only while stepping, and every use binds every
/// parameter anew, so a value is never read after the arena was reset. The memory never moves:
/// a value that does not fit is bound transient instead. The owner clears the statements'
/// bindings before the arena goes away.
struct BindArena: ~Copyable {
    private let base: UnsafeMutableRawPointer
    let capacity: Int
    private var used = 0

    init(capacity: Int = 64 * 1024) {
        self.capacity = capacity
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
    }

    deinit { base.deallocate() }

    /// Forgets every value: call before binding the next statement's values.
    mutating func reset() { used = 0 }

    /// Copies bytes in; nil when they do not fit.
    @inline(__always)
    mutating func store(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawPointer? {
        guard let source = bytes.baseAddress, bytes.count <= capacity - used else { return nil }
        let target = base + used
        target.copyMemory(from: source, byteCount: bytes.count)
        used += bytes.count
        return UnsafeRawPointer(target)
    }
}
