/// Plain aligned text tables for people, wide characters (Chinese) counted as two columns.
public enum TextTable {
    public static func render(header: [String], rows: [[String]], indent: Int = 0) -> String {
        let columns = header.count
        var widths = header.map(displayWidth)
        for row in rows {
            for (index, cell) in row.prefix(columns).enumerated() { widths[index] = max(widths[index], displayWidth(cell)) }
        }
        let pad = String(repeating: " ", count: indent)
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for index in 0..<columns {
                let cell = index < cells.count ? cells[index] : ""
                let isLast = index == columns - 1
                parts.append(isLast ? cell : cell + String(repeating: " ", count: widths[index] - displayWidth(cell)))
            }
            return pad + parts.joined(separator: "  ")
        }
        var lines = [line(header)]
        lines.append(pad + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        lines += rows.map(line)
        return lines.joined(separator: "\n")
    }

    /// Columns a string takes in a terminal: East Asian wide characters take two.
    public static func displayWidth(_ text: String) -> Int {
        var width = 0
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6:
                width += 2
            case 0x0300...0x036F:
                break
            default:
                width += 1
            }
        }
        return width
    }
}
