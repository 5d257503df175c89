import Foundation
import HJ212
import Testing
@testable import GatewayConfig

/// `yaml()` writes what `parse` reads back to the same value; the shipped example loads.
@Suite("YAML round trip and the example file")
struct RoundTripTests {
    @Test("defaults round-trip")
    func defaults() throws {
        let text = GatewayConfiguration.default.yaml()
        #expect(try parsed(text) == GatewayConfiguration.default)
    }

    @Test("design.md §3 example round-trips")
    func designExample() throws {
        let configuration = try parsed(designExampleYAML)
        let again = try parsed(configuration.yaml())
        #expect(again == configuration)
        #expect(again.registry == configuration.registry)
    }

    @Test("every field, awkward strings and env references round-trip")
    func everything() throws {
        let environment = ["PW_ENV": "from-env", "KEY_ENV": "FFEEDDCCBBAA99887766554433221100"]
        let configuration = GatewayConfiguration(
            listen: HostPort(host: "::", port: 19212),
            http: nil,
            timezone: "Asia/Urumqi",
            storage: .postgres(url: "postgres://u:p@db.example:5432/hj212?sslmode=require"),
            durability: .normal,
            disclosure: DisclosureConfiguration(directory: "/srv/public site", publishAt: "23:59"),
            unregistered: .accept,
            limits: ConnectionLimits(
                maxConnections: 5, maxConnectionsPerIP: 5, maxFrameBytes: 1024, idleTimeoutSeconds: 1,
                junkBytesLimit: 1, noValidFrameSeconds: 1, badPasswordThreshold: 1, badPasswordWindowSeconds: 1, blockSeconds: 0),
            ingest: IngestSettings(batchMaxFrames: 1, batchMaxDelayMillis: 0, queueCapacity: 1, policy: .strict),
            enterprises: [
                Enterprise(id: "91533100MA0000001X", name: "德宏示例\"糖业\"有限公司 # not a comment", outlets: [
                    Outlet(
                        id: "DA001", name: "1号锅炉: 废气\\排放口", medium: .gas, standard: "GB13271-2014/coal/existing",
                        limits: ["a21026": .maximum(300), "a21002": .maximum(0.125), "a34013": .maximum(1e-5)],
                        referenceO2: 3.5,
                        devices: [
                            DeviceConfiguration(mn: "010000A8900016F000169DC0", password: "100000"),
                            DeviceConfiguration(
                                mn: "2025-dev_1", password: Secret(value: "from-env", reference: "env:PW_ENV"), edition: .hj2025,
                                sm4Key: Secret(value: "FFEEDDCCBBAA99887766554433221100", reference: "env:KEY_ENV"),
                                crc: [.modbusSwapped, .modbus], policy: .lenient),
                            DeviceConfiguration(
                                mn: "0100", password: "'quoted' ~ null", edition: .hj2025,
                                sm4Key: "0123456789ABCDEF0123456789ABCDEF", crc: [.hj212], policy: .strict),
                        ]),
                    Outlet(
                        id: "DW001", name: "废水总排口", medium: .water,
                        limits: ["w01001": .range(lower: 6, upper: 9), "w01018": .maximum(100), "w00000": .range(lower: -1.5, upper: 2.25)],
                        devices: [DeviceConfiguration(mn: "LD130133000015", password: "123456", edition: .hj2005)]),
                    Outlet(id: "DW002", name: "备用", medium: .water),
                ]),
                Enterprise(id: "E2", name: "空"),
            ])
        let text = configuration.yaml()
        let again = try parsed(text, environment: environment)
        #expect(again == configuration)
        #expect(again.registry == configuration.registry)
        #expect(again.registry["2025-dev_1"]?.sm4Key == SM4Key(hex: "FFEEDDCCBBAA99887766554433221100"))
        #expect(text.contains("http: off"))
        // Writing twice gives the same text (limits are sorted).
        #expect(again.yaml() == text)
    }

    @Test("a loaded file with resolved paths round-trips with the same source path")
    func resolvedPaths() throws {
        let configuration = try parsed(designExampleYAML, sourcePath: "/etc/hj212/hj212.yaml")
        #expect(configuration.storage == .sqlite(path: "/etc/hj212/data/hj212.sqlite"))
        #expect(configuration.disclosure.directory == "/etc/hj212/public")
        #expect(try parsed(configuration.yaml(), sourcePath: "/etc/hj212/hj212.yaml") == configuration)
    }

    @Test("docs/config/example.yaml parses")
    func exampleFile() throws {
        let root = try #require(repositoryRoot(), "cannot find the repository root from \(#filePath)")
        let path = root.appendingPathComponent("docs/config/example.yaml").path
        let key = "30313233343536373839414243444546"
        let configuration = try ConfigurationLoader.load(path: path, environment: ["HJ212_SM4_88888880000001": key])
        #expect(configuration.sourcePath == path)
        #expect(configuration.enterprises.map(\.id) == ["91533100MA0000001X", "91533100MA0000002Y"])
        #expect(configuration.registry.count == 4)
        #expect(configuration.registry["010000A8900016F000169DC0"]?.enterpriseName == "德宏示例糖业有限公司")
        #expect(configuration.registry["LD130133000015"]?.edition == .hj2005)
        #expect(configuration.registry["88888880000001"]?.sm4Key == SM4Key(hex: key))
        #expect(configuration.registry["88888880000002"]?.crc == [.modbusSwapped])
        #expect(configuration.registry["88888880000002"]?.policy == .strict)
        #expect(configuration.enterprises[1].outlets[0].referenceO2 == 9)
        #expect(configuration.enterprises[0].outlets[1].limits["w01001"] == .range(lower: 6, upper: 9))
        // Its settings are the defaults, written out.
        #expect(configuration.limits == ConnectionLimits())
        #expect(configuration.ingest == IngestSettings())

        // Without the key's variable it is refused, naming the variable and the line.
        do {
            _ = try ConfigurationLoader.load(path: path, environment: [:])
            Issue.record("loaded without HJ212_SM4_88888880000001")
        } catch {
            #expect(error.issues.count == 1)
            #expect(error.description.hasPrefix("\(path): line "))
            #expect(error.description.contains("HJ212_SM4_88888880000001 is not set"))
        }
    }
}
