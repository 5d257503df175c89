import HJ212
import Testing
@testable import Compliance

/// C_zs = C × (21 − ref) / (21 − O2) and the device-Zs checks (rules.md §2.1).
@Suite struct OxygenConversionTests {
    @Test func convertsWithTheReferenceOxygenFormula() throws {
        // 100 × (21 − 6) / (21 − 12) = 100 × 15 / 9 = 166.666…
        let converted = try OxygenConversion.convert(100, oxygen: 12, reference: 6).get()
        #expect(abs(converted - 166.6667) < 0.0001)
        // 300 × (21 − 9) / (21 − 9) = 300: O2 at the reference leaves the value unchanged.
        #expect(try OxygenConversion.convert(300, oxygen: 9, reference: 9).get() == 300)
        // 50 × (21 − 11) / (21 − 16) = 50 × 10 / 5 = 100.
        #expect(try OxygenConversion.convert(50, oxygen: 16, reference: 11).get() == 100)
    }

    @Test func oxygenAtOrAboveTwentyPercentOrMissingIsNotConvertible() {
        #expect(OxygenConversion.convert(100, oxygen: 21, reference: 6) == .failure(.oxygenTooHigh(21)))
        #expect(OxygenConversion.convert(100, oxygen: 20, reference: 6) == .failure(.oxygenTooHigh(20)))
        #expect(OxygenConversion.convert(100, oxygen: nil, reference: 6) == .failure(.oxygenMissing))
        #expect(OxygenConversion.convert(100, oxygen: .nan, reference: 6) == .failure(.oxygenMissing))
        // 19.9 is still convertible: 100 × 15 / 1.1 = 1363.63…
        let nearCeiling = try? OxygenConversion.convert(100, oxygen: 19.9, reference: 6).get()
        #expect(nearCeiling.map { abs($0 - 1363.6364) < 0.001 } == true)
    }

    @Test func notComputableSentinel() {
        // HJ 212-2025: the data type's maximum. N4.2 -> 10^4 − 0.01 = 9999.99.
        #expect(OxygenConversion.isNotComputableSentinel(9999.99, dataType: "N4.2"))
        #expect(OxygenConversion.isNotComputableSentinel(9999.99))
        #expect(OxygenConversion.isNotComputableSentinel(99999.9))
        #expect(OxygenConversion.isNotComputableSentinel(-9999.99))
        #expect(OxygenConversion.isNotComputableSentinel(-9999.99, dataType: "N4.2"))
        // N5.2 -> 99999.99; N4.1 -> 9999.9.
        #expect(OxygenConversion.isNotComputableSentinel(99999.99, dataType: "N5.2"))
        #expect(OxygenConversion.isNotComputableSentinel(9999.9, dataType: "N4.1"))
        // Ordinary values.
        #expect(!OxygenConversion.isNotComputableSentinel(99))
        #expect(!OxygenConversion.isNotComputableSentinel(999.5))
        #expect(!OxygenConversion.isNotComputableSentinel(1234))
        #expect(!OxygenConversion.isNotComputableSentinel(166.67))
        #expect(!OxygenConversion.isNotComputableSentinel(99, dataType: "N4.2"))
        // With the type given, the test is exact: 9999.99 is an ordinary value for an N5.2 field.
        #expect(!OxygenConversion.isNotComputableSentinel(9999.99, dataType: "N5.2"))
    }

    @Test func deviceZsSanity() {
        // Expected 100 × 15 / 9 = 166.67; within 10 % (150.0…183.3) is sane.
        #expect(OxygenConversion.isSane(170, measured: 100, oxygen: 12, reference: 6))
        #expect(OxygenConversion.isSane(183, measured: 100, oxygen: 12, reference: 6))
        // 10× off: 1666.7 is far outside ±16.67.
        #expect(!OxygenConversion.isSane(1666.7, measured: 100, oxygen: 12, reference: 6))
        // 140 is 26.67 below 166.67 (> 10 %).
        #expect(!OxygenConversion.isSane(140, measured: 100, oxygen: 12, reference: 6))
        #expect(!OxygenConversion.isSane(-5, measured: 100, oxygen: 12, reference: 6))
        #expect(!OxygenConversion.isSane(.infinity, measured: 100, oxygen: 12, reference: 6))
        #expect(!OxygenConversion.isSane(9999.99, measured: nil, oxygen: nil, reference: 6, dataType: "N4.2"))
        // Without O2 nothing can be checked: a plausible value is taken.
        #expect(OxygenConversion.isSane(170, measured: 100, oxygen: nil, reference: 6))
    }

    @Test func whichCodesAreConverted() {
        #expect(OxygenConversion.isConvertible("a21026"))
        #expect(OxygenConversion.isConvertible("a21002"))
        #expect(OxygenConversion.isConvertible("a34013"))
        #expect(!OxygenConversion.isConvertible("a19001"))
        #expect(!OxygenConversion.isConvertible("a00000"))
        #expect(!OxygenConversion.isConvertible("a01012"))
    }
}
