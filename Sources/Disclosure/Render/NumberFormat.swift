import Foundation

/// The one place numbers become text, for the pages (`display`), the open data (`data`) and the
/// small labels (percentages, multiples), so every file rounds the same value the same way.
enum NumberFormat {
    /// Shown for a missing value.
    static let none = "—"

    /// A concentration, mean or amount for reading: three significant digits, never rounding the
    /// integer part, trailing zeros trimmed (70.123 → `70.1`, 0.456 → `0.456`, 812 → `812`,
    /// 0.01234 → `0.0123`); nil or non-finite as `—`.
    static func display(_ value: Double?) -> String {
        guard let value, value.isFinite else { return none }
        return fixed(value, decimals: significantDecimals(value, digits: 3, maxDecimals: 6))
    }

    /// `display` with the unit appended (`12.3 mg/m³`); no unit for `无量纲` or an empty unit.
    static func display(_ value: Double?, unit: String) -> String {
        let text = display(value)
        guard value != nil, !unit.isEmpty, unit != "无量纲" else { return text }
        return text + " " + unit
    }

    /// A number for the open-data files: at most three decimals, or three significant digits
    /// below 1 (0.1 + 0.2 → `0.3`, 70.1234 → `70.123`, 0.000123456 → `0.000123`). Nil for nil
    /// or non-finite values. Always valid JSON number syntax (no exponent, no `-0`).
    static func data(_ value: Double?) -> String? {
        guard let value, value.isFinite else { return nil }
        let decimals = abs(value) >= 1 ? 3 : significantDecimals(value, digits: 3, maxDecimals: 10)
        return fixed(value, decimals: decimals)
    }

    /// A rate 0...1 as a percentage with one decimal, trimmed (0.9583 → `95.8%`, 1 → `100%`).
    /// A rate below 1 never shows as `100%`.
    static func percent(_ rate: Double?) -> String {
        guard let rate, rate.isFinite else { return none }
        var text = fixed(rate * 100, decimals: 1)
        if rate < 1, text == "100" { text = "99.9" }
        return text + "%"
    }

    /// A ratio to the limit, two decimals (1.0312 → `×1.03`).
    static func multiple(_ ratio: Double?) -> String {
        guard let ratio, ratio.isFinite else { return none }
        return "×" + String(format: "%.2f", ratio)
    }

    /// Decimals that give `digits` significant digits, but none that would round the integer part.
    private static func significantDecimals(_ value: Double, digits: Int, maxDecimals: Int) -> Int {
        let magnitude = abs(value)
        guard magnitude > 0 else { return 0 }
        let exponent = Int(floor(log10(magnitude)))
        return Swift.min(Swift.max(digits - 1 - exponent, 0), maxDecimals)
    }

    /// Fixed-point text with trailing zeros (and a trailing point) removed; never `-0`.
    /// Integer arithmetic for the usual magnitudes (a province day formats millions of numbers;
    /// `String(format:)` was most of the rendering time), `String(format:)` beyond them.
    private static func fixed(_ value: Double, decimals: Int) -> String {
        let exact = value * powersOfTen[decimals]
        let scaled = exact.rounded()
        // Near a half the product's own rounding may differ from printf's exact decimal rounding.
        let nearHalf = abs(abs(exact - exact.rounded(.towardZero)) - 0.5) < 1e-6
        guard abs(scaled) < 1e15, !nearHalf else { return trimmed(String(format: "%.\(decimals)f", value)) }
        return digitsText(Int64(scaled), decimals: decimals)
    }

    /// `units` / 10^`decimals` in fixed point, trailing fractional zeros trimmed, built from the
    /// digits directly (no String searching: with Foundation imported that went through NSString).
    static func digitsText(_ units: Int64, decimals: Int) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { buffer -> String in
            // Digits of |units|, least significant first, with at least one before the point.
            var count = 0
            var rest = units.magnitude
            repeat {
                buffer[count] = 0x30 + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            while count <= decimals {
                buffer[count] = 0x30
                count += 1
            }
            var trailing = 0
            while trailing < decimals && buffer[trailing] == 0x30 { trailing += 1 }
            var text: [UInt8] = []
            text.reserveCapacity(count + 2)
            // units != 0 keeps a non-zero digit, so a minus sign never makes "-0".
            if units < 0 { text.append(0x2D) }
            for index in stride(from: count - 1, through: decimals, by: -1) { text.append(buffer[index]) }
            if trailing < decimals {
                text.append(0x2E)
                for index in stride(from: decimals - 1, through: trailing, by: -1) { text.append(buffer[index]) }
            }
            return String(decoding: text, as: UTF8.self)
        }
    }

    private static let powersOfTen: [Double] = (0...20).map { pow(10, Double($0)) }

    private static func trimmed(_ fixedText: String) -> String {
        var text = fixedText
        if text.utf8.contains(0x2E) {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        if text == "-0" { text = "0" }
        return text
    }
}
