import CZlib
import Foundation

/// gzip (RFC 1952) through zlib, for the site's precompressed `.gz` copies.
public enum Gzip {
    /// Why zlib refused: the zlib return code and its message.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var code: Int32
        public var message: String
        public var description: String { "zlib error \(code): \(message)" }
    }

    /// gzip-compresses `data` (deflate, windowBits 31 = gzip wrapper, best compression).
    public static func compress(_ data: Data, level: Int32 = 9) throws -> Data {
        var stream = z_stream()
        // deflateInit2 is a C macro; call the function it expands to.
        var status = deflateInit2_(&stream, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw failure(status, stream) }
        defer { deflateEnd(&stream) }

        var output = Data()
        let bound = Int(deflateBound(&stream, uLong(data.count)))
        var chunk = [UInt8](repeating: 0, count: max(bound, 64))
        try data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(input.count)
            repeat {
                status = chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    return deflate(&stream, Z_FINISH)
                }
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else { throw failure(status, stream) }
                output.append(contentsOf: chunk[0..<(chunk.count - Int(stream.avail_out))])
            } while status != Z_STREAM_END
        }
        return output
    }

    /// Decompresses gzip data (inflate with windowBits 31). Used to check copies.
    public static func decompress(_ data: Data) throws -> Data {
        var stream = z_stream()
        var status = inflateInit2_(&stream, 31, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw failure(status, stream) }
        defer { inflateEnd(&stream) }

        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        try data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(input.count)
            repeat {
                status = chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                guard status == Z_OK || status == Z_STREAM_END else {
                    throw failure(status == Z_BUF_ERROR ? Z_DATA_ERROR : status, stream, fallback: "truncated gzip data")
                }
                output.append(contentsOf: chunk[0..<produced])
            } while status != Z_STREAM_END
        }
        return output
    }

    private static func failure(_ code: Int32, _ stream: z_stream, fallback: String = "") -> Failure {
        let message = stream.msg.map { String(cString: $0) } ?? (fallback.isEmpty ? "code \(code)" : fallback)
        return Failure(code: code, message: message)
    }
}
