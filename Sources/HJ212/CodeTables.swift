import HJ212Tables

/// The code tables of `protocols/`, loaded once: pollutant and parameter codes, the 2005 code
/// map, command codes, data flags, suffixes and system types.
public final class CodeTables: Sendable {
    /// A pollutant or parameter code with its names and units.
    public struct Pollutant: Sendable, Hashable {
        public var code: String
        public var code2005: String?
        public var nameZh: String
        public var nameEn: String
        public var unit: String
        public var couUnit: String
        public var medium: String
        public var type2017: String
        public var type2025: String
    }

    /// A command code in one of its meanings.
    public struct Command: Sendable, Hashable {
        public var cn: String
        public var editions: Set<Edition>
        public var direction: String
        public var kind: String
        public var nameZh: String
        public var nameEn: String
        public var answer: String
    }

    /// A data flag in one edition's meaning.
    public struct Flag: Sendable, Hashable {
        public var flag: String
        public var editions: Set<Edition>
        public var nameZh: String
        public var nameEn: String
        public var validity: String
    }

    public let pollutants: [String: Pollutant]
    /// Old (2005) code -> (current code, medium).
    public let codes2005: [String: (code: String, medium: String)]
    public let commands: [Command]
    public let flags: [Flag]
    /// Suffix -> kind (number, text, flag, time).
    public let suffixKinds: [String: String]
    public let suffixNamesZh: [String: String]
    public let systemTypes: [String: String]
    /// Codes, command numbers and system types as ready-made strings, for the decoder. Built the
    /// same way from the same files for every instance, so its slots are the shipped table's,
    /// which readings keep their codes by (`CodeRef`).
    let interned: InternTable

    /// The tables shipped with this package.
    public static let shipped = CodeTables(loading: ())

    init(loading: Void) {
        var pollutants: [String: Pollutant] = [:]
        var codes2005: [String: (code: String, medium: String)] = [:]
        var commands: [Command] = []
        var flags: [Flag] = []
        var suffixKinds: [String: String] = [:]
        var suffixNamesZh: [String: String] = [:]
        var systemTypes: [String: String] = [:]
        for row in ProtocolTableFile.pollutants.rows() where row.count >= 9 {
            pollutants[row[0]] = Pollutant(
                code: row[0], code2005: row[1].isEmpty ? nil : row[1], nameZh: row[2], nameEn: row[3],
                unit: row[4], couUnit: row[5], medium: row[6], type2017: row[7], type2025: row[8])
        }
        for row in ProtocolTableFile.codes2005.rows() where row.count >= 3 && !row[1].isEmpty {
            codes2005[row[0]] = (row[1], row[2])
        }
        for row in ProtocolTableFile.commands.rows() where row.count >= 7 {
            commands.append(Command(
                cn: row[0], editions: CodeTables.editions(row[1]), direction: row[2], kind: row[3],
                nameZh: row[4], nameEn: row[5], answer: row[6]))
        }
        for row in ProtocolTableFile.flags.rows() where row.count >= 5 {
            flags.append(Flag(flag: row[0], editions: CodeTables.editions(row[1]), nameZh: row[2], nameEn: row[3], validity: row[4]))
        }
        for row in ProtocolTableFile.suffixes.rows() where row.count >= 4 {
            suffixKinds[row[0]] = row[3]
            suffixNamesZh[row[0]] = row[1]
        }
        for row in ProtocolTableFile.systemTypes.rows() where row.count >= 4 {
            systemTypes[row[0]] = row[2]
        }
        self.pollutants = pollutants
        self.codes2005 = codes2005
        self.commands = commands
        self.flags = flags
        self.suffixKinds = suffixKinds
        self.suffixNamesZh = suffixNamesZh
        self.systemTypes = systemTypes
        let strings = Array(pollutants.keys) + Array(codes2005.keys) + codes2005.values.map(\.code)
            + commands.map(\.cn) + Array(systemTypes.keys) + ["1"]
        interned = InternTable(strings: strings.sorted(), codes2005: codes2005)
    }

    private static func editions(_ text: String) -> Set<Edition> {
        Set(text.split(separator: ",").compactMap { Edition(rawValue: String($0)) })
    }

    /// The command meaning for `cn` in `edition`, falling back to any meaning.
    public func command(_ cn: String, edition: Edition) -> Command? {
        commands.first(where: { $0.cn == cn && $0.editions.contains(edition) })
            ?? commands.first(where: { $0.cn == cn })
    }

    /// The flag meaning for `flag` in `edition`.
    public func flag(_ flag: String, edition: Edition) -> Flag? {
        flags.first(where: { $0.flag == flag && $0.editions.contains(edition) })
    }

    /// The current code for a 2005 code. `medium` ("gas" or "water") narrows the match when the
    /// system type tells which medium the frame is about.
    public func currentCode(for code2005: String, medium: String? = nil) -> String? {
        guard let entry = codes2005[code2005] else { return nil }
        if let medium, entry.medium != medium { return nil }
        return entry.code
    }
}
