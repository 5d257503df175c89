import Foundation
import Testing
@testable import GatewayConfig

/// Each rule reports its line and path, in words an operator can act on.
@Suite("Validation")
struct ValidationTests {
    @Test("duplicate MN: the message from the brief, word for word")
    func duplicateMN() throws {
        let yaml = """
        listen: 0.0.0.0:9212
        enterprises:
          - id: "91533100MA0000001X"
            name: 德宏示例糖业有限公司
            outlets:
              - id: DA001
                name: 1号锅炉废气排放口
                medium: gas
                standard: GB13271-2014/coal/existing
                limits: { a21026: 300 }
                devices:
                  - mn: "010000A89"
                    password: "100000"
                    edition: "2017"
                  - edition: "2017"
                    password: "100001"
                    mn: "010000A89"
        """
        let found = issues(yaml)
        try #require(found.count == 1)
        #expect(found[0].line == 17)
        #expect(found[0].column == 17)
        #expect(found[0].path == "enterprises[0].outlets[0].devices[1].mn")
        #expect(found[0].description
            == #"line 17: enterprises[0].outlets[0].devices[1].mn: "010000A89" is registered twice (also at line 12); each MN must be unique"#)
    }

    @Test("duplicate MN across enterprises and outlets")
    func duplicateMNAcrossEnterprises() {
        let yaml = """
        enterprises:
          - id: E1
            name: 甲
            outlets:
              - { id: DW001, name: 排口, medium: water, devices: [{ mn: M1, password: a }] }
          - id: E2
            name: 乙
            outlets:
              - { id: DW001, name: 排口, medium: water, devices: [{ mn: M2, password: a }, { mn: M1, password: b }] }
        """
        let found = issues(yaml)
        #expect(found.count == 1)
        let duplicate = issue(at: "enterprises[1].outlets[0].devices[1].mn", in: found)
        #expect(duplicate?.line == 9)
        #expect(duplicate?.message.contains("(also at line 5)") == true)
    }

    @Test("duplicate enterprise ids; duplicate outlet ids within an enterprise (not across)")
    func duplicateIDs() {
        let yaml = """
        enterprises:
          - id: E1
            name: 甲
            outlets:
              - { id: DA001, name: 一号, medium: gas }
              - { id: DA001, name: 二号, medium: gas }
          - id: E1
            name: 乙
            outlets:
              - { id: DA001, name: 一号, medium: gas }
        """
        let found = issues(yaml)
        #expect(found.count == 2)
        let outlet = issue(at: "enterprises[0].outlets[1].id", in: found)
        #expect(outlet?.line == 6)
        #expect(outlet?.message == #"outlet "DA001" is listed twice in enterprise "E1" (also at line 5); outlet ids must be unique within an enterprise"#)
        let enterprise = issue(at: "enterprises[1].id", in: found)
        #expect(enterprise?.line == 7)
        #expect(enterprise?.message == #"enterprise "E1" is listed twice (also at line 2); each enterprise id must be unique"#)
    }

    @Test("unknown keys, with did-you-mean and misplaced-section hints")
    func unknownKeys() {
        let yaml = """
        listn: 0.0.0.0:9212
        publish_at: "02:00"
        colour: blue
        enterprises:
          - id: E1
            name: 甲
            outlet:
              - { id: DA001, name: 一号, medium: gas }
        """
        let found = issues(yaml)
        #expect(found.count == 4)
        #expect(issue(at: "listn", in: found)?.description == #"line 1: listn: unknown key "listn"; did you mean "listen"?"#)
        #expect(issue(at: "publish_at", in: found)?.message == #"unknown key "publish_at" at the top level; it belongs under "disclosure:""#)
        let colour = issue(at: "colour", in: found)
        #expect(colour?.line == 3)
        #expect(colour?.message.hasPrefix(#"unknown key "colour"; expected one of: listen, http"#) == true)
        #expect(issue(at: "enterprises[0].outlet", in: found)?.message == #"unknown key "outlet"; did you mean "outlets"?"#)
        #expect(issue(at: "enterprises[0].outlet", in: found)?.line == 7)
    }

    @Test("unknown device key next to the missing one it misspells")
    func misspeltRequiredKey() {
        let yaml = """
        enterprises:
          - id: E1
            name: 甲
            outlets:
              - id: DA001
                name: 一号
                medium: gas
                devices:
                  - mn: M1
                    pasword: "1"
        """
        let found = issues(yaml)
        #expect(found.count == 2)
        let unknown = issue(at: "enterprises[0].outlets[0].devices[0].pasword", in: found)
        #expect(unknown?.line == 10)
        #expect(unknown?.message == #"unknown key "pasword"; did you mean "password"?"#)
        let missing = issue(at: "enterprises[0].outlets[0].devices[0].password", in: found)
        #expect(missing?.line == 9)
        #expect(missing?.message.hasPrefix(#""password" is missing"#) == true)
    }

    @Test("missing required fields: enterprise id/name, outlet id/name/medium, device mn/password")
    func missingFields() {
        let yaml = """
        enterprises:
          - outlets:
              - devices:
                  - edition: "2017"
          - id: E2
            name:
        """
        let found = issues(yaml)
        let expected: [(String, Int)] = [
            ("enterprises[0].id", 2), ("enterprises[0].name", 2),
            ("enterprises[0].outlets[0].id", 3), ("enterprises[0].outlets[0].name", 3), ("enterprises[0].outlets[0].medium", 3),
            ("enterprises[0].outlets[0].devices[0].mn", 4), ("enterprises[0].outlets[0].devices[0].password", 4),
            ("enterprises[1].name", 6),
        ]
        #expect(found.count == expected.count)
        for (path, line) in expected {
            let found = issue(at: path, in: found)
            #expect(found?.line == line, "\(path)")
            #expect(found?.message.contains("is missing") == true, "\(path)")
        }
    }

    @Test("wrong types")
    func wrongTypes() {
        let yaml = """
        listen: [0.0.0.0, 9212]
        limits:
          max_connections: lots
          max_frame_bytes: 1.5
        ingest: fast
        enterprises:
          id: E1
        """
        let found = issues(yaml)
        #expect(found.count == 5)
        #expect(issue(at: "listen", in: found)?.message == "expected host:port, found a list")
        #expect(issue(at: "limits.max_connections", in: found)?.message == #"expected a whole number, found "lots""#)
        #expect(issue(at: "limits.max_frame_bytes", in: found)?.line == 4)
        #expect(issue(at: "ingest", in: found)?.message == #"expected a mapping of ingest settings, found "fast""#)
        let enterprises = issue(at: "enterprises", in: found)
        #expect(enterprises?.line == 7)
        #expect(enterprises?.message.hasPrefix("expected a list of enterprises") == true)
    }

    @Test("MN format: 1 to 32 of A-Z a-z 0-9 _ -")
    func mnFormat() {
        let long = String(repeating: "A", count: 33)
        let yaml = """
        enterprises:
          - id: E1
            name: 甲
            outlets:
              - id: DW001
                name: 排口
                medium: water
                devices:
                  - { mn: "\(long)", password: a }
                  - { mn: "AB CD", password: a }
                  - { mn: "监测点1", password: a }
                  - { mn: "", password: a }
                  - { mn: "\(String(repeating: "z", count: 32))", password: a }
        """
        let found = issues(yaml)
        #expect(found.count == 4)
        #expect(issue(at: "enterprises[0].outlets[0].devices[0].mn", in: found)?.message
            == #""\#(long)" has 33 characters; an MN is 1 to 32 letters, digits, "_" or "-""#)
        #expect(issue(at: "enterprises[0].outlets[0].devices[1].mn", in: found)?.message.contains("contains a space") == true)
        #expect(issue(at: "enterprises[0].outlets[0].devices[2].mn", in: found)?.line == 11)
        #expect(issue(at: "enterprises[0].outlets[0].devices[3].mn", in: found)?.message.hasPrefix("is empty") == true)
    }

    @Test("passwords cannot contain ; , & and are never quoted in the message", arguments: [";", ",", "&"])
    func passwordSeparators(_ separator: String) {
        let yaml = """
        enterprises:
          - id: E1
            name: 甲
            outlets:
              - id: DW001
                name: 排口
                medium: water
                devices:
                  - { mn: M1, password: "ab\(separator)cd" }
        """
        let found = issues(yaml)
        #expect(found.count == 1)
        let problem = issue(at: "enterprises[0].outlets[0].devices[0].password", in: found)
        #expect(problem?.line == 9)
        #expect(problem?.message.contains("\"\(separator)\"") == true)
        #expect(problem?.message.contains("ab") == false)
    }

    @Test("edition must be 2005, 2017 or 2025; sm4_key only on 2025 devices and must be 32 hex digits")
    func editionAndKey() {
        let yaml = """
        enterprises:
          - id: E1
            name: 甲
            outlets:
              - id: DA001
                name: 烟囱
                medium: gas
                devices:
                  - { mn: M1, password: a, edition: "2018" }
                  - { mn: M2, password: a, edition: "2017", sm4_key: 0123456789ABCDEF0123456789ABCDEF }
                  - { mn: M3, password: a, sm4_key: 0123456789ABCDEF0123456789ABCDEF }
                  - { mn: M4, password: a, edition: "2025", sm4_key: 0123456789ABCDEF }
                  - { mn: M5, password: a, edition: "2025", sm4_key: 0123456789ABCDEF0123456789ABCDEG }
                  - { mn: M6, password: a, edition: "2025", sm4_key: 0123456789ABCDEF0123456789ABCDEF }
        """
        let found = issues(yaml)
        #expect(found.count == 5)
        #expect(issue(at: "enterprises[0].outlets[0].devices[0].edition", in: found)?.message
            == #"must be "2005", "2017" or "2025", found "2018""#)
        let on2017 = issue(at: "enterprises[0].outlets[0].devices[1].sm4_key", in: found)
        #expect(on2017?.line == 10)
        #expect(on2017?.message == #"sm4_key is only used by HJ 212-2025 devices and this device is edition 2017; add edition: "2025" or remove the key"#)
        #expect(issue(at: "enterprises[0].outlets[0].devices[2].sm4_key", in: found)?.message.contains("this device has no edition") == true)
        let short = issue(at: "enterprises[0].outlets[0].devices[3].sm4_key", in: found)
        #expect(short?.message == "sm4_key must be 32 hex digits (16 bytes); it has 16 characters")
        let notHex = issue(at: "enterprises[0].outlets[0].devices[4].sm4_key", in: found)
        #expect(notHex?.line == 13)
        #expect(notHex?.message.contains("0123456789ABCDEF") == false)
    }

    @Test("pollutant limits: codes, media, positive maxima, ordered ranges")
    func pollutantLimits() {
        let yaml = """
        enterprises:
          - id: E1
            name: 甲
            outlets:
              - id: DA001
                name: 烟囱
                medium: gas
                limits:
                  a21026: 300
                  so2: 100
                  "02": 100
                  w01018: 50
                  a21002: -5
                  a34013: lots
                  a99999: 1
              - id: DW001
                name: 排口
                medium: water
                limits:
                  w01001: [9, 6]
                  w01018: [1, 2, 3]
                  w21003: { max: 15 }
                  w01001x: 1
                  化学需氧量: 1
                reference_o2: 9
        """
        let found = issues(yaml)
        let base0 = "enterprises[0].outlets[0].limits"
        let base1 = "enterprises[0].outlets[1].limits"
        #expect(issue(at: "\(base0).so2", in: found)?.message
            == #""so2" is not an HJ 212 pollutant code (codes look like a21026 or w01018); did you mean a21026?"#)
        #expect(issue(at: "\(base0).so2", in: found)?.line == 10)
        #expect(issue(at: "\(base0).02", in: found)?.message
            == #""02" is an HJ/T 212-2005 code; write limits with HJ 212-2017 codes: a21026 (二氧化硫)"#)
        #expect(issue(at: "\(base0).w01018", in: found)?.message
            == "w01018 (化学需氧量) is a water pollutant but this outlet's medium is gas")
        #expect(issue(at: "\(base0).a21002", in: found)?.message == #"a maximum must be a positive number, found "-5""#)
        #expect(issue(at: "\(base0).a34013", in: found)?.message == #"expected a number, found "lots""#)
        #expect(issue(at: "\(base1).w01001", in: found)?.message == "a range is written [lower, upper] with lower < upper, found [9, 6]")
        #expect(issue(at: "\(base1).w01001", in: found)?.line == 20)
        #expect(issue(at: "\(base1).w01018", in: found)?.message == "expected a number (the maximum) or [lower, upper] (a range), found a list")
        #expect(issue(at: "\(base1).w21003", in: found)?.line == 22)
        #expect(issue(at: "\(base1).w01001x", in: found) != nil)
        #expect(issue(at: "\(base1).化学需氧量", in: found)?.message.hasSuffix("did you mean w01018?") == true)
        #expect(issue(at: "enterprises[0].outlets[1].reference_o2", in: found)?.message
            == "reference O2 applies to gas outlets only; this outlet is water")
        // a21026: 300 and the unknown-but-well-formed a99999 are fine.
        #expect(found.count == 11)
    }

    @Test("ports 0 (any free port) to 65535, IPv6 in brackets")
    func ports() {
        let yaml = """
        listen: 0.0.0.0:0
        http: 127.0.0.1:70000
        """
        let found = issues(yaml)
        #expect(found.count == 1)
        #expect(!found.contains { $0.path == "listen" })
        #expect(issue(at: "http", in: found)?.message == #""127.0.0.1:70000": port 70000 is out of range; ports are 0 (any free port) to 65535"#)
        #expect(issue(at: "http", in: found)?.line == 2)
        let bare = issues("listen: \"::1:9212\"\n")
        #expect(bare.first?.message.contains("[address]:port") == true)
        let noPort = issues("http: localhost\n")
        #expect(noPort.first?.message.contains("has no port") == true)
    }

    @Test("publish_at is HH:MM", arguments: ["25:00", "\"1am\"", "\"12:60\"", "0130"])
    func publishAt(_ value: String) {
        let found = issues("disclosure:\n  publish_at: \(value)\n")
        #expect(found.count == 1)
        #expect(found.first?.path == "disclosure.publish_at")
        #expect(found.first?.line == 2)
        #expect(found.first?.message.hasPrefix("expected a local time HH:MM") == true)
    }

    @Test("timezone must be a TimeZone identifier")
    func timezone() {
        let typo = issues("timezone: Asia/Shangai\n")
        #expect(typo.first?.message == #""Asia/Shangai" is not a time zone name; use an IANA name such as Asia/Shanghai; did you mean "Asia/Shanghai"?"#)
        #expect(typo.first?.line == 1)
        #expect(issues("timezone: Beijing\n").first?.message.hasSuffix(#"did you mean "Asia/Shanghai"?"#) == true)
        #expect(issues("timezone: CST\n").first?.message.contains("ambiguous") == true)
    }

    @Test("enumerations suggest the closest value")
    func enumerations() {
        let yaml = """
        durability: fulll
        unregistered: allow
        ingest: { policy: strickt }
        enterprises:
          - id: E1
            name: 甲
            outlets:
              - id: DA001
                name: 烟囱
                medium: air
                devices:
                  - { mn: M1, password: a, crc: [modbus_swaped, hj212] }
        """
        let found = issues(yaml)
        #expect(found.count == 5)
        #expect(issue(at: "durability", in: found)?.message == #"must be full or normal, found "fulll"; did you mean "full"?"#)
        #expect(issue(at: "unregistered", in: found)?.message == #"must be reject or accept, found "allow""#)
        #expect(issue(at: "ingest.policy", in: found)?.message.hasSuffix(#"did you mean "strict"?"#) == true)
        #expect(issue(at: "enterprises[0].outlets[0].medium", in: found)?.message == #"must be gas or water, found "air""#)
        #expect(issue(at: "enterprises[0].outlets[0].devices[0].crc", in: found)?.message
            == #"must be hj212, modbus or modbus-swapped, found "modbus_swaped"; did you mean "modbus-swapped"?"#)
    }

    @Test("numeric ranges and cross-checks of the connection and ingest settings")
    func numericRanges() {
        let yaml = """
        limits:
          max_frame_bytes: 512
          max_connections: 10
          max_connections_per_ip: 20
          idle_timeout_seconds: 0
        ingest:
          batch_max_frames: 100
          queue_capacity: 50
        """
        let found = issues(yaml)
        #expect(found.count == 4)
        #expect(issue(at: "limits.max_frame_bytes", in: found)?.message == "must be between 1024 and 1048576, found 512")
        #expect(issue(at: "limits.max_connections_per_ip", in: found)?.message == "max_connections_per_ip (20) cannot exceed max_connections (10)")
        #expect(issue(at: "limits.idle_timeout_seconds", in: found)?.message == "must be at least 1, found 0")
        #expect(issue(at: "ingest.queue_capacity", in: found)?.line == 8)
    }

    @Test("storage: exactly one of sqlite or postgres, a postgres URL")
    func storage() {
        #expect(issues("storage: data/hj212.sqlite\n").first?.message.hasPrefix("expected a mapping such as") == true)
        #expect(issues("storage: {}\n").first?.message == "give either sqlite: PATH or postgres: URL")
        let both = issues("storage:\n  sqlite: a.sqlite\n  postgres: postgres://h/db\n")
        #expect(both.first?.line == 3)
        #expect(both.first?.path == "storage.postgres")
        #expect(issues("storage: { postgres: mysql://h/db }\n").first?.path == "storage.postgres")
    }

    @Test("http: off disables; http with no value is refused")
    func http() throws {
        #expect(try parsed("http: off\n").http == nil)
        #expect(try parsed("http: \"[::1]:8080\"\n").http == HostPort(host: "::1", port: 8080))
        #expect(issues("http:\n").first?.message.contains("off") == true)
    }

    @Test("YAML syntax errors report their line")
    func syntaxError() {
        let yaml = """
        listen: 0.0.0.0:9212
        enterprises:
          - id: E1
            name: "unterminated
        timezone: Asia/Shanghai
        """
        let found = issues(yaml)
        #expect(found.count == 1)
        #expect(found.first?.line != nil)
        #expect(found.first?.message.hasPrefix("YAML syntax error") == true)

        let badIndent = issues("listen: 0.0.0.0:9212\n  http: off\n")
        #expect(badIndent.first?.line == 2)
    }

    @Test("a key given twice in one mapping is refused with its line")
    func duplicateYAMLKey() {
        let found = issues("listen: 0.0.0.0:9212\ntimezone: UTC\nlisten: 0.0.0.0:9213\n")
        #expect(found.count == 1)
        #expect(found.first?.line == 1)
        #expect(found.first?.message.contains(#""listen""#) == true)
    }

    @Test("several problems in one file are all reported, in line order, one per line with the file path")
    func severalProblems() throws {
        let yaml = """
        listen: 0.0.0.0:99999
        timezone: Mars/Olympus
        enterprises:
          - id: E1
            name: 甲
            outlets:
              - id: DA001
                name: 烟囱
                medium: gas
                limits: { a21026: 0 }
                devices:
                  - { mn: "bad mn", password: "x;y" }
                  - { mn: M1 }
        """
        do {
            _ = try ConfigurationLoader.parse(yaml: yaml, sourcePath: "/etc/hj212.yaml", environment: [:])
            Issue.record("loaded")
        } catch {
            #expect(error.issues.map(\.line) == [1, 2, 10, 12, 12, 13])
            #expect(error.issues.map(\.path) == [
                "listen", "timezone", "enterprises[0].outlets[0].limits.a21026",
                "enterprises[0].outlets[0].devices[0].mn", "enterprises[0].outlets[0].devices[0].password",
                "enterprises[0].outlets[0].devices[1].password",
            ])
            let lines = error.description.split(separator: "\n")
            #expect(lines.count == 6)
            #expect(lines.allSatisfy { $0.hasPrefix("/etc/hj212.yaml: line ") })
            #expect(lines[0] == #"/etc/hj212.yaml: line 1: listen: "0.0.0.0:99999": port 99999 is out of range; ports are 0 (any free port) to 65535"#)
            #expect(error.localizedDescription == error.description)
        }
    }
}
