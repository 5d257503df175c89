import Disclosure
import Foundation
import Logging
import Testing

/// Headless Chromium, for the day page's rendering test. `scripts/test.sh` installs it from
/// Debian's packages (scripts/chromium.sh) before the tests; `HJ212_CHROMIUM` names another binary.
enum Chromium {
    static let path: String? = {
        if let explicit = ProcessInfo.processInfo.environment["HJ212_CHROMIUM"], FileManager.default.isExecutableFile(atPath: explicit) {
            return explicit
        }
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
            for folder in folders where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                return "\(folder)/\(name)"
            }
        }
        return nil
    }()

    /// Runs Chromium headless with these arguments; returns its standard output.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path!)
        process.arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// The published day page renders in a real browser: Chromium parses it, shows the tables, and a
/// phone-width screenshot is saved in `test-output/disclosure-day.png` for people to look at.
@Suite("the day page in headless Chromium", .serialized)
struct ScreenshotTests {
    static let output = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("test-output")

    @Test(
        "Chromium parses the day page into tables and saves a phone-width screenshot",
        .enabled(if: Chromium.path != nil, "Chromium is not installed here: scripts/chromium.sh installs it from Debian's packages (scripts/test.sh runs it)"))
    func screenshot() throws {
        let site = FileManager.default.temporaryDirectory.appendingPathComponent("hj212-shot-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: site) }
        var logger = Logger(label: "test.publish")
        logger.logLevel = .critical
        let publisher = SitePublisher(directory: site, renderer: SiteRenderer(), logger: logger, timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        let summary = RenderFixture.summary
        _ = try publisher.publish(summary)
        let page = site.appendingPathComponent(summary.date).appendingPathComponent("index.html")

        // The DOM Chromium built: the tables, their headers and the escaped enterprise name are there.
        let dom = try Chromium.run(["--dump-dom", page.absoluteString])
        #expect(dom.status == 0)
        #expect(dom.output.contains("<table"))
        #expect(dom.output.contains("<th scope=\"col\""))
        #expect(dom.output.contains("晋阳&lt;热电&gt;&amp;\"能源\"有限公司"))
        #expect(dom.output.contains("<svg"))
        #expect(!dom.output.contains("<script"))

        try FileManager.default.createDirectory(at: Self.output, withIntermediateDirectories: true)
        let shot = Self.output.appendingPathComponent("disclosure-day.png")
        try? FileManager.default.removeItem(at: shot)
        let result = try Chromium.run(["--window-size=412,2400", "--screenshot=\(shot.path)", page.absoluteString])
        #expect(result.status == 0)
        let png = try Data(contentsOf: shot)
        // A PNG, 412 pixels wide (IHDR width, big-endian at offset 16), with real content.
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 412)
        #expect(png.count > 20_000)
        print("screenshot of the day page: \(shot.path)")
    }
}
