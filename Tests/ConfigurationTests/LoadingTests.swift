import Foundation
import HJ212
import Testing
@testable import GatewayConfig

/// A valid file becomes the values and the registry the gateway runs with.
@Suite("Loading")
struct LoadingTests {
    @Test("design.md §3 example: every value")
    func designExample() throws {
        let configuration = try parsed(designExampleYAML)
        #expect(configuration.listen == HostPort(host: "0.0.0.0", port: 9212))
        #expect(configuration.http == HostPort(host: "127.0.0.1", port: 8212))
        #expect(configuration.timezone == "Asia/Shanghai")
        #expect(configuration.timeZone.identifier == "Asia/Shanghai")
        #expect(configuration.storage == .sqlite(path: "data/hj212.sqlite"))
        #expect(configuration.durability == .full)
        #expect(configuration.disclosure == DisclosureConfiguration(directory: "public", publishAt: "01:00"))
        #expect(configuration.unregistered == .reject)
        #expect(configuration.limits == ConnectionLimits())
        #expect(configuration.ingest == IngestSettings())
        #expect(configuration.sourcePath == nil)

        try #require(configuration.enterprises.count == 1)
        let enterprise = configuration.enterprises[0]
        #expect(enterprise.id == "91533100MA0000001X")
        #expect(enterprise.name == "德宏示例糖业有限公司")
        try #require(enterprise.outlets.count == 2)

        let gas = enterprise.outlets[0]
        #expect(gas.id == "DA001")
        #expect(gas.name == "1号锅炉废气排放口")
        #expect(gas.medium == .gas)
        #expect(gas.standard == "GB13271-2014/coal/existing")
        #expect(gas.limits == ["a21026": .maximum(300)])
        #expect(gas.referenceO2 == nil)
        #expect(gas.devices == [DeviceConfiguration(mn: "010000A8900016F000169DC0", password: "100000")])

        let water = enterprise.outlets[1]
        #expect(water.id == "DW001")
        #expect(water.name == "废水总排口")
        #expect(water.medium == .water)
        #expect(water.standard == nil)
        #expect(water.limits == ["w01018": .maximum(100), "w21003": .maximum(15), "w01001": .range(lower: 6, upper: 9)])
        #expect(water.devices == [DeviceConfiguration(mn: "LD130133000015", password: "123456", edition: .hj2005)])
    }

    @Test("design.md §3 example: the registry")
    func designRegistry() throws {
        let configuration = try parsed(designExampleYAML)
        #expect(configuration.registry.count == 2)
        let boiler = try #require(configuration.device(mn: "010000A8900016F000169DC0"))
        #expect(boiler == RegisteredDevice(
            mn: "010000A8900016F000169DC0", password: "100000", edition: nil, sm4Key: nil, crc: [], policy: nil,
            enterpriseID: "91533100MA0000001X", enterpriseName: "德宏示例糖业有限公司",
            outletID: "DA001", outletName: "1号锅炉废气排放口", medium: .gas))
        let sewage = try #require(configuration.registry["LD130133000015"])
        #expect(sewage.password.value == "123456")
        #expect(sewage.edition == .hj2005)
        #expect(sewage.outletID == "DW001")
        #expect(sewage.outletName == "废水总排口")
        #expect(sewage.medium == .water)
        #expect(configuration.registry["unknown"] == nil)
    }

    @Test("defaults: an empty file and GatewayConfiguration.default")
    func defaults() throws {
        for text in ["", "# nothing but a comment\n", "---\n"] {
            let configuration = try parsed(text)
            #expect(configuration == GatewayConfiguration.default)
        }
        let defaults = GatewayConfiguration.default
        #expect(defaults.listen.description == "0.0.0.0:9212")
        #expect(defaults.http?.description == "127.0.0.1:8212")
        #expect(defaults.timezone == "Asia/Shanghai")
        #expect(defaults.storage == .sqlite(path: "data/hj212.sqlite"))
        #expect(defaults.durability == .full)
        #expect(defaults.disclosure.directory == "public")
        #expect(defaults.disclosure.publishAt == "01:00")
        #expect(defaults.disclosure.publishHour == 1)
        #expect(defaults.disclosure.publishMinute == 0)
        #expect(defaults.unregistered == .reject)
        #expect(defaults.enterprises.isEmpty)
        #expect(defaults.registry.isEmpty)
        let limits = defaults.limits
        #expect(limits.maxConnections == 20000)
        #expect(limits.maxConnectionsPerIP == 256)
        #expect(limits.maxFrameBytes == 10240)
        #expect(limits.idleTimeoutSeconds == 900)
        #expect(limits.junkBytesLimit == 65536)
        #expect(limits.noValidFrameSeconds == 120)
        #expect(limits.badPasswordThreshold == 5)
        #expect(limits.badPasswordWindowSeconds == 60)
        #expect(limits.blockSeconds == 600)
        #expect(defaults.ingest.batchMaxFrames == 2048)
        #expect(defaults.ingest.batchMaxDelayMillis == 5)
        #expect(defaults.ingest.queueCapacity == 8192)
        #expect(defaults.ingest.policy == .lenient)
    }

    @Test("every setting, not defaults")
    func everySetting() throws {
        let yaml = """
        listen: "[::]:19212"
        http: off
        timezone: Asia/Urumqi
        storage:
          postgres: postgres://hj212:pw@db.example:5432/hj212
        durability: normal
        disclosure:
          directory: /srv/site
          publish_at: 6:30
        unregistered: accept
        limits:
          max_connections: 100
          max_connections_per_ip: 10
          max_frame_bytes: 2048
          idle_timeout_seconds: 60
          junk_bytes_limit: 4096
          no_valid_frame_seconds: 30
          bad_password_threshold: 3
          bad_password_window_seconds: 120
          block_seconds: 0
        ingest:
          batch_max_frames: 64
          batch_max_delay_millis: 0
          queue_capacity: 128
          policy: strict
        enterprises: []
        """
        let configuration = try parsed(yaml)
        #expect(configuration.listen == HostPort(host: "::", port: 19212))
        #expect(configuration.http == nil)
        #expect(configuration.timezone == "Asia/Urumqi")
        #expect(configuration.storage == .postgres(url: "postgres://hj212:pw@db.example:5432/hj212"))
        #expect(configuration.durability == .normal)
        #expect(configuration.disclosure == DisclosureConfiguration(directory: "/srv/site", publishAt: "06:30"))
        #expect(configuration.unregistered == .accept)
        #expect(configuration.limits == ConnectionLimits(
            maxConnections: 100, maxConnectionsPerIP: 10, maxFrameBytes: 2048, idleTimeoutSeconds: 60,
            junkBytesLimit: 4096, noValidFrameSeconds: 30, badPasswordThreshold: 3,
            badPasswordWindowSeconds: 120, blockSeconds: 0))
        #expect(configuration.ingest == IngestSettings(batchMaxFrames: 64, batchMaxDelayMillis: 0, queueCapacity: 128, policy: .strict))
    }

    @Test("device options: edition, SM4 key, CRC variants, policy; outlet reference O2")
    func deviceOptions() throws {
        let key = "0123456789ABCDEF0123456789abcdef"
        let yaml = """
        enterprises:
          - id: E1
            name: 示例
            outlets:
              - id: DA001
                name: 烟囱
                medium: gas
                reference_o2: 9
                devices:
                  - mn: A-1_b
                    password: pw
                    edition: 2025
                    sm4_key: \(key)
                    crc: modbus-swapped
                  - mn: "0100"
                    password: 000123
                    edition: "2017"
                    crc: [modbus, modbus-swapped]
                    policy: strict
        """
        let configuration = try parsed(yaml)
        let outlet = configuration.enterprises[0].outlets[0]
        #expect(outlet.referenceO2 == 9)
        #expect(outlet.devices[0].sm4Key?.value == key)
        #expect(outlet.devices[0].crc == [.modbusSwapped])
        #expect(outlet.devices[1].crc == [.modbus, .modbusSwapped])

        let first = try #require(configuration.registry["A-1_b"])
        #expect(first.edition == .hj2025)
        #expect(first.sm4Key == SM4Key(hex: key))
        #expect(first.crc == [.modbusSwapped])
        #expect(first.policy == nil)
        let options = first.decodeOptions(defaultPolicy: configuration.ingest.policy)
        #expect(options.policy == .lenient)
        #expect(options.sm4Key == SM4Key(hex: key))
        #expect(options.extraCRCAlgorithms == [.modbusSwapped])

        // Scalars are taken as written: no octal or integer re-typing of MNs and passwords.
        let second = try #require(configuration.registry["0100"])
        #expect(second.password.value == "000123")
        #expect(second.edition == .hj2017)
        #expect(second.crc == [.modbus, .modbusSwapped])
        #expect(second.policy == .strict)
        #expect(second.decodeOptions(defaultPolicy: .lenient).policy == .strict)
    }

    @Test("load(path:) resolves relative paths against the file's folder")
    func loadResolvesPaths() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hj212-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("hj212.yaml")
        try designExampleYAML.write(to: file, atomically: true, encoding: .utf8)

        let configuration = try ConfigurationLoader.load(path: file.path, environment: [:])
        #expect(configuration.sourcePath == file.path)
        #expect(configuration.storage == .sqlite(path: folder.appendingPathComponent("data/hj212.sqlite").standardizedFileURL.path))
        #expect(configuration.disclosure.directory == folder.appendingPathComponent("public").standardizedFileURL.path)
        #expect(configuration.registry.count == 2)

        // Defaults are resolved too, and absolute paths stay as they are.
        try "storage: { sqlite: /var/lib/hj212.sqlite }\n".write(to: file, atomically: true, encoding: .utf8)
        let minimal = try ConfigurationLoader.load(path: file.path, environment: [:])
        #expect(minimal.storage == .sqlite(path: "/var/lib/hj212.sqlite"))
        #expect(minimal.disclosure.directory == folder.appendingPathComponent("public").standardizedFileURL.path)
    }

    @Test("load(path:) of a missing file says so, prefixed by the path")
    func missingFile() {
        let path = "/nonexistent/hj212-\(UUID().uuidString).yaml"
        do {
            _ = try ConfigurationLoader.load(path: path, environment: [:])
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.sourcePath == path)
            #expect(error.issues.count == 1)
            #expect(error.description == "\(path): the configuration file does not exist")
        }
    }

    @Test("registry follows edits to enterprises; the first of two equal MNs wins")
    func registryFollowsEdits() {
        var configuration = GatewayConfiguration()
        #expect(configuration.registry.isEmpty)
        let device = DeviceConfiguration(mn: "MN1", password: "pw")
        configuration.enterprises = [
            Enterprise(id: "E1", name: "甲", outlets: [Outlet(id: "DW001", name: "排口", medium: .water, devices: [device])]),
            Enterprise(id: "E2", name: "乙", outlets: [Outlet(id: "DW001", name: "排口", medium: .water, devices: [device])]),
        ]
        #expect(configuration.registry["MN1"]?.enterpriseID == "E1")
        configuration.enterprises.removeFirst()
        #expect(configuration.registry["MN1"]?.enterpriseID == "E2")
    }
}
