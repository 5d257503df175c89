import Foundation

#if canImport(Glibc)
import Glibc

private func posixRename(_ source: String, _ destination: String) -> Int32 { Glibc.rename(source, destination) }
private func posixSymlink(_ target: String, _ path: String) -> Int32 { Glibc.symlink(target, path) }
#elseif canImport(Darwin)
import Darwin

private func posixRename(_ source: String, _ destination: String) -> Int32 { Darwin.rename(source, destination) }
private func posixSymlink(_ target: String, _ path: String) -> Int32 { Darwin.symlink(target, path) }
#endif

/// The POSIX calls the publisher needs, each durable (fsync) and each failing with a
/// `PublishError.fileSystem` that names the path.
enum PublishFileSystem {
    /// What is at a path, without following a final symbolic link.
    enum Entry: Equatable {
        case none, file, directory, symlink, other
    }

    static func entry(at path: String) -> Entry {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .none }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    /// `mkdir -p` with mode 0755; fsyncs each parent whose entry it created.
    static func makeDirectories(_ path: String) throws {
        if entry(at: path) == .directory { return }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path { try makeDirectories(parent) }
        if mkdir(path, 0o755) != 0, errno != EEXIST {
            throw failure("create the folder", path)
        }
        guard entry(at: path) == .directory else {
            throw PublishError.fileSystem(operation: "create the folder", path: path, reason: "something that is not a folder is in the way")
        }
        if !parent.isEmpty { try syncDirectory(parent) }
    }

    /// Creates `path` (which must not exist), writes `data` and fsyncs it (unless `sync` is
    /// false: then the caller makes it durable with ``syncFileSystem(of:)`` before publishing it).
    static func writeNewFile(_ data: Data, to path: String, sync: Bool = true) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("create the file", path) }
        var closed = false
        defer { if !closed { close(fd) } }
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < bytes.count {
                let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure("write", path)
                }
                offset += written
            }
        }
        if sync {
            guard fsync(fd) == 0 else { throw failure("flush to disk", path) }
        }
        closed = true
        guard close(fd) == 0 else { throw failure("close", path) }
    }

    /// Replaces `path` atomically: writes a hidden temporary file in the same folder, fsyncs it and
    /// renames it over `path`. The caller fsyncs the folder (once for many files).
    static func replaceFile(_ data: Data, at path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = (folder as NSString).appendingPathComponent(".\(name).tmp-\(randomSuffix())")
        do {
            try writeNewFile(data, to: temporary)
            try rename(temporary, to: path)
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Writes `data` to a hidden temporary file beside `path` (not yet flushed) and returns its
    /// name; the caller flushes the file system, then renames it over `path`.
    static func stageFile(_ data: Data, for path: String) throws -> String {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = (folder as NSString).appendingPathComponent(".\(name).tmp-\(randomSuffix())")
        do {
            try writeNewFile(data, to: temporary, sync: false)
        } catch {
            unlink(temporary)
            throw error
        }
        return temporary
    }

    static func rename(_ source: String, to destination: String) throws {
        guard posixRename(source, destination) == 0 else {
            throw failure("rename '\(source)' to", destination)
        }
    }

    static func symlink(target: String, at path: String) throws {
        guard posixSymlink(target, path) == 0 else { throw failure("create the link", path) }
    }

    /// The target of a symbolic link, or nil when `path` is not one.
    static func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Makes every file written so far durable, in one call (`sync(2)`, which on Linux returns
    /// once the data are on disk): thousands of files cost one flush, not an fsync each.
    /// `path` names the folder being published, for the error message.
    static func syncFileSystem(of path: String) throws {
        sync()
    }

    /// fsyncs a folder so that the names created, renamed or removed in it are durable.
    static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open the folder", path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure("flush the folder to disk", path) }
    }

    static func contents(of path: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw PublishError.fileSystem(operation: "list the folder", path: path, reason: "\(error.localizedDescription)")
        }
    }

    /// Removes a file, a link (not its target) or a whole folder.
    static func remove(_ path: String) throws {
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw PublishError.fileSystem(operation: "remove", path: path, reason: "\(error.localizedDescription)")
        }
    }

    static func readFile(_ path: String) throws -> Data? {
        guard entry(at: path) != .none else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw failure("read", path)
        }
        return data
    }

    /// Holds an exclusive `flock` on `path` (created when missing) until `release()`, so two
    /// publishers (two processes) never interleave.
    struct Lock {
        let fd: Int32

        init(_ path: String) throws {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw PublishFileSystem.failure("open the lock file", path) }
            while flock(fd, LOCK_EX) != 0 {
                if errno == EINTR { continue }
                let error = PublishFileSystem.failure("lock", path)
                close(fd)
                throw error
            }
            self.fd = fd
        }

        func release() {
            flock(fd, LOCK_UN)
            close(fd)
        }
    }

    /// 8 random hex digits, for temporary and version names.
    static func randomSuffix() -> String {
        let digits = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    static func failure(_ operation: String, _ path: String) -> PublishError {
        let code = errno
        return .fileSystem(operation: operation, path: path, reason: String(cString: strerror(code)) + " (errno \(code))")
    }
}
