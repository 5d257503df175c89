import Foundation
import Synchronization
import Testing
@testable import Store

@Suite("Background priority: reads and judging yield to ingest")
struct BackgroundPriorityTests {
    @Test("the work runs lowered by ten nice levels and the thread gets its priority back")
    func lowersAndRestores() throws {
        guard BackgroundPriority.isAvailable, let before = BackgroundPriority.currentNice() else { return }
        let during = BackgroundPriority.run { BackgroundPriority.currentNice() }
        #expect(during == min(before + BackgroundPriority.steps, 19))
        #expect(BackgroundPriority.currentNice() == before)
    }

    @Test("a thread of its own is set to ten levels below the main thread, whatever it inherited")
    func lowersForGood() async throws {
        guard BackgroundPriority.isAvailable, let main = ThreadNice.main() else { return }
        let expected = min(main + BackgroundPriority.steps, 19)
        #expect(BackgroundPriority.backgroundNice == expected)
        let seen = Mutex<[Int32?]>([])
        let done = DispatchSemaphore(value: 0)
        // Created from a lowered thread, it starts lowered; the level is set, not shifted again.
        BackgroundPriority.run {
            let thread = Thread {
                let set = BackgroundPriority.lowerCurrentThreadForGood()
                seen.withLock { $0 = [set ? 1 : 0, BackgroundPriority.currentNice()] }
                done.signal()
            }
            thread.start()
        }
        done.wait()
        #expect(seen.withLock { $0 } == [1, expected])
    }

    @Test("an error thrown by the work still restores the priority")
    func restoresAfterError() {
        struct Failure: Error {}
        let before = BackgroundPriority.currentNice()
        #expect(throws: Failure.self) { try BackgroundPriority.run { () throws(Failure) -> Void in throw Failure() } }
        #expect(BackgroundPriority.currentNice() == before)
    }

    @Test("a store read runs ten nice levels below a plain read of the same pool")
    func storeReadsAreLowered() async throws {
        guard BackgroundPriority.isAvailable else { return }
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try SQLiteStore(path: database.path, logger: LogCapture().logger)
        try await store.migrate()
        // Both run on the pool's threads, which start at one priority (their queue's).
        let plain = try #require(try await store.pool.read { _ in BackgroundPriority.currentNice() })
        let lowered = try await store.backgroundRead { _ in BackgroundPriority.currentNice() }
        let after = try await store.pool.read { _ in BackgroundPriority.currentNice() }
        try await store.close()
        #expect(lowered == min(plain + BackgroundPriority.steps, 19))
        #expect(after == plain)
    }
}
