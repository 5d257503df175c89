import Foundation
import Gateway
import HJ212
import Logging
@testable import Simulation
import Store
import Testing

/// A small fleet at high speed against an in-process gateway over loopback TCP.
@Suite("fleet against the gateway", .serialized)
struct IntegrationTests {
    static let yaml = """
        name: 集成测试
        seed: 11
        defaults:
          intervals: {realtime: 120, minute: 10}
          over_time: 1
          re_count: 3
          heartbeat: 0.5
          reconnect: {initial: 0.05, max: 0.2}
        enterprises:
          - id: E1
            name: 测试热电厂
            outlets:
              - id: DA001
                name: 1号烟囱
                medium: gas
                reference_o2: 6
                limits: {a21026: 35, a21002: 50, a34013: 10}
                devices:
                  - mn: "5300000000000000000000A1"
                    password: "123456"
                    edition: "2017"
                    episodes:
                      - {pollutant: a21026, factor: 2, from: "02:00", to: "04:00"}
                  - mn: "5300000000000000000000A2"
                    password: "123456"
                    edition: "2017"
                    faults: {bad_crc: 0.2, junk: 0.1, split_writes: 0.3, several_per_write: 0.2, duplicates: 0.1}
              - id: DA002
                name: 2号烟囱
                medium: gas
                devices:
                  - mn: "53000000000021"
                    password: "123456"
                    edition: "2005"
                    intervals: {realtime: 120, minute: 10}
          - id: E2
            name: 测试污水厂
            outlets:
              - id: DW001
                name: 总排口
                medium: water
                limits: {w01018: 50}
                devices:
                  - mn: "5300000000000000000000W1"
                    password: "252025"
                    edition: "2025"
                    sm4_key: "30303030303030303030303030303030"
                    faults:
                      offline: [{from: "01:00", to: "03:00"}]
                  - mn: "5300000000000000000000W2"
                    password: "123456"
                    edition: "2017"
                    faults: {modbus_crc: 1}
                  - mn: "5300000000000000000000W3"
                    password: "123456"
                    edition: "2017"
                    intervals: {realtime: 300, minute: 10}
                    faults: {wrong_password: 0.05}
        """

    @Test("six simulated hours: every hour stored for every good device, back-fill marked RF, faulty frames in rejects")
    func fleetAgainstGateway() async throws {
        let scenario = try ScenarioLoader.parse(yaml: Self.yaml)
        let gateway = try await SimTestGateway(scenario: scenario)
        var logger = Logger(label: "test.fleet")
        logger.logLevel = .critical
        let runner = FleetRunner(
            scenario: scenario,
            options: FleetOptions(host: "127.0.0.1", port: gateway.port, speed: 7200, start: Fixture.day, simulatedSeconds: 6 * 3600),
            logger: logger)
        let report = await runner.run()
        // The MODBUS device is never answered; the wrong-password one is slowed down by the gateway.
        #expect(Set(report.unfinished).isSubset(of: ["5300000000000000000000W2", "5300000000000000000000W3"]))

        func hours(_ mn: String) async throws -> [StoredReading] {
            try await gateway.store.readings(ReadingQuery(mn: mn, kind: .hour))
        }
        // Clean and faulty-but-recovering devices: hours 00–05, each with every pollutant.
        for mn in ["5300000000000000000000A1", "5300000000000000000000A2", "53000000000021", "5300000000000000000000W1", "5300000000000000000000W3"] {
            let rows = try await hours(mn)
            let device = try #require(scenario.device(mn: mn))
            #expect(Set(rows.map(\.dataTime.hour)) == Set(0...5), "\(mn)")
            #expect(Set(rows.map { "\($0.dataTime.hour) \($0.reading.code)" }).count == 6 * device.codes.count, "\(mn)")
        }
        // The exceedance is in the stored converted values.
        let so2 = try await hours("5300000000000000000000A1").filter { $0.reading.code == "a21026" }
        #expect(so2.filter { $0.reading.zsAvg! > 35 }.map(\.dataTime.hour).sorted() == [2, 3])
        // The 2025 device was offline 01:00–03:00: those hours came back-filled with RF=1, decrypted.
        let water = try await hours("5300000000000000000000W1")
        #expect(Set(water.filter { $0.backfill == .rf }.map(\.dataTime.hour)).isSuperset(of: [1, 2]))
        #expect(water.allSatisfy { $0.edition == .hj2025 })
        // Later hours are RF only if the logger itself marked them so (an answer or a reconnect that
        // came too late on a loaded machine turns a live upload into back-fill).
        let markedRF = try #require(report.perDevice["5300000000000000000000W1"]).backfilledHours
        #expect(markedRF.isSuperset(of: water.filter { $0.backfill == .rf }.map(\.dataTime)))
        #expect(water.filter { !markedRF.contains($0.dataTime) }.allSatisfy { $0.backfill == .live })
        #expect(water.contains { $0.dataTime.hour >= 3 && $0.backfill == .live }, "the logger went back to live uploads")
        // The 2005 device's old codes are stored under current codes.
        let old = try await hours("53000000000021")
        #expect(old.contains { $0.reading.code == "a21026" && $0.reading.rawCode == "02" })
        // A MODBUS-CRC device that is not registered with its quirk gets nothing stored, except a
        // frame whose MODBUS CRC happens to equal its HJ 212 CRC (about 1 in 65,536, so now and
        // then one of its few thousand frames): that frame is valid, stored and acknowledged like
        // any other. What is stored is exactly what the device saw acknowledged.
        let modbus = try #require(report.perDevice["5300000000000000000000W2"])
        let modbusRecords = Set(try await gateway.store.readings(ReadingQuery(mn: "5300000000000000000000W2"))
            .map { "\($0.kind.rawValue) \($0.dataTime.hj212)" })
        #expect(modbusRecords.count == modbus.acknowledged)
        #expect(modbus.acknowledged <= 3, "\(modbus.acknowledged) of \(modbus.uploads) MODBUS-CRC uploads were accepted")

        let rejects = try await gateway.store.rejects(RejectQuery())
        func rejected(_ mn: String, _ reason: String) -> Bool {
            rejects.contains { $0.record.mn == mn && $0.record.reason == reason }
        }
        #expect(rejected("5300000000000000000000A2", "crc_mismatch"))
        #expect(rejected("5300000000000000000000W2", "crc_mismatch"))
        #expect(rejected("5300000000000000000000W3", "wrong_password"))
        // What the fleet says it did agrees.
        let faulty = try #require(report.perDevice["5300000000000000000000A2"])
        #expect(faulty.resends > 0 && (faulty.faults[.badCRC] ?? 0) > 0 && (faulty.faults[.junk] ?? 0) > 0)
        #expect(report.perDevice["5300000000000000000000W1"]!.backfilled > 0)
        #expect(report.perDevice["5300000000000000000000W1"]!.heartbeats > 0)
        await gateway.stop()
    }

    @Test("the platform's history request (2061) is answered over TCP and stored as a history answer")
    func historyOverTCP() async throws {
        let scenario = try ScenarioLoader.parse(yaml: """
            enterprises:
              - id: E1
                name: 厂
                outlets:
                  - id: DA001
                    name: 烟囱
                    medium: gas
                    devices:
                      - mn: "5300000000000000000000H1"
                        password: "123456"
                        edition: "2017"
                        upload: [realtime]
            """)
        let gateway = try await SimTestGateway(scenario: scenario)
        var logger = Logger(label: "test.fleet")
        logger.logLevel = .critical
        // Four simulated hours of real-time data only, then a few seconds more to answer.
        let runner = FleetRunner(
            scenario: scenario,
            options: FleetOptions(host: "127.0.0.1", port: gateway.port, speed: 3600, start: Fixture.day, simulatedSeconds: 4 * 3600 + 20, drainSeconds: 20),
            logger: logger)
        let run = Task { await runner.run() }
        var connected = false
        for _ in 0..<500 where !connected {
            try await Task.sleep(for: .milliseconds(10))
            connected = await gateway.sessions.connectedDevices.contains("5300000000000000000000H1")
        }
        #expect(connected)
        // Wait until the logger has produced hours 00–02.
        while runner.progress().simulatedNow < Fixture.day.adding(seconds: 3 * 3600 + 60) {
            try await Task.sleep(for: .milliseconds(20))
        }
        let qn = "20260301040000000"
        let sent = await gateway.sessions.send(
            .history(.hour, begin: Fixture.day, end: Fixture.day.adding(seconds: 2 * 3600)),
            to: "5300000000000000000000H1", qn: qn)
        #expect(sent)
        var answers: [String] = []
        for _ in 0..<500 where !answers.contains(where: { $0.hasPrefix("9012") }) {
            try await Task.sleep(for: .milliseconds(10))
            answers = await gateway.sessions.record(qn: qn)?.answers ?? []
        }
        #expect(answers.first == "9011 QnRtn=1")
        #expect(answers.last == "9012 ExeRtn=1")
        // The uploads' commits may finish after the 9012 is read: each is answered after its own
        // commit, while the gateway reads on.
        var stored: [StoredReading] = []
        for _ in 0..<500 where Set(stored.map(\.dataTime.hour)) != [0, 1, 2] {
            stored = try await gateway.store.readings(ReadingQuery(mn: "5300000000000000000000H1", kind: .hour))
            if Set(stored.map(\.dataTime.hour)) != [0, 1, 2] { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(Set(stored.map(\.dataTime.hour)) == [0, 1, 2])
        #expect(stored.allSatisfy { $0.backfill == .historyAnswer })
        run.cancel()
        _ = await run.value
        await gateway.stop()
    }
}
