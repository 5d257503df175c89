import Foundation

/// An error the CLI reports in one line, with what to do.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Reads a file or standard input in chunks, so a live capture can be piped in.
final class InputSource {
    private let handle: FileHandle

    init(path: String) throws {
        if path == "-" {
            handle = FileHandle.standardInput
        } else {
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        }
    }

    func read() -> [UInt8]? {
        let data = handle.readData(ofLength: 64 * 1024)
        return data.isEmpty ? nil : [UInt8](data)
    }
}

/// Writes lines to standard output.
struct StandardOutput {
    func write(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
