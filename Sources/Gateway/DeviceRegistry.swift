import HJ212

/// What the gateway needs to know about one registered device to admit and decode it.
public struct DeviceProfile: Sendable, Hashable {
    public var mn: String
    public var password: String
    public var edition: Edition?
    public var sm4Key: SM4Key?
    public var extraCRC: Set<CRCAlgorithm>
    public var policy: DecodePolicy?

    public init(mn: String, password: String, edition: Edition? = nil, sm4Key: SM4Key? = nil, extraCRC: Set<CRCAlgorithm> = [], policy: DecodePolicy? = nil) {
        self.mn = mn
        self.password = password
        self.edition = edition
        self.sm4Key = sm4Key
        self.extraCRC = extraCRC
        self.policy = policy
    }
}

/// The registry of devices (MN -> profile), from the configuration.
public struct DeviceRegistry: Sendable {
    public var devices: [String: DeviceProfile]

    public init(_ devices: [DeviceProfile]) {
        var map: [String: DeviceProfile] = [:]
        for device in devices { map[device.mn] = device }
        self.devices = map
    }

    public func device(_ mn: String) -> DeviceProfile? { devices[mn] }
}

/// Compares secrets in time independent of where they first differ.
enum ConstantTime {
    static func equals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(truncatingIfNeeded: x.count ^ y.count)
        let count = max(x.count, y.count)
        for index in 0..<count {
            let left = index < x.count ? x[index] : 0
            let right = index < y.count ? y[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }
}
