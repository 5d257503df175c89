import Foundation
import HJ212

/// Rows for people or programs: one set of named columns, rendered as an aligned table, CSV
/// (UTF-8 with a BOM, so spreadsheets read the Chinese) or JSON.
public struct RecordSet: Sendable {
    /// Output formats the CLI offers.
    public enum Format: String, Sendable, CaseIterable {
        case table, csv, json
    }

    public var columns: [String]
    public var rows: [[JSONValue]]

    public init(columns: [String], rows: [[JSONValue]] = []) {
        self.columns = columns
        self.rows = rows
    }

    public mutating func append(_ row: [JSONValue]) { rows.append(row) }

    public func render(_ format: Format, headers: [String]? = nil, emptyMessage: String = "No records.") -> String {
        switch format {
        case .json:
            return JSONValue.array(rows.map { row in
                .object(Array(zip(columns, row)))
            }).serialized(pretty: true)
        case .csv:
            var out = "\u{FEFF}" + columns.map(RecordSet.csvField).joined(separator: ",") + "\r\n"
            for row in rows {
                out += row.map { RecordSet.csvField(RecordSet.plain($0)) }.joined(separator: ",") + "\r\n"
            }
            return out
        case .table:
            if rows.isEmpty { return emptyMessage }
            return TextTable.render(header: headers ?? columns, rows: rows.map { $0.map(RecordSet.plain) })
        }
    }

    /// A value as plain text for tables and CSV.
    public static func plain(_ value: JSONValue) -> String {
        switch value {
        case .null: ""
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        case .number(let value): NumberFormatter212.format(value)
        case .string(let value): value
        case .array, .object: value.serialized()
        }
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
