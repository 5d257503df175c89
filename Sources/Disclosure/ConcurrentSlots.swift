import Foundation

/// One slot per result (a page, a gzip copy), each written by exactly one concurrent iteration and read after all have
/// finished, so no slot is ever touched by two threads at once.
final class ConcurrentSlots: @unchecked Sendable {
    private let buffer: UnsafeMutableBufferPointer<Data>

    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: Data())
    }

    deinit {
        buffer.deinitialize()
        buffer.deallocate()
    }

    func set(_ index: Int, _ data: Data) { buffer[index] = data }

    func collect() -> [Data] { Array(buffer) }
}
