import GRDB
import GRDBSQLite

/// `SQLITE_TRANSIENT`: SQLite copies bound text and blobs (the C macro is not imported into Swift).
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A statement prepared straight on GRDB's writer connection, for the commit's hot loop.
///
/// GRDB's statement layer boxes every argument into a `DatabaseValue`; binding through the C API
/// is about twice as fast. Bindings survive `reset()`, so values shared by a frame's readings are
/// bound once per frame. Only used inside one write access; not `Sendable`.
final class RawStatement {
    let connection: OpaquePointer
    let handle: OpaquePointer
    let sql: String

    init(_ sql: String, on db: Database) throws {
        guard let connection = db.sqliteConnection else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "the database connection is closed", sql: sql)
        }
        var handle: OpaquePointer?
        let code = sqlite3_prepare_v3(connection, sql, -1, 0, &handle, nil)
        guard code == SQLITE_OK, let handle else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
        self.connection = connection
        self.handle = handle
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    @inline(__always)
    func bind(_ index: Int32, _ value: String) {
        var text = value
        text.withUTF8 { bytes in
            // A NULL pointer would bind SQL NULL; an empty string must stay an empty string.
            if let base = bytes.baseAddress, bytes.count > 0 {
                base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    _ = sqlite3_bind_text(handle, index, $0, Int32(bytes.count), transient)
                }
            } else {
                _ = sqlite3_bind_text(handle, index, "", 0, transient)
            }
        }
    }

    @inline(__always)
    func bind(_ index: Int32, _ value: String?) {
        if let value { bind(index, value) } else { sqlite3_bind_null(handle, index) }
    }

    @inline(__always)
    func bind(_ index: Int32, _ value: Double?) {
        // SQLite stores NaN as NULL; the duplicate check treats them alike.
        if let value { sqlite3_bind_double(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    @inline(__always)
    func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(handle, index, value)
    }

    @inline(__always)
    func bind(_ index: Int32, _ value: Int) {
        sqlite3_bind_int64(handle, index, Int64(value))
    }

    func bind(_ index: Int32, bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            if let base = buffer.baseAddress, buffer.count > 0 {
                _ = sqlite3_bind_blob(handle, index, base, Int32(buffer.count), transient)
            } else {
                _ = sqlite3_bind_zeroblob(handle, index, 0)
            }
        }
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

    func text(_ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    private func failure(_ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
    }
}
