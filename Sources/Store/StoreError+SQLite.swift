import GRDB

extension StoreError {
    /// Turns a GRDB/SQLite error into words an operator can act on. Statement arguments never
    /// appear (GRDB redacts them), so no reading value or secret leaks into logs.
    init(wrapping error: any Error, operation: String) {
        if let error = error as? StoreError {
            self = error
            return
        }
        guard let error = error as? DatabaseError else {
            self.init(operation: operation, reason: "\(error)", remedy: "See the log for details.")
            return
        }
        let message = error.message ?? "SQLite error \(error.resultCode.rawValue)"
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            self.init(
                operation: operation,
                reason: "the database file is locked by another process (\(message))",
                remedy: "Stop the other gateway or point --db elsewhere; readers such as the CLI do not block the gateway for long, so retry if one was running.")
        case .SQLITE_FULL:
            self.init(
                operation: operation,
                reason: "the disk is full",
                remedy: "Free space on the disk that holds the database (or move it with --db); unacknowledged frames will be resent by the devices.")
        case .SQLITE_READONLY:
            self.init(
                operation: operation,
                reason: "the database file is read-only (\(message))",
                remedy: "Give the gateway's user write permission on the file and its folder (SQLite also writes -wal and -shm files next to it).")
        case .SQLITE_CANTOPEN:
            self.init(
                operation: operation,
                reason: "the database file cannot be opened (\(message))",
                remedy: "Check that the path exists, is a file (not a folder), and that the gateway's user may read and write it.")
        case .SQLITE_PERM, .SQLITE_AUTH:
            self.init(
                operation: operation,
                reason: "access to the database was denied (\(message))",
                remedy: "Check the file's permissions and ownership.")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            self.init(
                operation: operation,
                reason: "the file is not a readable gateway database (\(message))",
                remedy: "Point --db at the right file, or restore the database from a backup.")
        case .SQLITE_IOERR:
            self.init(
                operation: operation,
                reason: "the disk reported an I/O error (\(message))",
                remedy: "Check the disk and the file system (dmesg), then restart the gateway.")
        case .SQLITE_NOMEM:
            self.init(
                operation: operation,
                reason: "SQLite ran out of memory",
                remedy: "Give the gateway more memory or lower its batch size.")
        default:
            if message.contains("no such table") || message.contains("no such column") {
                self.init(
                    operation: operation,
                    reason: "the database has no gateway schema (\(message))",
                    remedy: "Start the gateway once on this file (it creates the schema), or point --db at the gateway's database.")
            } else {
                self.init(operation: operation, reason: message, remedy: "See the log for details.")
            }
        }
    }
}
