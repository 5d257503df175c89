import Foundation

/// The open-data CSV of one medium, `waste-gas.csv` or `waste-water.csv`: UTF-8 with a BOM so
/// Excel shows the Chinese, CRLF line ends, RFC 4180 quoting, a Chinese header, one row per
/// pollutant. Numbers are rounded like the JSON; empty fields are missing values.
enum OpenDataCSV {
    static let header = [
        "日期", "企业统一社会信用代码", "企业名称", "排放口编号", "排放口名称", "污染物代码", "污染物名称", "单位",
        "有效小时数", "均值", "最小值", "最大值", "限值", "限值下限", "限值上限", "执行标准", "超标时数",
        "最大超标倍数", "排放量kg", "传输率", "有效传输率", "数据完整",
    ]

    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    static func render(_ summary: DailySummary, medium: DisclosureMedium) -> Data {
        var text = line(header.map { field($0) })
        for enterprise in summary.enterprises {
            for outlet in enterprise.outlets where outlet.medium == medium {
                for p in outlet.pollutants {
                    text += line([
                        field(summary.date), field(enterprise.id), field(enterprise.name),
                        field(outlet.id), field(outlet.name), field(p.code), field(p.name), field(p.unit),
                        String(p.validHours), number(p.mean), number(p.min), number(p.max),
                        number(p.limit?.value), number(p.limit?.lower), number(p.limit?.upper),
                        field(p.limit?.source ?? outlet.standard ?? ""), String(p.exceedHours),
                        number(p.maxMultiple), number(p.emissionKg),
                        p.transmissionRate == nil ? "" : NumberFormat.percent(p.transmissionRate),
                        p.validTransmissionRate == nil ? "" : NumberFormat.percent(p.validTransmissionRate),
                        field(Labels.yesNo(outlet.complete)),
                    ])
                }
            }
        }
        return Data(byteOrderMark) + Data(text.utf8)
    }

    private static func line(_ fields: [String]) -> String { fields.joined(separator: ",") + "\r\n" }

    private static func number(_ value: Double?) -> String { NumberFormat.data(value) ?? "" }

    /// A text field, quoted when it holds a comma, quote, CR or LF (quotes doubled). A field that a
    /// spreadsheet would run as a formula (leading `=`, `+`, `-`, `@`, tab or CR) gets a leading
    /// apostrophe first (CSV injection).
    static func field(_ value: String) -> String {
        var value = value
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
            value = "'" + value
        }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
