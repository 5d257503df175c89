import GRDB
import Testing
@testable import Store

@Suite("The writer's page cache is sized for the fleet")
struct WriterCacheTests {
    @Test("about two pages per device over a base, between 8 MiB and 64 MiB of 4 KiB pages")
    func sizes() {
        #expect(SQLiteStore.writerCachePages(forDevices: 0) == 2048)
        #expect(SQLiteStore.writerCachePages(forDevices: 500) == 2048)
        #expect(SQLiteStore.writerCachePages(forDevices: 1_000) == 3024)
        #expect(SQLiteStore.writerCachePages(forDevices: 5_000) == 11_024)
        #expect(SQLiteStore.writerCachePages(forDevices: 10_000) == 16_384)
        #expect(SQLiteStore.writerCachePages(forDevices: -3) == 2048)
    }

    @Test("a store opens with the small fleet's cache; sizing counts the devices already seen")
    func appliedToTheWriter() async throws {
        try await withStore { store, _ in
            func writerCache() throws -> Int? {
                try store.pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") }
            }
            #expect(try writerCache() == 2048)
            #expect(try store.sizeWriterCache(registered: 1_000) == 3024)
            #expect(try writerCache() == 3024)

            // 3,000 devices seen (accepted unregistered, say) outweigh 10 registered.
            let events = (0..<3_000).map { index in
                DeviceEvent(
                    kind: .seen, mn: "MN\(index)", atMillis: 1_000, qn: nil, cn: "9015", connection: "c", peer: "p")
            }
            _ = try await store.commit(WriteBatch(events: events))
            #expect(try store.sizeWriterCache(registered: 10) == 7024)
            #expect(try writerCache() == 7024)
        }
    }
}
