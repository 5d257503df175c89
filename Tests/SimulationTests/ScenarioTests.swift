import Foundation
import GatewayConfig
import HJ212
@testable import Simulation
import Testing

@Suite("scenario files")
struct ScenarioTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("a scenario lists enterprises, outlets and devices with their settings")
    func parsesDevices() throws {
        let scenario = try Fixture.scenario("""
            name: 测试
            seed: 7
            defaults:
              over_time: 4
            enterprises:
              - id: E1
                name: 甲厂
                outlets:
                  - id: DA001
                    name: 烟囱
                    medium: gas
                    reference_o2: 6
                    limits: {a21026: 35, a21002: 50}
                    devices:
                      - mn: "AAAA000000000000000000A1"
                        password: "123456"
                        edition: "2025"
                        sm4_key: "30303030303030303030303030303030"
                        intervals: {realtime: 60, minute: 5}
                        upload: [minute, hour]
                        ack: [hour]
                        re_count: 2
                        heartbeat: off
                        episodes:
                          - {pollutant: a21026, factor: 2, from: "14:00", to: "17:00"}
                        events:
                          - {type: calibration, from: "03:00", to: "03:15", pollutants: [a21002]}
                        faults: {bad_crc: 0.05, clock_skew: -30, offline: [{from: "22:00", to: "02:00"}]}
                  - id: DW001
                    name: 总排口
                    medium: water
                    devices:
                      - mn: "W1"
                        password: "654321"
                        edition: "2005"
                        pollutants: {w01018: 40, w00000: 12}
            """)
        #expect(scenario.name == "测试")
        #expect(scenario.seed == 7)
        #expect(scenario.devices.count == 2)
        let gas = try #require(scenario.device(mn: "AAAA000000000000000000A1"))
        #expect(gas.edition == .hj2025)
        #expect(gas.sm4Key != nil)
        #expect(gas.plant == .cemsCoal)
        #expect(gas.codes == PlantModel.cemsCoal.defaultPollutants)
        #expect(gas.realtimeSeconds == 60 && gas.minuteMinutes == 5)
        #expect(gas.upload == [.minute, .hour] && gas.ack == [.hour])
        #expect(gas.overTimeSeconds == 4 && gas.reCount == 2 && gas.heartbeatSeconds == nil)
        #expect(gas.referenceO2 == 6 && gas.limits["a21026"] == .maximum(35))
        #expect(gas.episodes == [ExceedanceEpisode(code: "a21026", factor: 2, window: TimeWindow(fromSecond: 14 * 3600, toSecond: 17 * 3600))])
        #expect(gas.events.first?.flag == .calibration && gas.events.first?.pollutants == ["a21002"])
        #expect(gas.faults.badCRC == 0.05 && gas.faults.clockSkewSeconds == -30)
        #expect(gas.faults.offline.first?.contains(LocalDateTime(year: 2026, month: 1, day: 1, hour: 1)) == true)
        #expect(gas.faults.offline.first?.contains(LocalDateTime(year: 2026, month: 1, day: 1, hour: 12)) == false)
        let water = try #require(scenario.device(mn: "W1"))
        #expect(water.plant == .wastewater && water.medium == .water && water.st == "32")
        #expect(water.pollutants == [PollutantSpec(code: "w01018", base: 40), PollutantSpec(code: "w00000", base: 12)])
        #expect(water.overTimeSeconds == 4)
    }

    @Test("count: repeats entries, use: fills them from templates, {e} {o} {d} {n} number them")
    func expandsCountsAndTemplates() throws {
        let scenario = try Fixture.scenario("""
            templates:
              stack:
                id: "DA{o:03}"
                name: "{o}号烟囱"
                medium: gas
                limits: {a21026: 35}
              logger:
                password: "123456"
                edition: "2017"
            enterprises:
              - count: 3
                id: "E{e:04}"
                name: "电厂{e}"
                outlets:
                  - count: 2
                    use: stack
                    devices:
                      - count: 2
                        use: logger
                        mn: "MN{e}-{o}-{d}-{n:05}"
              - id: LAST
                name: 最后
                outlets:
                  - use: stack
                    name: 覆盖
                    devices:
                      - {use: logger, mn: "MN{n}", edition: "2005"}
            """)
        #expect(scenario.enterprises.map(\.id) == ["E0001", "E0002", "E0003", "LAST"])
        #expect(scenario.enterprises[1].outlets.map(\.id) == ["DA001", "DA002"])
        #expect(scenario.enterprises[1].outlets[1].name == "2号烟囱")
        #expect(scenario.devices.count == 13)
        #expect(scenario.devices.map(\.mn).prefix(3) == ["MN1-1-1-00001", "MN1-1-2-00002", "MN1-2-1-00003"])
        #expect(scenario.devices[12].mn == "MN13")
        #expect(scenario.devices[12].edition == .hj2005)
        #expect(scenario.enterprises[3].outlets[0].name == "覆盖")
        #expect(scenario.devices.allSatisfy { $0.limits["a21026"] == .maximum(35) })
        #expect(scenario.devices.map(\.ordinal) == Array(1...13))
    }

    @Test("problems are reported with their line, once per place even in repeated entries")
    func errorsHaveLines() throws {
        let yaml = """
            enterprises:
              - count: 5
                id: "E{e}"
                name: 厂
                outlets:
                  - id: DA001
                    name: 烟囱
                    medium: gas
                    limits: {a21026: 35, a99999x: 3}
                    devices:
                      - mn: "SAME"
                        password: "123456"
                        edition: "2019"
                        faults: {bad_crc: 2, splitt_writes: 0.1}
                        episodes:
                          - {pollutant: a21002, factor: 2, from: "14:00", to: "17:00"}
                          - {pollutant: a21026, factor: 2, from: "25:00", to: "17:00"}
            """
        do {
            _ = try ScenarioLoader.parse(yaml: yaml, sourcePath: "bad.yaml")
            Issue.record("the scenario should not load")
        } catch {
            let lines = error.issues.map { $0.line ?? 0 }
            #expect(lines == lines.sorted())
            func issue(_ line: Int, _ text: String) -> Bool {
                error.issues.contains { $0.line == line && $0.message.contains(text) }
            }
            #expect(issue(9, "a99999x"))
            #expect(issue(11, "used twice"))
            #expect(issue(13, "edition must be"))
            #expect(issue(14, "between 0 and 1"))
            #expect(issue(14, "did you mean \"split_writes\""))
            #expect(issue(16, "no limit for a21002") || issue(16, "not measured") || issue(16, "has no limit"))
            #expect(issue(17, "not a time of day"))
            // The MN repeats in four of the five copies but is reported once.
            #expect(error.issues.filter { $0.message.contains("used twice") }.count == 1)
            #expect(error.description.hasPrefix("bad.yaml: line 9:"))
        }
    }

    @Test("YAML syntax errors and missing fields are located")
    func syntaxAndMissing() {
        #expect(throws: ScenarioError.self) { try ScenarioLoader.parse(yaml: "enterprises: [\n  - id: x\n") }
        do {
            _ = try ScenarioLoader.parse(yaml: "enterprises:\n  - id: E1\n    outlets: []\n")
        } catch {
            #expect(error.issues.contains { $0.line == 2 && $0.path == "enterprises[0].name" })
        }
        do {
            _ = try ScenarioLoader.parse(yaml: "templates: {}\nenterprises:\n  - use: plant\n    id: E\n    name: N\n    outlets: []\n")
        } catch {
            #expect(error.issues.contains { $0.line == 3 && $0.message.contains("no template named \"plant\"") })
        }
    }

    @Test("the shipped scenarios load: demo, province (10 000 devices), bad-devices (every fault)")
    func shippedScenarios() throws {
        let folder = Self.repository.appendingPathComponent("simulators")
        let demo = try ScenarioLoader.load(path: folder.appendingPathComponent("demo.yaml").path)
        #expect((8...12).contains(demo.enterprises.count))
        #expect(Set(demo.devices.map(\.edition)) == Set(Edition.allCases))
        #expect(demo.devices.contains { $0.edition == .hj2025 && $0.sm4Key != nil })
        #expect(demo.devices.contains { !$0.episodes.isEmpty })
        #expect(demo.devices.contains { !$0.faults.isClean })
        #expect(Set(demo.devices.map(\.medium)) == [.gas, .water])

        let province = try ScenarioLoader.load(path: folder.appendingPathComponent("province.yaml").path)
        #expect(province.devices.count == 10_000)
        #expect(Set(province.devices.map(\.mn)).count == 10_000)
        #expect(Set(province.devices.map(\.edition)) == Set(Edition.allCases))

        let bad = try ScenarioLoader.load(path: folder.appendingPathComponent("bad-devices.yaml").path)
        let faults = bad.devices.map(\.faults)
        #expect(faults.contains { $0.badCRC > 0 })
        #expect(faults.contains { $0.modbusCRC > 0 })
        #expect(faults.contains { $0.wrongLength > 0 })
        #expect(faults.contains { $0.splitWrites > 0 })
        #expect(faults.contains { $0.severalPerWrite > 0 })
        #expect(faults.contains { $0.junk > 0 })
        #expect(faults.contains { $0.clockSkewSeconds != 0 })
        #expect(faults.contains { $0.duplicates > 0 })
        #expect(faults.contains { $0.disconnectEveryMinutes != nil })
        #expect(faults.contains { !$0.offline.isEmpty })
        #expect(faults.contains { $0.wrongPassword > 0 })
        #expect(bad.devices.contains { !$0.episodes.isEmpty })
        #expect(Set(bad.devices.flatMap(\.events).map(\.flag)) == [.maintenance, .calibration, .fault, .stopped])
    }

    @Test("write-config registers every device so the gateway's loader accepts the fleet")
    func writeConfigRoundTrip() throws {
        let folder = Self.repository.appendingPathComponent("simulators")
        for name in ["demo.yaml", "bad-devices.yaml"] {
            let scenario = try ScenarioLoader.load(path: folder.appendingPathComponent(name).path)
            let configuration = scenario.gatewayConfiguration(listen: HostPort(host: "127.0.0.1", port: 9999))
            let loaded = try ConfigurationLoader.parse(yaml: configuration.yaml())
            #expect(loaded.registry.count == scenario.devices.count)
            for device in scenario.devices {
                let registered = try #require(loaded.device(mn: device.mn))
                #expect(registered.password.value == device.password)
                #expect(registered.edition == device.edition)
                #expect(registered.sm4Key == device.sm4Key)
                #expect(registered.crc == Set(device.acceptCRC))
                #expect(registered.medium == device.medium)
                #expect(registered.enterpriseID == device.enterpriseID && registered.outletID == device.outletID)
            }
            #expect(loaded.listen.port == 9999)
            #expect(loaded.limits.maxConnectionsPerIP >= scenario.devices.count)
        }
    }
}
