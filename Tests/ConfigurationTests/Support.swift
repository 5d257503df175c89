import Foundation
import Testing
@testable import GatewayConfig

/// design.md §3's example, verbatim (line numbers matter to the tests).
let designExampleYAML = """
listen: 0.0.0.0:9212          # device port
http: 127.0.0.1:8212          # disclosure site, metrics, health
timezone: Asia/Shanghai       # how device times are read
storage:
  sqlite: data/hj212.sqlite   # or  postgres: postgres://user@host/db
disclosure:
  directory: public
  publish_at: "01:00"         # local time, for the previous day
unregistered: reject          # reject | accept (onboarding)
enterprises:
  - id: "91533100MA0000001X"
    name: 德宏示例糖业有限公司
    outlets:
      - id: DA001
        name: 1号锅炉废气排放口
        medium: gas
        standard: GB13271-2014/coal/existing     # shipped profile: limits + reference O2
        limits: { a21026: 300 }                  # overrides, mg/m3
        devices:
          - { mn: "010000A8900016F000169DC0", password: "100000" }
      - id: DW001
        name: 废水总排口
        medium: water
        limits: { w01018: 100, w21003: 15, w01001: [6, 9] }
        devices:
          - { mn: "LD130133000015", password: "123456", edition: "2005" }

"""

/// Parses, failing the test with the full error text when it does not load.
func parsed(_ yaml: String, sourcePath: String? = nil, environment: [String: String] = [:],
            sourceLocation: SourceLocation = #_sourceLocation) throws -> GatewayConfiguration {
    do {
        return try ConfigurationLoader.parse(yaml: yaml, sourcePath: sourcePath, environment: environment)
    } catch {
        Issue.record("did not load:\n\(error.description)", sourceLocation: sourceLocation)
        throw error
    }
}

/// The issues a document is refused with; records a failure when it loads.
func issues(_ yaml: String, environment: [String: String] = [:],
            sourceLocation: SourceLocation = #_sourceLocation) -> [ConfigurationIssue] {
    do {
        _ = try ConfigurationLoader.parse(yaml: yaml, environment: environment)
        Issue.record("loaded, but it should have been refused", sourceLocation: sourceLocation)
        return []
    } catch {
        return error.issues
    }
}

/// The one issue at `path`; records a failure unless there is exactly one.
func issue(at path: String, in found: [ConfigurationIssue], sourceLocation: SourceLocation = #_sourceLocation) -> ConfigurationIssue? {
    let matching = found.filter { $0.path == path }
    guard matching.count == 1 else {
        Issue.record("expected one issue at \(path), found \(matching.count) among:\n\(found.map(\.description).joined(separator: "\n"))",
                     sourceLocation: sourceLocation)
        return nil
    }
    return matching[0]
}

/// The repository root, found from this file's path (it holds docs/config/example.yaml).
func repositoryRoot(filePath: String = #filePath) -> URL? {
    var folder = URL(fileURLWithPath: filePath).resolvingSymlinksInPath().deletingLastPathComponent()
    while folder.path != "/" {
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent("docs/config/example.yaml").path) {
            return folder
        }
        folder = folder.deletingLastPathComponent()
    }
    return nil
}
