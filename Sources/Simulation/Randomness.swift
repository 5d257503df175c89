import Foundation

/// A seeded generator (SplitMix64): the same seed gives the same sequence on every machine.
public struct SeededRandom: RandomNumberGenerator, Sendable, Hashable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Noise.mix(state)
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// True with probability `rate`.
    public mutating func chance(_ rate: Double) -> Bool {
        rate >= 1 || (rate > 0 && unit() < rate)
    }

    /// A derived, independent generator.
    public func derived(_ salt: UInt64) -> SeededRandom {
        SeededRandom(seed: Noise.hash(state, salt))
    }
}

/// Stateless noise: values that depend only on their keys, so a device model gives the same
/// reading for the same time however often and in whatever order it is asked.
public enum Noise {
    /// The SplitMix64 finaliser.
    @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public static func hash(_ a: UInt64, _ b: UInt64, _ c: UInt64 = 0, _ d: UInt64 = 0) -> UInt64 {
        var h = mix(a &+ 0x9E37_79B9_7F4A_7C15)
        h = mix(h ^ (b &* 0xC2B2_AE3D_27D4_EB4F))
        h = mix(h ^ (c &* 0x1656_67B1_9E37_79F9))
        return mix(h ^ (d &* 0x27D4_EB2F_1656_67C5))
    }

    /// Uniform in [0, 1).
    public static func unit(_ a: UInt64, _ b: UInt64, _ c: UInt64 = 0, _ d: UInt64 = 0) -> Double {
        Double(hash(a, b, c, d) >> 11) * 0x1.0p-53
    }

    /// Standard normal (Box–Muller over two hashed uniforms).
    public static func gaussian(_ a: UInt64, _ b: UInt64, _ c: UInt64 = 0, _ d: UInt64 = 0) -> Double {
        let u1 = max(unit(a, b, c, d), 1e-12)
        let u2 = unit(a ^ 0x5851_F42D_4C95_7F2D, b, c, d)
        return (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
    }

    /// Smooth noise in about [-1, 1]: values at knots `period` apart, cosine-interpolated.
    public static func smooth(_ a: UInt64, _ b: UInt64, time: Int64, period: Int64) -> Double {
        let knot = time >= 0 ? time / period : (time - period + 1) / period
        let fraction = Double(time - knot * period) / Double(period)
        let left = unit(a, b, UInt64(bitPattern: knot)) * 2 - 1
        let right = unit(a, b, UInt64(bitPattern: knot + 1)) * 2 - 1
        let weight = (1 - _cos(Double.pi * fraction)) / 2
        return left + (right - left) * weight
    }

    /// A stable number for a text (FNV-1a), for seeding by MN or code.
    public static func key(_ text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x100_0000_01B3
        }
        return h
    }
}

@inline(__always) func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Foundation.cos(x) }
@inline(__always) func _sin(_ x: Double) -> Double { Foundation.sin(x) }
