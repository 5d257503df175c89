import ArgumentParser
import Compliance
import GatewayConfig
import HJ212
import Reports

extension HJ212Command {
    /// `hj212 limits`: which limits apply to each outlet, and where each value comes from.
    struct Limits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the emission limits that apply per outlet and where each comes from.",
            discussion: """
                An outlet's `standard:` names a shipped profile (--profiles lists them); its own \
                `limits:` replace the profile's value for that pollutant, and `reference_o2:` the \
                profile's reference O2.
                """)

        @OptionGroup var configOption: ConfigOption
        @OptionGroup var formatOption: FormatOption
        @Option(help: "Only this outlet (its id).") var outlet: String?
        @Flag(help: "List the shipped limit profiles instead.") var profiles = false

        func run() async throws {
            if profiles {
                print(Self.profileRecords().render(formatOption.format))
                return
            }
            let configuration = try configOption.load()
            let registry = try complianceRegistry(configuration)
            let outlets = registry.outlets.filter { outlet == nil || $0.outletID == outlet }
            if let outlet, outlets.isEmpty {
                throw CLIError("no outlet \(outlet) in \(configOption.config); `hj212 limits` lists them all")
            }
            var set = RecordSet(columns: [
                "enterprise_id", "enterprise", "outlet_id", "outlet", "medium", "pollutant", "pollutant_name", "unit",
                "basis", "limit", "lower", "upper", "reference_o2", "source",
            ])
            for rules in outlets {
                if rules.limits.isEmpty {
                    set.append([
                        .string(rules.enterpriseID), .string(rules.enterpriseName), .string(rules.outletID), .string(rules.outletName),
                        .string(rules.medium.rawValue), .null, .null, .null, .null, .null, .null, .null, .optional(rules.referenceO2),
                        .string("no limits configured"),
                    ])
                }
                for limit in rules.limits {
                    let pollutant = CodeTables.shipped.pollutants[limit.pollutant]
                    let converts = rules.converts(limit.pollutant)
                    set.append([
                        .string(rules.enterpriseID), .string(rules.enterpriseName), .string(rules.outletID), .string(rules.outletName),
                        .string(rules.medium.rawValue), .string(limit.pollutant), .optional(pollutant?.nameZh),
                        .string(ExceedanceReport.unit(pollutant?.unit, code: limit.pollutant)), .string(limit.basis.rawValue),
                        .optional(limit.maximum), .optional(limit.lower), .optional(limit.upper),
                        converts ? .optional(rules.referenceO2) : .null,
                        .string(Self.source(limit, rules: rules, converts: converts)),
                    ])
                }
            }
            print(set.render(formatOption.format, headers: [
                "企业ID", "企业", "排口ID", "排口", "介质", "污染物", "名称", "单位", "判定基础", "限值", "下限", "上限", "基准O2%", "来源",
            ], emptyMessage: "No outlets in \(configOption.config)."))
        }

        /// `GB 13271-2014 表1 在用燃煤锅炉，基准氧含量 9%`, naming the O2's source when it differs.
        static func source(_ limit: AppliedLimit, rules: OutletRules, converts: Bool) -> String {
            guard converts, let o2 = rules.referenceO2 else { return limit.source.displayName }
            var text = limit.source.displayName + "，基准氧含量 \(NumberText.format(o2))%"
            if let o2Source = rules.referenceO2Source, o2Source != limit.source { text += "（\(o2Source.displayName)）" }
            return text
        }

        static func profileRecords() -> RecordSet {
            let catalog = LimitProfileCatalog.shipped
            var set = RecordSet(columns: ["id", "standard", "title", "medium", "reference_o2", "limits"])
            for id in catalog.order {
                let profile = catalog[id]!
                let limits = profile.limits.map { limit -> String in
                    switch limit.kind {
                    case .maximum(let value): "\(limit.pollutant) \(NumberText.format(value)) (\(limit.basis.rawValue))"
                    case .range(let lower, let upper): "\(limit.pollutant) \(NumberText.format(lower))–\(NumberText.format(upper))"
                    }
                }.joined(separator: "; ")
                set.append([
                    .string(profile.id), .string(profile.standard), .string(profile.title), .string(profile.medium.rawValue),
                    .optional(profile.referenceO2), .string(limits),
                ])
            }
            return set
        }
    }
}
