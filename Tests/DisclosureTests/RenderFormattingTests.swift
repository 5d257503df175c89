import Foundation
import Testing
@testable import Disclosure
import Simulation

@Suite struct RenderNumberFormatTests {
    @Test func displayKeepsThreeSignificantDigitsWithoutRoundingTheIntegerPart() {
        #expect(NumberFormat.display(70.123) == "70.1")
        #expect(NumberFormat.display(0.456) == "0.456")
        #expect(NumberFormat.display(812) == "812")
        #expect(NumberFormat.display(812.4) == "812")
        #expect(NumberFormat.display(12_345.6) == "12346")
        #expect(NumberFormat.display(5.678) == "5.68")
        #expect(NumberFormat.display(5.0) == "5")
        #expect(NumberFormat.display(0.01234) == "0.0123")
        #expect(NumberFormat.display(0) == "0")
        #expect(NumberFormat.display(-0.0001) == "-0.0001")
        #expect(NumberFormat.display(nil) == "—")
        #expect(NumberFormat.display(.nan) == "—")
    }

    @Test func displayWithUnitLeavesOutDimensionlessUnits() {
        #expect(NumberFormat.display(24.5671, unit: "mg/m³") == "24.6 mg/m³")
        #expect(NumberFormat.display(7.2, unit: "无量纲") == "7.2")
        #expect(NumberFormat.display(nil, unit: "mg/L") == "—")
    }

    /// The digit writer against the obvious String version it replaced, over random magnitudes,
    /// signs and decimals (seeded, so a failure repeats).
    @Test func fixedPointDigitsMatchTheStringVersion() {
        func reference(_ units: Int64, _ decimals: Int) -> String {
            var digits = String(units.magnitude)
            if decimals > 0 {
                if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
                digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
                while digits.hasSuffix("0") { digits.removeLast() }
                if digits.hasSuffix(".") { digits.removeLast() }
            }
            return units < 0 && digits != "0" ? "-" + digits : digits
        }
        var generator = SeededRandom(seed: 212)
        for _ in 0..<20_000 {
            let magnitude = Int64(generator.next() % 16)
            var units = Int64(generator.next() % UInt64(pow(10, Double(magnitude))))
            if generator.next() % 2 == 0 { units = -units }
            if generator.next() % 7 == 0 { units *= 1000 }
            let decimals = Int(generator.next() % 11)
            #expect(NumberFormat.digitsText(units, decimals: decimals) == reference(units, decimals), "\(units) \(decimals)")
        }
        #expect(NumberFormat.digitsText(0, decimals: 3) == "0")
        #expect(NumberFormat.digitsText(-5, decimals: 3) == "-0.005")
        #expect(NumberFormat.digitsText(120_000, decimals: 4) == "12")
        #expect(NumberFormat.digitsText(999_999_999_999_999, decimals: 0) == "999999999999999")
    }

    @Test func dataNumbersAreShortAndValidJSON() {
        #expect(NumberFormat.data(0.1 + 0.2) == "0.3")
        #expect(NumberFormat.data(70.1234) == "70.123")
        #expect(NumberFormat.data(12_345.6789) == "12345.679")
        #expect(NumberFormat.data(0.000123456) == "0.000123")
        #expect(NumberFormat.data(-1e-13) == "0")
        #expect(NumberFormat.data(35) == "35")
        #expect(NumberFormat.data(nil) == nil)
        #expect(NumberFormat.data(.infinity) == nil)
    }

    @Test func percentagesAndMultiples() {
        #expect(NumberFormat.percent(0.9583) == "95.8%")
        #expect(NumberFormat.percent(1) == "100%")
        #expect(NumberFormat.percent(0.9999) == "99.9%")
        #expect(NumberFormat.percent(0.5) == "50%")
        #expect(NumberFormat.percent(nil) == "—")
        #expect(NumberFormat.multiple(1.0312) == "×1.03")
        #expect(NumberFormat.multiple(2) == "×2.00")
        #expect(NumberFormat.multiple(nil) == "—")
    }

    @Test func flagSummaryIsOrderedAndSkipsZeros() {
        #expect(Labels.flagSummary(["M": 2, "N": 22]) == "N 22 · M 2")
        #expect(Labels.flagSummary(["缺失": 4, "N": 20, "X": 0, "Z": 1]) == "N 20 · Z 1 · 缺失 4")
        #expect(Labels.flagSummary([:]) == "—")
    }

    @Test func limitsReadWithTheirBasis() {
        #expect(Labels.limitValue(LimitInfo(value: 35, basis: .hour, source: "GB"), unit: "mg/m³") == "≤ 35 mg/m³")
        #expect(Labels.limitValue(LimitInfo(value: nil, lower: 6, upper: 9, basis: .range, source: "GB"), unit: "无量纲") == "6–9")
        #expect(Labels.limitValue(nil, unit: "mg/L") == nil)
    }
}

@Suite struct RenderEscapingTests {
    @Test func escapesMarkupAndQuotes() {
        #expect(esc(#"<a href="x">&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;")
        #expect(esc("二氧化硫 mg/m³") == "二氧化硫 mg/m³")
    }

    @Test func replacesCharactersXMLForbids() {
        #expect(esc("a\u{0}b\u{1B}c\u{85}d\u{FFFE}") == "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}")
        #expect(esc("a\tb\nc") == "a\tb\nc")
    }
}

@Suite struct RenderSitePathsTests {
    @Test func safeNamesKeepCreditCodesAndEncodeTheRest() {
        #expect(SitePaths.safeName("91140100MA0K1234X5") == "91140100MA0K1234X5")
        #expect(SitePaths.safeName("a_b-c") == "a_b-c")
        #expect(SitePaths.safeName("A/B") == "A~2FB")
        #expect(SitePaths.safeName("../etc") == "~2E~2E~2Fetc")
        #expect(SitePaths.safeName("") == "~")
        #expect(SitePaths.safeName("晋") == "~E6~99~8B")
        #expect(SitePaths.enterprisePage("91140200/ABC 01") == "enterprises/91140200~2FABC~2001.html")
    }

    @Test func safeNamesAreInjectiveAndBounded() {
        let ids = ["a/b", "a~2Fb", "a~b", "a.b", "a b", "", "~", "A/B"]
        let names = ids.map(SitePaths.safeName)
        #expect(Set(names).count == ids.count)
        for name in names {
            #expect(name.unicodeScalars.allSatisfy { CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_~-").contains($0) })
        }
        let long1 = String(repeating: "山西", count: 40) + "1"
        let long2 = String(repeating: "山西", count: 40) + "2"
        #expect(SitePaths.safeName(long1).utf8.count <= 120)
        #expect(SitePaths.safeName(long1) != SitePaths.safeName(long2))
    }
}
