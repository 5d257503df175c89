import Foundation
import Testing

@testable import Disclosure

@Suite("Publish: gzip copies")
struct PublishGzipTests {
    @Test("compress writes the gzip format and inflate (windowBits 31) gives the same bytes back",
          arguments: [0, 1, 1000, 300_000])
    func roundTrip(size: Int) throws {
        var generator = SystemRandomNumberGenerator()
        // Half random, half repetitive, so both stored and compressed blocks occur.
        let data = Data((0..<size).map { $0 % 2 == 0 ? UInt8.random(in: 0...255, using: &generator) : UInt8($0 % 7) })
        let compressed = try Gzip.compress(data)
        #expect(compressed.prefix(3) == Data([0x1F, 0x8B, 0x08]))
        #expect(try Gzip.decompress(compressed) == data)
    }

    @Test("Chinese HTML shrinks and round-trips")
    func chineseText() throws {
        let html = Data(String(repeating: "<tr><td>二氧化硫</td><td>35.2</td><td>达标</td></tr>\n", count: 200).utf8)
        let compressed = try Gzip.compress(html)
        #expect(compressed.count < html.count / 10)
        #expect(try Gzip.decompress(compressed) == html)
    }

    @Test("the system's gzip reads the copies", .enabled(if: FileManager.default.isExecutableFile(atPath: "/bin/gzip")))
    func systemGzipReads() throws {
        let text = Data("排污单位自行监测 \(Date())\n".utf8)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gzip-\(UUID().uuidString).gz")
        defer { try? FileManager.default.removeItem(at: file) }
        try Gzip.compress(text).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(output == text)
    }

    @Test("truncated or foreign data is refused, not looped on")
    func badInput() throws {
        let compressed = try Gzip.compress(Data(repeating: 65, count: 10_000))
        #expect(throws: Gzip.Failure.self) { try Gzip.decompress(compressed.prefix(compressed.count / 2)) }
        #expect(throws: Gzip.Failure.self) { try Gzip.decompress(Data("not gzip at all".utf8)) }
    }
}
