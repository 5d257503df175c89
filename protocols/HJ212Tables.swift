// The one Swift file in protocols/: it gives the HJ212 module read access to the
// tab-separated code tables shipped beside it as package resources.
import Foundation

/// A code table shipped in `protocols/` as a tab-separated file.
///
/// The tables are data, not code, so that a bureau can read and review them, and
/// so that a new edition's codes can be added without touching the parser.
public enum ProtocolTableFile: String, CaseIterable, Sendable {
    case pollutants = "pollutants"
    case codes2005 = "codes-2005"
    case commands = "commands"
    case flags = "flags"
    case suffixes = "suffixes"
    case systemTypes = "system-types"

    /// The table's rows, each split on tabs, without the header row.
    /// Returns an empty list when the resource is missing, which the tests catch.
    public func rows() -> [[String]] {
        guard let text = contents() else { return [] }
        var lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
        guard !lines.isEmpty else { return [] }
        lines.removeFirst()
        return lines.filter { !$0.isEmpty }.map { line in
            line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// The column names from the header row.
    public func header() -> [String] {
        guard let first = contents()?.split(separator: "\n").first else { return [] }
        return first.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    }

    private func contents() -> String? {
        guard let url = Bundle.module.url(forResource: rawValue, withExtension: "tsv") else { return nil }
        return try? String(contentsOf: url, encoding: .utf8)
    }
}
