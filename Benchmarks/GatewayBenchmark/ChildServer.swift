import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A server started as a child process (`hj212 serve`, or this benchmark's own ack server),
/// with its stderr in a log file and the port read from its `address=HOST:PORT` log line.
final class ChildServer {
    let process: Process
    let port: Int
    let logFile: URL

    var pid: Int32 { process.processIdentifier }

    private init(process: Process, port: Int, logFile: URL) {
        self.process = process
        self.port = port
        self.logFile = logFile
    }

    /// Starts `executable` and waits (up to `timeout`) for it to log the address it bound.
    static func start(executable: URL, arguments: [String], logFile: URL, timeout: TimeInterval = 60) throws -> ChildServer {
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardError = log
        process.standardOutput = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? log.close()

        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
            // The device port's line, not the http listener's.
            let lines = text.split(separator: "\n").filter { !$0.contains("http listening") }
            if let port = lines.lazy.compactMap({ Self.port(in: $0) }).first {
                return ChildServer(process: process, port: port, logFile: logFile)
            }
            if !process.isRunning {
                throw BenchmarkError("\(executable.lastPathComponent) exited (status \(process.terminationStatus)) before listening:\n\(text.suffix(2000))")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.terminate()
        throw BenchmarkError("\(executable.lastPathComponent) did not log its address within \(Int(timeout)) s; see \(logFile.path)")
    }

    /// The port of `hj212 serve`'s http listener (/metrics), from its log; nil when it has none.
    func httpPort() -> Int? {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { $0.contains("http listening") }.lazy.compactMap { Self.port(in: $0) }.first
    }

    private static func port(in line: Substring) -> Int? {
        guard let range = line.range(of: #"address=127\.0\.0\.1:\d+"#, options: .regularExpression) else { return nil }
        return Int(line[range].split(separator: ":").last ?? "")
    }

    /// SIGTERM, then waits up to `grace` seconds before SIGKILL. Returns how it ended, in words.
    @discardableResult
    func stop(grace: TimeInterval = 60) -> String {
        var killed = false
        if process.isRunning {
            kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(grace)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if process.isRunning {
                killed = true
                kill(pid, SIGKILL)
                process.waitUntilExit()
            }
        }
        if killed { return "did not stop within \(Int(grace)) s of SIGTERM; killed" }
        switch process.terminationReason {
        case .exit: return "exited with status \(process.terminationStatus) after SIGTERM"
        case .uncaughtSignal: return "ended by signal \(process.terminationStatus)"
        @unknown default: return "ended (status \(process.terminationStatus))"
        }
    }

    /// The last lines of the child's log at warning level or above.
    func problems(limit: Int = 5) -> [String] {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n").filter {
            $0.contains(" warning ") || $0.contains(" error ") || $0.contains(" critical ")
        }
        return lines.suffix(limit).map(String.init)
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
