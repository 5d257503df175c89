import GatewayConfig
import Testing
@testable import Compliance

/// Limit resolution: shipped profiles, outlet overrides, unknown standards (rules.md §4).
@Suite struct LimitProfileTests {
    @Test func aProfileGivesItsLimitsAndReferenceOxygen() throws {
        let rules = try Fixture.coalBoiler()
        let so2 = try #require(rules.limits(for: "a21026", on: .hour).first)
        #expect(so2.maximum == 400)
        #expect(so2.basis == .hour)
        #expect(so2.source == .profile(id: "GB13271-2014/coal/existing", name: "GB 13271-2014 表1 在用燃煤锅炉"))
        #expect(so2.source.displayName.hasPrefix("GB 13271-2014"))
        #expect(rules.referenceO2 == 9)
        #expect(rules.referenceO2Source?.key == "GB13271-2014/coal/existing")
        #expect(rules.limits(for: "a34013", on: .hour).first?.maximum == 80)
        #expect(rules.limits(for: "a21002", on: .hour).first?.maximum == 400)
        #expect(rules.limits(for: "a21026", on: .day).isEmpty)
        #expect(rules.mns == [Fixture.gasMN])
        #expect(rules.converts("a21026"))
        #expect(!rules.converts("a19001"))
    }

    @Test func anOutletLimitReplacesTheProfileValue() throws {
        let rules = try Fixture.rules(Fixture.gasOutlet(limits: ["a21026": .maximum(200)]))
        let so2 = rules.limits(for: "a21026", on: .hour)
        #expect(so2.count == 1)
        #expect(so2.first?.maximum == 200)
        #expect(so2.first?.source == .outlet)
        #expect(so2.first?.source.key == "config")
        // Other pollutants keep the profile's values.
        #expect(rules.limits(for: "a34013", on: .hour).first?.maximum == 80)
        #expect(rules.limits(for: "a34013", on: .hour).first?.source.key == "GB13271-2014/coal/existing")
    }

    @Test func anOutletReferenceOxygenReplacesTheProfiles() throws {
        let rules = try Fixture.rules(Fixture.gasOutlet(referenceO2: 6))
        #expect(rules.referenceO2 == 6)
        #expect(rules.referenceO2Source == .outlet)
    }

    @Test func anOutletLimitReplacesBothBasesOfAPollutant() throws {
        // GB 18485 has SO2 100 (1 h) and 80 (24 h); the outlet's own 50 replaces both with one hourly limit.
        let rules = try Fixture.rules(Fixture.gasOutlet(standard: "GB18485-2014/incinerator", limits: ["a21026": .maximum(50)]))
        #expect(rules.limits(for: "a21026", on: .hour).map(\.maximum) == [50])
        #expect(rules.limits(for: "a21026", on: .day).isEmpty)
        #expect(rules.limits(for: "a21002", on: .day).first?.maximum == 250)
    }

    @Test func outletLimitsWithoutAStandard() throws {
        let rules = try Fixture.rules(Fixture.waterOutlet(standard: nil, limits: ["w01001": .range(lower: 6, upper: 9), "w01018": .maximum(80)]))
        #expect(rules.profile == nil)
        #expect(rules.referenceO2 == nil)
        #expect(rules.limits(for: "w01001", on: .hour).first?.kind == .range(lower: 6, upper: 9))
        #expect(rules.limits(for: "w01001", on: .hour).first?.basis == .range)
        // A water maximum is a daily-mean limit.
        #expect(rules.limits(for: "w01018", on: .day).first?.maximum == 80)
        #expect(rules.limits(for: "w01018", on: .hour).isEmpty)
    }

    @Test func anUnknownStandardThrowsWithSuggestions() {
        let outlet = Fixture.gasOutlet(standard: "GB13271-2014/coal/old")
        do {
            _ = try Fixture.rules(outlet)
            Issue.record("an unknown standard was accepted")
        } catch let ComplianceError.unknownStandard(enterprise, outletID, standard, suggestions) {
            #expect(enterprise == "91330100TEST00001X")
            #expect(outletID == "DA001")
            #expect(standard == "GB13271-2014/coal/old")
            #expect(suggestions.contains("GB13271-2014/coal/existing"))
            #expect(suggestions.allSatisfy { $0.hasPrefix("GB13271-2014") })
        } catch {
            Issue.record("unexpected error \(error)")
        }
        #expect(throws: ComplianceError.self) { try Fixture.rules(Fixture.gasOutlet(standard: "no-such-standard")) }
    }

    @Test func aProfileOfTheOtherMediumIsRefused() {
        #expect(throws: ComplianceError.mediumMismatch(enterprise: "91330100TEST00001X", outlet: "DW001", standard: "GB13271-2014/coal/existing")) {
            try Fixture.rules(Fixture.waterOutlet(standard: "GB13271-2014/coal/existing"))
        }
    }

    @Test func theRegistryReportsEveryBadStandard() {
        let configuration = GatewayConfiguration(enterprises: [Fixture.enterprise([
            Fixture.gasOutlet(standard: "GB13271-2014/coal/typo"),
            Fixture.waterOutlet(standard: "GB18918-2002/1B"),
        ])])
        let problems = ComplianceRegistry.problems(in: configuration)
        #expect(problems.count == 1)
        #expect(throws: ComplianceError.self) { try ComplianceRegistry(configuration: configuration) }
    }

    @Test func theShippedCatalogHasTheNamedStandards() throws {
        let catalog = LimitProfileCatalog.shipped
        let ids = Set(catalog.order)
        for id in [
            "GB13223-2011/coal/new", "GB13223-2011/coal/existing", "GB13271-2014/coal/existing", "GB16297-1996/existing",
            "GB16297-1996/new", "GB8978-1996/grade-1", "GB8978-1996/grade-2", "GB8978-1996/grade-3",
            "GB18918-2002/1A", "GB18918-2002/1B", "GB18485-2014/incinerator",
        ] {
            #expect(ids.contains(id), "missing \(id)")
        }
        // Spot values (rules.md §4).
        func maximum(_ id: String, _ code: String, _ basis: JudgementBasis) -> Double? {
            catalog[id]?.limits.first { $0.pollutant == code && $0.basis == basis }.flatMap {
                if case .maximum(let value) = $0.kind { value } else { nil }
            }
        }
        #expect(maximum("GB13223-2011/coal/new", "a21026", .hour) == 100)
        #expect(catalog["GB13223-2011/coal/new"]?.referenceO2 == 6)
        #expect(maximum("GB16297-1996/existing", "a21026", .hour) == 700)
        #expect(catalog["GB16297-1996/existing"]?.referenceO2 == nil)
        #expect(maximum("GB8978-1996/grade-1", "w01018", .day) == 100)
        #expect(maximum("GB8978-1996/grade-2", "w01018", .day) == 150)
        #expect(maximum("GB8978-1996/grade-3", "w01018", .day) == 500)
        #expect(maximum("GB18918-2002/1A", "w01018", .day) == 50)
        #expect(maximum("GB18918-2002/1B", "w21003", .day) == 8)
        #expect(catalog["GB18918-2002/1A"]?.limits.first { $0.pollutant == "w01001" }?.kind == .range(lower: 6, upper: 9))
        // GB 18485: both 1-h and 24-h limits, 11 % O2.
        let incinerator = try #require(catalog["GB18485-2014/incinerator"])
        #expect(incinerator.referenceO2 == 11)
        for (code, hour, day) in [("a34013", 30.0, 20.0), ("a21002", 300, 250), ("a21026", 100, 80), ("a21024", 60, 50), ("a21005", 100, 80)] {
            #expect(maximum(incinerator.id, code, .hour) == hour, "\(code) 1 h")
            #expect(maximum(incinerator.id, code, .day) == day, "\(code) 24 h")
        }
        // Every profile is internally sound.
        for profile in catalog.profiles.values {
            #expect(!profile.limits.isEmpty, "\(profile.id) has no limits")
            #expect(profile.medium == .gas || profile.referenceO2 == nil, "\(profile.id): water with reference O2")
        }
    }

    @Test func loadingABadProfilesFileFails() {
        #expect(throws: ComplianceError.self) { try LimitProfileCatalog.load(yaml: "profiles: [{id: x, standard: y, medium: air, limits: {}}]") }
        #expect(throws: ComplianceError.self) {
            try LimitProfileCatalog.load(yaml: "profiles: [{id: x, standard: y, medium: gas, limits: {a21026: {max: -1}}}]")
        }
        #expect(throws: ComplianceError.self) {
            try LimitProfileCatalog.load(yaml: "profiles: [{id: x, standard: y, medium: water, limits: {w01001: {range: [9, 6]}}}]")
        }
        #expect(throws: ComplianceError.self) {
            try LimitProfileCatalog.load(yaml: "profiles: [{id: x, standard: y, medium: gas, reference_o2: 21, limits: {a21026: {max: 1}}}]")
        }
    }

    @Test func loadingAGoodProfilesFile() throws {
        let catalog = try LimitProfileCatalog.load(yaml: """
            profiles:
              - {id: local/boiler, standard: DB 00/000-2024, title: 表1, medium: gas, reference_o2: 3.5,
                 limits: {a21026: [{max: 35, basis: hour}, {max: 30, basis: day}]}}
            """)
        let profile = try #require(catalog["local/boiler"])
        #expect(profile.referenceO2 == 3.5)
        #expect(profile.limits.count == 2)
        #expect(profile.displayName == "DB 00/000-2024 表1")
    }
}
