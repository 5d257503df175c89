import Foundation

/// The benchmark's command line: `--name value` options, every one with a default.
struct Options {
    enum Scenario: String, CaseIterable {
        case storage, wire, max
        case wireLatency = "wire-latency"
        case latency, idle
    }

    var scenarios: [Scenario] = Scenario.allCases
    // (a) max throughput, also the wire-limit run. Each connection keeps as many uploads in
    // flight as the gateway reads ahead of their answers (its pipeline depth, 16), so that the
    // server's capacity is measured, not the round trip: with 4, 800 frames in flight over a
    // ~27 ms commit cycle capped the rate below what the cores could do.
    var connections = 200
    var window = 16
    var duration = 15.0
    // (b) latency at a fixed rate.
    var rate = 20_000
    var latencyConnections = 1_000
    var latencyWindow = 8
    var latencyDuration = 15.0
    // (c) many idle connections.
    var idleConnections = 10_000
    var idleSettle = 2.0
    // storage limit.
    var storageSeconds = 5.0
    var storageBatch = 2048
    var storageDevices = 200
    var storageEvents = true
    /// full (fsync per commit, the gateway's default) or normal.
    var durability = "full"
    /// The gateway's `ingest.batch_max_frames` (nil: the gateway's default).
    var batchFrames: Int?
    // everything.
    var readingsPerFrame = 10
    var threads: Int?
    var ackThreads: Int?
    var wireInProcess = false
    var directory: String?
    var hj212: String?
    var keep = false
    // internal: run only the minimal ack server.
    var serveAck: String?

    static let usage = """
        gateway-benchmark: the storage limit, the wire limit and hj212 serve under load, against design §4.

        USAGE: gateway-benchmark [options]

          --scenarios LIST          storage,wire,max,wire-latency,latency,idle (default: all)
          --connections N           (a) and wire: connections (200)
          --window W                (a) and wire: frames in flight per connection (16)
          --duration S              (a) and wire: seconds of load (15)
          --rate R                  (b): open-loop frames/s in total (20000)
          --latency-connections N   (b): connections (1000)
          --latency-window W        (b): most frames in flight per connection (8)
          --latency-duration S      (b): seconds (15)
          --idle-connections N      (c): connections, one frame each, then held open (10000)
          --idle-settle S           (c): seconds to wait before sampling memory (2)
          --storage-seconds S       storage: seconds of commits per variant (5)
          --storage-batch N         storage: frames per commit (2048, the gateway's batch_max_frames)
          --storage-devices N       storage: devices the frames cycle through (200)
          --no-storage-events       storage: skip the variant with the gateway's device events
          --durability full|normal  storage and gateway: fsync every commit (full, the default) or not
          --batch-frames N          gateway: ingest.batch_max_frames (the gateway's default)
          --readings N              pollutants per frame (10)
          --threads N               load generator event-loop threads (one per core)
          --ack-threads N           minimal ack server threads (one per core)
          --wire-in-process         run the minimal ack server in this process (default: a child process)
          --dir PATH                where the temporary databases go (the system temp folder)
          --hj212 PATH              the hj212 executable (default: next to this one)
          --keep                    keep the temporary databases and logs
          --help

        Build: swift build -c release --product gateway-benchmark --product hj212
        """

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var index = 0
        func value(_ name: String) throws -> String {
            index += 1
            guard index < arguments.count else { throw BenchmarkError("\(name) needs a value") }
            return arguments[index]
        }
        func int(_ name: String, minimum: Int = 1) throws -> Int {
            let text = try value(name)
            guard let number = Int(text.replacingOccurrences(of: "_", with: "")), number >= minimum else {
                throw BenchmarkError("\(name) \(text): expected a whole number ≥ \(minimum)")
            }
            return number
        }
        func seconds(_ name: String) throws -> Double {
            let text = try value(name)
            guard let number = Double(text), number > 0 else { throw BenchmarkError("\(name) \(text): expected seconds > 0") }
            return number
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--scenarios":
                let text = try value(argument)
                options.scenarios = try text.split(separator: ",").map { name in
                    guard let scenario = Scenario(rawValue: String(name)) else {
                        throw BenchmarkError("unknown scenario \(name); choose from \(Scenario.allCases.map(\.rawValue).joined(separator: ","))")
                    }
                    return scenario
                }
            case "--connections": options.connections = try int(argument)
            case "--window": options.window = try int(argument)
            case "--duration": options.duration = try seconds(argument)
            case "--rate": options.rate = try int(argument)
            case "--latency-connections": options.latencyConnections = try int(argument)
            case "--latency-window": options.latencyWindow = try int(argument)
            case "--latency-duration": options.latencyDuration = try seconds(argument)
            case "--idle-connections": options.idleConnections = try int(argument)
            case "--idle-settle": options.idleSettle = try seconds(argument)
            case "--storage-seconds": options.storageSeconds = try seconds(argument)
            case "--storage-batch": options.storageBatch = try int(argument)
            case "--storage-devices": options.storageDevices = try int(argument)
            case "--no-storage-events": options.storageEvents = false
            case "--durability":
                let text = try value(argument)
                guard text == "full" || text == "normal" else { throw BenchmarkError("--durability full or normal, not \(text)") }
                options.durability = text
            case "--batch-frames": options.batchFrames = try int(argument)
            case "--readings": options.readingsPerFrame = try int(argument)
            case "--threads": options.threads = try int(argument)
            case "--ack-threads": options.ackThreads = try int(argument)
            case "--wire-in-process": options.wireInProcess = true
            case "--dir": options.directory = try value(argument)
            case "--hj212": options.hj212 = try value(argument)
            case "--keep": options.keep = true
            case "--serve-ack": options.serveAck = try value(argument)
            case "--help", "-h":
                print(usage)
                exit(0)
            default:
                throw BenchmarkError("unknown option \(argument)\n\n\(usage)")
            }
            index += 1
        }
        return options
    }
}
