import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Read-only lookup of the disclosure site's files for the HTTP front.
///
/// A request path is split into segments, each percent-decoded; a segment that is empty (inside
/// the path), starts with `_` or `.` (so `..`, `_meta`, `_versions`), or decodes to `/`, `\` or
/// NUL means 404. Symbolic links (the publisher's day links) are followed, but the resolved real
/// path must stay under the site's real root. The file is opened once and its `fstat` gives the
/// ETag, so the bytes sent always match the validators. Blocking: call it on a thread pool.
struct SiteFiles: Sendable {
    /// The site's folder as configured.
    let root: String
    /// Files up to this size are read into memory at once; larger ones are streamed.
    static let maxBufferedSize = 32 << 20

    /// What a request resolved to.
    enum Outcome: Sendable {
        case notFound
        /// A folder asked for without its trailing `/`: the location to redirect to.
        case redirect(String)
        case notModified(Representation)
        /// `body` is nil for HEAD.
        case file(Representation, body: ByteBuffer?)
        /// Too large to buffer: stream it from this real path.
        case largeFile(Representation, path: String)
    }

    /// The validators and headers of the bytes to send.
    struct Representation: Sendable, Equatable {
        var contentType: String
        var size: Int
        var eTag: String
        var lastModified: Int
        var gzip: Bool
    }

    /// The request's conditional headers.
    struct Conditions: Sendable {
        var ifNoneMatch: String?
        var ifModifiedSince: String?
    }

    /// The decoded segments of a request path and whether it names a folder (ends with `/`);
    /// nil when the path must not be served.
    static func segments(ofRequestPath raw: String) -> (segments: [String], folder: Bool)? {
        guard raw.hasPrefix("/") else { return nil }
        let parts = raw.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        var segments: [String] = []
        var folder = false
        for (index, part) in parts.enumerated() {
            if part.isEmpty {
                guard index == parts.count - 1 else { return nil }
                folder = true
                continue
            }
            guard let decoded = percentDecoded(part), !decoded.isEmpty,
                  !decoded.hasPrefix("."), !decoded.hasPrefix("_"),
                  !decoded.contains("/"), !decoded.contains("\\"), !decoded.utf8.contains(0)
            else { return nil }
            segments.append(decoded)
        }
        return (segments, folder)
    }

    static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        // Invalid UTF-8 decodes with replacement characters, so it no longer round-trips.
        let text = String(decoding: bytes, as: UTF8.self)
        return text.utf8.elementsEqual(bytes) ? text : nil
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Resolves `requestPath` (raw, percent-encoded) and, unless the conditions say the client's
    /// copy is current, reads the file (or its `.gz` copy when `acceptsGzip`).
    func lookup(requestPath: String, acceptsGzip: Bool, conditions: Conditions, readBody: Bool) -> Outcome {
        guard let (segments, folder) = Self.segments(ofRequestPath: requestPath),
              let realRoot = Self.realPath(root)
        else { return .notFound }
        let prefix = realRoot == "/" ? "/" : realRoot + "/"
        let candidate = prefix + (segments + (folder ? ["index.html"] : [])).joined(separator: "/")
        guard let real = Self.realPath(candidate), real.hasPrefix(prefix) else { return .notFound }
        // The real path may pass through _versions (the day links); nothing else hidden.
        let inside = real.dropFirst(prefix.count).split(separator: "/")
        guard inside.first != "_meta", !inside.contains(where: { $0.hasPrefix(".") }) else { return .notFound }

        guard var file = OpenFile(real) else { return .notFound }
        defer { file.close() }
        if file.isDirectory {
            return folder ? .notFound : .redirect(requestPath + "/")
        }
        guard file.isRegular else { return .notFound }
        let name = String(inside.last ?? "")
        var servedPath = real
        var gzip = false
        if acceptsGzip, !name.lowercased().hasSuffix(".gz"), var copy = OpenFile(real + ".gz") {
            if copy.isRegular, copy.modified >= file.modified {
                swap(&file, &copy)
                servedPath = real + ".gz"
                gzip = true
            }
            copy.close()
        }

        let representation = Representation(
            contentType: SiteMediaTypes.contentType(forFileNamed: name),
            size: file.size,
            eTag: "\"\(String(file.inode, radix: 16))-\(String(file.size, radix: 16))-\(String(file.modified, radix: 16))\(gzip ? "-gz" : "")\"",
            lastModified: Int(file.modified / 1_000_000_000),
            gzip: gzip)
        if Self.isNotModified(representation, conditions) { return .notModified(representation) }
        guard readBody else { return .file(representation, body: nil) }
        if file.size > Self.maxBufferedSize { return .largeFile(representation, path: servedPath) }
        guard let body = file.readAll() else { return .notFound }
        return .file(representation, body: body)
    }

    /// RFC 9110 §13.2.2: If-None-Match (weak comparison) wins; If-Modified-Since only without it.
    static func isNotModified(_ representation: Representation, _ conditions: Conditions) -> Bool {
        if let ifNoneMatch = conditions.ifNoneMatch {
            let tags = ifNoneMatch.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            return tags.contains { tag in
                tag == "*" || (tag.hasPrefix("W/") ? String(tag.dropFirst(2)) : tag) == representation.eTag
            }
        }
        if let since = conditions.ifModifiedSince.flatMap(HTTPDate.parse) {
            return representation.lastModified <= since
        }
        return false
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// An open file descriptor and its `fstat`.
private struct OpenFile {
    private(set) var descriptor: Int32
    let isDirectory: Bool
    let isRegular: Bool
    let size: Int
    let inode: UInt64
    /// Modification time in nanoseconds since 1970.
    let modified: Int

    /// Opens without following a final link (the caller passes real paths) and without blocking
    /// on a FIFO.
    init?(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else { return nil }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            _ = systemClose(descriptor)
            return nil
        }
        self.descriptor = descriptor
        isDirectory = info.st_mode & S_IFMT == S_IFDIR
        isRegular = info.st_mode & S_IFMT == S_IFREG
        size = Int(info.st_size)
        inode = UInt64(info.st_ino)
        #if canImport(Darwin)
        modified = Int(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int(info.st_mtimespec.tv_nsec)
        #else
        modified = Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec)
        #endif
    }

    /// Reads the file from the start, up to the size `fstat` gave.
    func readAll() -> ByteBuffer? {
        var buffer = ByteBufferAllocator().buffer(capacity: size)
        var offset = 0
        while offset < size {
            let count = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size - offset) { pointer in
                var result: Int
                repeat {
                    result = pread(descriptor, pointer.baseAddress, size - offset, off_t(offset))
                } while result < 0 && errno == EINTR
                return max(result, 0)
            }
            if count == 0 { return nil }  // shrank or failed: never send a short body
            offset += count
        }
        return buffer
    }

    mutating func close() {
        if descriptor >= 0 {
            _ = systemClose(descriptor)
            descriptor = -1
        }
    }
}

private func systemClose(_ descriptor: Int32) -> Int32 {
    #if canImport(Glibc)
    Glibc.close(descriptor)
    #else
    Darwin.close(descriptor)
    #endif
}
