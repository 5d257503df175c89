import Foundation

/// A small inline SVG bar chart of one pollutant's 24 hourly values against its limit, drawn for
/// every pollutant that exceeded. Exceeding hours are red *and* carry a ▲ marker, missing hours an
/// ×, so nothing depends on colour; `role="img"`, `aria-label`, `<title>` and `<desc>` describe
/// the chart in Chinese for screen readers.
enum HourlyChart {
    private static let width = 480.0
    private static let height = 180.0
    private static let left = 48.0
    private static let right = 470.0
    private static let top = 14.0
    private static let bottom = 150.0

    private static let barColour = "#4f6f95"
    private static let exceedColour = "#b3261e"
    private static let inkColour = "#1a1a1a"
    private static let mutedColour = "#595959"

    /// The chart's short description: what it shows and against which limit.
    static func title(_ pollutant: PollutantDay, outletName: String) -> String {
        "\(outletName) \(pollutant.name)（\(pollutant.code)）24 小时小时均值与限值对比图"
    }

    /// The chart's long description: limit, exceeding hours with their values, missing hours.
    static func description(_ pollutant: PollutantDay) -> String {
        var parts: [String] = []
        if let limit = pollutant.limit, let value = Labels.limitValue(limit, unit: pollutant.unit) {
            parts.append("限值 \(value)（\(Labels.basis(limit.basis))，\(limit.source)）")
        } else {
            parts.append("无限值")
        }
        let points = sortedHours(pollutant)
        let exceeding = points.filter(\.exceeds)
        if exceeding.isEmpty {
            parts.append("小时均值均未超过限值")
        } else {
            let list = exceeding.map { "\($0.hour) 时 \(valueText($0, unit: pollutant.unit))" }
            parts.append("超标 \(exceeding.count) 小时：" + list.joined(separator: "、"))
        }
        if let max = pollutant.max {
            parts.append("最大小时均值 \(pollutant.lowerBound ? "≥ " : "")\(NumberFormat.display(max, unit: pollutant.unit))")
        }
        let missing = points.filter { $0.value == nil }.map { "\($0.hour)" }
        if !missing.isEmpty {
            parts.append("无有效值的小时：" + missing.joined(separator: "、") + " 时")
        }
        return parts.joined(separator: "。") + "。"
    }

    /// The `<svg>` element.
    static func svg(_ pollutant: PollutantDay, outletName: String) -> String {
        let points = sortedHours(pollutant)
        let values = points.compactMap(\.value).filter(\.isFinite)
        let limit = pollutant.limit
        let limitLines: [(String, Double)] = {
            guard let limit else { return [] }
            if let value = limit.value { return [("限值", value)] }
            var lines: [(String, Double)] = []
            if let lower = limit.lower { lines.append(("下限", lower)) }
            if let upper = limit.upper { lines.append(("上限", upper)) }
            return lines
        }()
        let all = values + limitLines.map(\.1)
        let lowest = Swift.min(0, all.min() ?? 0)
        var highest = (all.max() ?? 1) * 1.15
        if highest <= lowest { highest = lowest + 1 }
        func y(_ value: Double) -> Double {
            bottom - (value - lowest) / (highest - lowest) * (bottom - top)
        }
        let slot = (right - left) / 24
        let barWidth = slot * 0.7
        let title = title(pollutant, outletName: outletName)

        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(n(width)) \(n(height))\""
        out += " width=\"\(n(width))\" height=\"\(n(height))\" role=\"img\" aria-label=\"\(esc(title))\">\n"
        out += "<title>\(esc(title))</title>\n<desc>\(esc(description(pollutant)))</desc>\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"#ffffff\"/>\n"
        // Axes and their labels.
        out += line(left, y(lowest), right, y(lowest), colour: inkColour)
        out += line(left, top, left, bottom, colour: inkColour)
        out += text(left - 4, y(lowest) + 4, NumberFormat.display(lowest), anchor: "end")
        out += text(left - 4, top + 8, NumberFormat.display(highest), anchor: "end")
        for hour in [0, 6, 12, 18, 23] {
            out += text(left + slot * (Double(hour) + 0.5), bottom + 16, "\(hour)时", anchor: "middle")
        }
        out += text(left - 4, bottom + 28, pollutant.unit, anchor: "start", size: 11)
        // Bars, with a ▲ above exceeding hours and an × for hours without a value.
        let base = y(Swift.max(lowest, 0))
        for point in points {
            let centre = left + slot * (Double(point.hour) + 0.5)
            guard let value = point.value, value.isFinite else {
                out += text(centre, base - 3, "×", anchor: "middle", size: 12, colour: mutedColour)
                continue
            }
            let top = Swift.min(base, y(value))
            let barHeight = Swift.max(abs(base - y(value)), 0.5)
            let colour = point.exceeds ? exceedColour : barColour
            out += "<rect x=\"\(n(centre - barWidth / 2))\" y=\"\(n(top))\" width=\"\(n(barWidth))\" height=\"\(n(barHeight))\" fill=\"\(colour)\">"
            out += "<title>\(esc("\(point.hour) 时：\(valueText(point, unit: pollutant.unit))\(point.exceeds ? "（超标）" : "")"))</title></rect>\n"
            if point.exceeds {
                out += text(centre, top - 3, "▲", anchor: "middle", size: 10, colour: exceedColour)
            }
        }
        // Dashed limit line(s) with their values.
        for (label, value) in limitLines {
            let lineY = y(value)
            out += "<line x1=\"\(n(left))\" y1=\"\(n(lineY))\" x2=\"\(n(right))\" y2=\"\(n(lineY))\" stroke=\"\(inkColour)\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n"
            out += text(right, lineY - 4, "\(label) \(NumberFormat.display(value))", anchor: "end", size: 12)
        }
        out += "</svg>\n"
        return out
    }

    /// The hourly points in hour order, hours outside 0...23 left out.
    private static func sortedHours(_ pollutant: PollutantDay) -> [HourPoint] {
        pollutant.hours.filter { (0...23).contains($0.hour) }.sorted { $0.hour < $1.hour }
    }

    private static func valueText(_ point: HourPoint, unit: String) -> String {
        guard point.value != nil else { return point.status.isEmpty ? "无有效值" : "无有效值（\(point.status)）" }
        return (point.status == "T" ? "≥ " : "") + NumberFormat.display(point.value, unit: unit)
    }

    private static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, colour: String) -> String {
        "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(colour)\" stroke-width=\"1\"/>\n"
    }

    private static func text(_ x: Double, _ y: Double, _ content: String, anchor: String, size: Int = 12, colour: String = inkColour) -> String {
        "<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(size)\" text-anchor=\"\(anchor)\" fill=\"\(colour)\">\(esc(content))</text>\n"
    }

    /// A coordinate with one decimal.
    private static func n(_ value: Double) -> String {
        let text = String(format: "%.1f", value)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}
