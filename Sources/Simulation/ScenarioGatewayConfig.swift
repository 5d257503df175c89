import GatewayConfig
import HJ212

extension Scenario {
    /// A gateway configuration registering every device of the scenario (MN, password, edition,
    /// SM4 key, accepted CRC variants) with the outlets' limits, so the gateway and the simulated
    /// fleet always agree. `hj212 simulate --write-config` and `hj212 demo` write it.
    ///
    /// All simulated devices connect from one address, so the per-address connection cap is
    /// raised to fit the fleet, and the wrong-password threshold is raised so that one device
    /// simulating a wrong password does not get the whole fleet's address blocked.
    public func gatewayConfiguration(
        listen: HostPort = HostPort(host: "0.0.0.0", port: 9212),
        http: HostPort? = HostPort(host: "127.0.0.1", port: 8212),
        storage: StorageConfiguration = .sqlite(path: "hj212.sqlite")
    ) -> GatewayConfiguration {
        var configuration = GatewayConfiguration(listen: listen, http: http, timezone: timezone, storage: storage)
        let count = devices.count
        configuration.limits.maxConnectionsPerIP = max(configuration.limits.maxConnectionsPerIP, count * 2 + 16)
        configuration.limits.maxConnections = max(configuration.limits.maxConnections, count * 2 + 16)
        configuration.limits.badPasswordThreshold = max(configuration.limits.badPasswordThreshold, 10_000)
        configuration.enterprises = enterprises.map { enterprise in
            Enterprise(id: enterprise.id, name: enterprise.name, outlets: enterprise.outlets.map { outlet in
                Outlet(
                    id: outlet.id, name: outlet.name, medium: outlet.medium, standard: outlet.standard,
                    limits: outlet.limits, referenceO2: outlet.referenceO2,
                    devices: outlet.devices.map { device in
                        DeviceConfiguration(
                            mn: device.mn, password: Secret(device.password), edition: device.edition,
                            sm4Key: device.sm4KeyHex.map { Secret($0) }, crc: device.acceptCRC)
                    })
            })
        }
        return configuration
    }
}
