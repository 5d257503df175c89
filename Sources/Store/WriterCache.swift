import GRDB

// The writer connection's page cache: big enough for the pages every upload touches, and no
// bigger, because SQLite walks the whole cache at the end of many commits.
//
// An upload dirties its device's leaf of `records_by_key` and its row's page of `devices`, so
// the pages that must stay hot between batches are about one per device, plus the trees'
// interior pages and the tails of the append-only tables. A cache smaller than that reads those
// pages back from the file at every batch.
//
// A cache much larger than that costs CPU on every commit that split a B-tree page. SQLite
// (3.40 here) moves a page to a temporary page number far past the end of the file while it
// reorders the pages of a split, so at the end of the transaction its page cache finds a page
// beyond the database's size and truncates by walking every page it holds, not only the last
// few. With the cache full of the tables' cold tails (a 64 MiB cache holds 16,000 pages) that walk
// was 8.7 % of the gateway's CPU samples at 20,000 uploads/s from 1,000 devices; with a 12 MiB
// cache (3,072 pages, about what is set here for 1,000 devices) it was 1.7 %.
extension SQLiteStore {
    /// Pages of cache kept per device uploading: its index leaf, with room to spare.
    static let cachePagesPerDevice = 2
    /// Interior pages, the tables' tails and the compliance tables' working pages.
    static let cacheBasePages = 1024
    /// Bounds: 8 MiB and 64 MiB with 4 KiB pages.
    static let cachePageRange = 2048...16384

    /// The writer's cache, in pages, for a fleet of `devices` devices.
    public static func writerCachePages(forDevices devices: Int) -> Int {
        let wanted = cacheBasePages + cachePagesPerDevice * max(0, devices)
        return min(max(wanted, cachePageRange.lowerBound), cachePageRange.upperBound)
    }

    /// Sizes the writer's page cache for the fleet that will upload: the larger of the devices
    /// `registered` in the configuration and those the store has already seen (unregistered
    /// devices accepted as pending count too). Returns the size set, in pages.
    @discardableResult
    public func sizeWriterCache(registered: Int) throws -> Int {
        do {
            return try pool.writeWithoutTransaction { db in
                let seen = try Int.fetchOne(db, sql: "SELECT count(*) FROM devices") ?? 0
                let pages = Self.writerCachePages(forDevices: max(registered, seen))
                try db.execute(sql: "PRAGMA cache_size = \(pages)")
                logger.debug("writer cache sized", metadata: [
                    "devices": "\(max(registered, seen))", "pages": "\(pages)",
                ])
                return pages
            }
        } catch {
            throw StoreError(wrapping: error, operation: "sizing the page cache of \(path)")
        }
    }
}
