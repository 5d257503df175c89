import GRDB
import GRDBSQLite

/// `SQLITE_TRANSIENT`: SQLite copies bound text and blobs (the C macro is not imported into Swift).
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// One of GRDB's statements (usually a cached one, on the writer connection), driven through the
/// C API in the commit's hot loop and in the blob readers.
///
/// GRDB's statement layer boxes every argument into a `DatabaseValue`; binding through the C API
/// is about twice as fast. GRDB keeps the prepared statement for the connection's lifetime (and
/// finalizes it on close), so a commit prepares nothing once the cache is warm. Every use binds
/// every parameter and resets the statement afterwards, so nothing leaks from one use to the
/// next. Only used inside one database access (a write, or a read on a reader connection), on
/// the connection's own queue.
struct RawStatement {
    let connection: OpaquePointer
    let handle: OpaquePointer
    /// Keeps GRDB's statement (the owner of `handle`) alive.
    private let statement: Statement

    init(cached sql: String, on db: Database) throws {
        try self.init(try db.cachedStatement(sql: sql), on: db)
    }

    /// A statement of its own, not kept in GRDB's cache (for one-off work such as a migration
    /// that reads a table it then drops); finalized when the last copy goes away.
    init(uncached sql: String, on db: Database) throws {
        try self.init(try db.makeStatement(sql: sql), on: db)
    }

    private init(_ statement: Statement, on db: Database) throws {
        guard let connection = db.sqliteConnection else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "the database connection is closed", sql: statement.sql)
        }
        self.statement = statement
        self.connection = connection
        handle = statement.sqliteStatement
    }

    var sql: String { statement.sql }

    @inline(__always)
    func bind(_ index: Int32, _ value: String) throws {
        var text = value
        let code = text.withUTF8 { bytes in
            // A NULL pointer would bind SQL NULL; an empty string must stay an empty string.
            if let base = bytes.baseAddress, bytes.count > 0 {
                base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    sqlite3_bind_text(handle, index, $0, Int32(bytes.count), transient)
                }
            } else {
                sqlite3_bind_text(handle, index, "", 0, transient)
            }
        }
        try check(code)
    }

    @inline(__always)
    func bind(_ index: Int32, _ value: String?) throws {
        if let value { try bind(index, value) } else { try check(sqlite3_bind_null(handle, index)) }
    }

    @inline(__always)
    func bind(_ index: Int32, _ value: Double?) throws {
        // SQLite stores NaN as NULL; the duplicate check treats them alike.
        let code = if let value { sqlite3_bind_double(handle, index, value) } else { sqlite3_bind_null(handle, index) }
        try check(code)
    }

    @inline(__always)
    func bindNull(_ index: Int32) throws {
        try check(sqlite3_bind_null(handle, index))
    }

    @inline(__always)
    func bind(_ index: Int32, _ value: Int64) throws {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    @inline(__always)
    func bind(_ index: Int32, _ value: Int) throws {
        try check(sqlite3_bind_int64(handle, index, Int64(value)))
    }

    @inline(__always)
    func bind(_ index: Int32, _ value: Int?) throws {
        if let value { try bind(index, value) } else { try bindNull(index) }
    }

    func bind(_ index: Int32, bytes: [UInt8]) throws {
        let code = bytes.withUnsafeBytes { buffer in
            if let base = buffer.baseAddress, buffer.count > 0 {
                sqlite3_bind_blob(handle, index, base, Int32(buffer.count), transient)
            } else {
                sqlite3_bind_zeroblob(handle, index, 0)
            }
        }
        try check(code)
    }

    /// Binds text through the arena (`SQLITE_STATIC`); see ``BindArena``.
    @inline(__always)
    func bind(_ index: Int32, _ value: String, arena: inout BindArena) throws {
        var text = value
        try text.withUTF8 { bytes in try bind(index, text: UnsafeRawBufferPointer(bytes), arena: &arena) }
    }

    @inline(__always)
    func bind(_ index: Int32, _ value: String?, arena: inout BindArena) throws {
        if let value { try bind(index, value, arena: &arena) } else { try check(sqlite3_bind_null(handle, index)) }
    }

    /// Binds UTF-8 text through the arena.
    @inline(__always)
    func bind(_ index: Int32, text bytes: UnsafeRawBufferPointer, arena: inout BindArena) throws {
        let code: Int32
        if bytes.isEmpty {
            code = sqlite3_bind_text(handle, index, "", 0, transient)
        } else if let stored = arena.store(bytes) {
            code = sqlite3_bind_text(handle, index, stored.assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil)
        } else {
            code = sqlite3_bind_text(handle, index, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(bytes.count), transient)
        }
        try check(code)
    }

    /// Binds a blob through the arena (an empty one binds an empty blob, not NULL).
    @inline(__always)
    func bind(_ index: Int32, blob bytes: UnsafeRawBufferPointer, arena: inout BindArena) throws {
        let code: Int32
        if bytes.isEmpty {
            code = sqlite3_bind_zeroblob(handle, index, 0)
        } else if let stored = arena.store(bytes) {
            code = sqlite3_bind_blob(handle, index, stored, Int32(bytes.count), nil)
        } else {
            code = sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), transient)
        }
        try check(code)
    }

    /// Drops every binding (before the memory of arena-bound values goes away).
    func clearBindings() { sqlite3_clear_bindings(handle) }

    /// A failed bind (out of memory, value too big) must not let the statement run.
    @inline(__always)
    private func check(_ code: Int32) throws {
        if code != SQLITE_OK { throw failure(code) }
    }

    /// Runs a statement that returns no rows, then resets it (bindings stay).
    @inline(__always)
    func run() throws {
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else { throw failure(code) }
    }

    /// Steps once: true while a row is available.
    func step() throws -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            sqlite3_reset(handle)
            throw failure(code)
        }
    }

    func reset() { sqlite3_reset(handle) }

    /// Rows changed by the last statement run on the connection.
    var changes: Int32 { sqlite3_changes(connection) }

    func double(_ column: Int32) -> Double? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_double(handle, column)
    }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    /// A blob column's bytes, valid until the statement steps again or is reset.
    func blob(_ column: Int32) -> UnsafeRawBufferPointer {
        // The pointer first, then the size (SQLite's documented order).
        guard let pointer = sqlite3_column_blob(handle, column) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(handle, column)))
    }

    func text(_ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    private func failure(_ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
    }
}
