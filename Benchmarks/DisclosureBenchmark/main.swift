// disclosure-benchmark: how long judging and publishing one day takes for a province.
//
// Fills a temporary SQLite store with one day of hourly values for every device of a scenario
// (default simulators/province.yaml: 10 000 devices), then times, separately:
//   1. compliance re-evaluation of the day (hours, days, events) from the stored readings;
//   2. building the day's summary from the stored results;
//   3. writing the site (HTML, JSON, CSV, feed, gzip copies) atomically.
// The design's target is one day for 10 000 outlets published in under 10 s (2 + 3).
// Run: swift run -c release disclosure-benchmark [-- --scenario PATH --keep DIR]
import Compliance
import Disclosure
import Foundation
import GatewayConfig
import HJ212
import LocalTime
import Logging
import Simulation
import Store

@main
struct DisclosureBenchmark {
    static func main() async throws {
        var scenarioPath = "simulators/province.yaml"
        var keep: String?
        var reuse: String?
        var arguments = CommandLine.arguments.dropFirst().makeIterator()
        while let argument = arguments.next() {
            switch argument {
            case "--scenario": scenarioPath = arguments.next() ?? scenarioPath
            case "--keep": keep = arguments.next()
            case "--reuse": reuse = arguments.next()
            default:
                FileHandle.standardError.write(Data("usage: disclosure-benchmark [--scenario PATH] [--keep DIR] [--reuse DB]\n".utf8))
                exit(2)
            }
        }
        let scenario = try ScenarioLoader.load(path: scenarioPath)
        let configuration = scenario.gatewayConfiguration()
        let registry = try ComplianceRegistry(configuration: configuration)
        let zone = LocalTimeZone.beijing
        let folder = URL(fileURLWithPath: keep ?? NSTemporaryDirectory()).appendingPathComponent("hj212-disclosure-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(at: folder) } }
        var quiet = Logger(label: "bench")
        quiet.logLevel = .error
        let store = try SQLiteStore(path: reuse ?? folder.appendingPathComponent("bench.sqlite").path, durability: .normal, logger: quiet)
        try await store.migrate()
        let engine = ComplianceEngine(store: store, registry: registry, timeZone: zone, logger: quiet)

        let day = LocalDateTime(year: 2026, month: 11, day: 28)
        let dayStart = zone.unixTime(day)
        let devices = scenario.devices
        let outlets = registry.outlets.count
        print("scenario \(scenarioPath): \(devices.count) devices, \(outlets) outlets, \(scenario.enterprises.count) enterprises")

        var began = ContinuousClock.now
        var evaluate = 0.0
        if reuse == nil {
        // 0. One day of hourly values per device (the logger's 2061 records).
        var generator = SplitMix(seed: 42)
        var batch: [IngestFrame] = []
        var readings = 0
        for device in devices {
            let exceeding = generator.unit() < 0.02
            for hour in 0..<24 {
                let time = day.adding(seconds: Int64(hour * 3600))
                let frame = HourlyValues.frame(device: device, time: time, unix: dayStart + Int64(hour * 3600), exceeding: exceeding && (13...15).contains(hour), random: &generator)
                readings += frame.readings.count
                batch.append(frame)
                if batch.count == 4000 {
                    _ = try await store.commit(WriteBatch(frames: batch))
                    batch.removeAll(keepingCapacity: true)
                }
            }
        }
        if !batch.isEmpty { _ = try await store.commit(WriteBatch(frames: batch)) }
        print(String(format: "fill:      %d hourly readings stored in %.1f s", readings, seconds(since: began)))

        // 1. Compliance for the day.
        began = ContinuousClock.now
        let summary = try await engine.reevaluate(from: dayStart, until: dayStart + 86_400)
        evaluate = seconds(since: began)
        print(String(format: "evaluate:  %d device-days, %d exceedance events in %.2f s", summary.days, summary.events, evaluate))
        } else {
            print("reusing \(reuse!): fill and evaluation skipped")
        }

        // 2 + 3. Publish.
        let publication = DayPublication(
            builder: DailySummaryBuilder(store: store, registry: registry, clock: engine.clock),
            publisher: SitePublisher(
                directory: folder.appendingPathComponent("public"), renderer: SiteRenderer(), logger: quiet, timeZone: zone.timeZone),
            clock: engine.clock, logger: quiet)
        began = ContinuousClock.now
        let result = try await publication.publish(dayStart: dayStart, now: Date(timeIntervalSince1970: TimeInterval(dayStart + 86_400 + 3600)))
        let publish = seconds(since: began)
        let pollutants = result.summary.enterprises.flatMap(\.outlets).reduce(0) { $0 + $1.pollutants.count }
        print(String(
            format: "publish:   %d enterprises, %d outlets, %d pollutant rows, %d files (%.1f MB): summary %.2f s + write %.2f s = %.2f s (target < 10 s)",
            result.summary.enterprises.count, result.summary.enterprises.reduce(0) { $0 + $1.outlets.count }, pollutants,
            result.outcome.filesWritten, Double(result.outcome.bytesWritten) / 1_048_576, result.buildSeconds, result.writeSeconds, publish))
        print(String(format: "total (evaluate + publish): %.2f s", evaluate + publish))
        // Where the write time goes: rendering and compressing alone, without the file system.
        began = ContinuousClock.now
        let dayFiles = try SiteRenderer().dayFiles(result.summary)
        let rootFiles = try SiteRenderer().rootFiles(try publication.publisher.publishedDays())
        let rendered = seconds(since: began)
        began = ContinuousClock.now
        var compressed = 0
        for (_, data) in dayFiles.merging(rootFiles, uniquingKeysWith: { a, _ in a }) { compressed += try Gzip.compress(data, level: 6).count }
        print(String(format: "  of which rendering %.2f s (%d files), gzip %.2f s (%.1f MB)", rendered, dayFiles.count + rootFiles.count, seconds(since: began), Double(compressed) / 1_048_576))
        var sizes: [(String, Int)] = dayFiles.filter { !$0.key.hasPrefix("enterprises/") }.map { ($0.key, $0.value.count) }
        sizes.append(("day enterprises/*", dayFiles.filter { $0.key.hasPrefix("enterprises/") }.reduce(0) { $0 + $1.value.count }))
        sizes.append(("root enterprises/*", rootFiles.filter { $0.key.hasPrefix("enterprises/") }.reduce(0) { $0 + $1.value.count }))
        print("  sizes: " + sizes.sorted { $0.0 < $1.0 }.map { "\($0.0) \(String(format: "%.1f", Double($0.1) / 1_048_576)) MB" }.joined(separator: ", "))
        if let keep { print("kept in \(keep)/\(folder.lastPathComponent)") }
        try await store.close()
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let duration = ContinuousClock.now - start
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// Plausible hourly values per code, with 2 % of devices exceeding for three hours.
enum HourlyValues {
    static let typical: [String: Double] = [
        "a21026": 20, "a21002": 32, "a34013": 5, "a19001": 7, "a00000": 120, "a01011": 12, "a01012": 55, "a01013": 0.4,
        "a01014": 9, "w01018": 30, "w21003": 2, "w21011": 0.3, "w21001": 8, "w01001": 7.2, "w00000": 40,
    ]

    static func frame(device: DeviceSpec, time: LocalDateTime, unix: Int64, exceeding: Bool, random: inout SplitMix) -> IngestFrame {
        let oxygen = 7 + random.unit() - 0.5
        let flow = (device.medium == .gas ? 120.0 : 40.0) * (0.9 + 0.2 * random.unit())
        var values: [Reading] = []
        for spec in device.pollutants {
            var reading = Reading(code: spec.code)
            var value = (spec.base ?? typical[spec.code] ?? 10) * (0.8 + 0.4 * random.unit())
            if spec.code == "w01001" { value = 7.2 + 0.8 * (random.unit() - 0.5) }
            if spec.code == "a19001" { value = oxygen }
            if spec.code == "a00000" || spec.code == "w00000" { value = flow }
            if exceeding, case .maximum(let limit)? = device.limits[spec.code] { value = limit * 1.6 }
            reading.avg = value
            reading.min = value * 0.9
            reading.max = value * 1.1
            reading.flag = .normal
            if device.medium == .gas, let reference = device.referenceO2, spec.code.hasPrefix("a2") || spec.code.hasPrefix("a3") {
                reading.zsAvg = value * (21 - reference) / (21 - oxygen)
                reading.cou = value * flow * 3600 / 1_000_000
            } else if spec.code == "a00000" {
                reading.cou = flow * 3600
            } else if spec.code == "w00000" {
                reading.cou = flow * 3.6
            } else if device.medium == .water, spec.code != "w01001" {
                reading.cou = value * flow * 3.6 / 1000
            }
            values.append(reading)
        }
        return IngestFrame(
            mn: device.mn, qn: nil, cn: "2061", kind: .hour, dataTime: time, dataTimeUnix: unix, edition: device.edition,
            backfill: .live, receivedAtMillis: (unix + 3600) * 1000, connection: "bench", peer: "127.0.0.1", readings: values)
    }
}

/// A small deterministic generator (SplitMix64), so every run stores the same day.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
