import Testing
@testable import HJ212

/// The code tables shipped in protocols/, and the small value types built on the Flag field.
@Suite("Code tables and flags")
struct CodeTablesTests {
    let tables = CodeTables.shipped

    @Test("the tables load")
    func loaded() {
        #expect(tables.pollutants.count > 100)
        #expect(tables.codes2005.count > 50)
        #expect(!tables.commands.isEmpty)
        #expect(!tables.flags.isEmpty)
        #expect(!tables.suffixKinds.isEmpty)
        #expect(!tables.systemTypes.isEmpty)
    }

    @Test("pollutants: w01018 is COD, 化学需氧量, with its 2005 code")
    func pollutants() throws {
        let cod = try #require(tables.pollutants["w01018"])
        #expect(cod.nameZh == "化学需氧量")
        #expect(cod.code2005 == "011")
        #expect(cod.medium == "water")
        #expect(cod.unit == "mg/L")
        #expect(tables.pollutants["w01001"]?.nameZh == "pH值")
        #expect(tables.pollutants["a21026"] != nil)
    }

    @Test("the 2005 map", arguments: [
        ("B01", "w00000", "water"), ("011", "w01018", "water"), ("060", "w21003", "water"), ("023", "w20116", "water"),
    ])
    func codes2005(_ old: String, _ current: String, _ medium: String) {
        let entry = tables.codes2005[old]
        #expect(entry?.code == current)
        #expect(entry?.medium == medium)
        #expect(tables.currentCode(for: old) == current)
        #expect(tables.currentCode(for: old, medium: medium) == current)
        #expect(tables.currentCode(for: old, medium: medium == "water" ? "gas" : "water") == nil)
    }

    @Test("gas codes of 2005 map too, and unknown codes do not")
    func gasCodes() {
        #expect(tables.currentCode(for: "B02") == "a00000")
        #expect(tables.currentCode(for: "S01") == "a19001")
        #expect(tables.currentCode(for: "w01018") == nil)
        #expect(tables.currentCode(for: "") == nil)
    }

    @Test("commands: 9014 is the data answer in every edition; 1001 differs between 2005 and 2025")
    func commands() throws {
        #expect(tables.commands.contains { $0.cn == "9014" })
        let answer = try #require(tables.command("9014", edition: .hj2017))
        #expect(answer.nameEn == "data answer")
        #expect(answer.nameZh == "数据应答")
        #expect(answer.editions == [.hj2005, .hj2017, .hj2025])
        #expect(tables.command("1001", edition: .hj2005)?.nameEn == "set over-limit alarm duration")
        #expect(tables.command("1001", edition: .hj2025)?.nameEn == "upload logger hardware serial number")
        #expect(tables.command("9021", edition: .hj2017)?.kind == "vendor", "falls back to any meaning")
        #expect(tables.command("0000", edition: .hj2017) == nil)
    }

    @Test("flags: F means something else in 2005")
    func flags() {
        #expect(tables.flag("F", edition: .hj2005)?.nameEn == "emission source stopped")
        #expect(tables.flag("F", edition: .hj2017)?.nameEn == "instrument stopped")
        #expect(tables.flag("N", edition: .hj2025)?.validity == "valid")
        #expect(tables.flag("B", edition: .hj2005) == nil)
    }

    @Test("suffixes and system types")
    func suffixesAndSystems() {
        #expect(tables.suffixKinds["Rtd"] == "number")
        #expect(tables.suffixNamesZh["Rtd"] == "污染物实时采样数据")
        #expect(tables.systemTypes["22"] == "空气质量监测")
    }

    @Test("data flags keep unknown letters", arguments: ["N", "F", "M", "S", "D", "C", "T", "B", "P", "H", "0", "St", ""])
    func dataFlags(_ raw: String) {
        let flag = DataFlag(rawValue: raw)
        #expect(flag.rawValue == raw)
        #expect(flag.description == raw)
        #expect(flag.isKnown == ["N", "F", "M", "S", "D", "C", "T", "B", "P"].contains(raw))
    }

    @Test("Flag bits: version, D and A", arguments: [
        (UInt8(0), Edition.hj2005, false, false), (1, .hj2005, false, true), (3, .hj2005, true, true),
        (4, .hj2017, false, false), (5, .hj2017, false, true), (6, .hj2017, true, false), (7, .hj2017, true, true),
        (8, .hj2025, false, false), (9, .hj2025, false, true), (10, .hj2025, true, false), (11, .hj2025, true, true),
    ] as [(UInt8, Edition, Bool, Bool)])
    func flagBits(_ raw: UInt8, _ edition: Edition, _ split: Bool, _ answer: Bool) {
        let flag = PacketFlag(rawValue: raw)
        #expect(flag.edition == edition)
        #expect(flag.isSplit == split)
        #expect(flag.answerWanted == answer)
        #expect(PacketFlag(edition: edition, answerWanted: answer, split: split) == flag)
        #expect(flag.forReply == PacketFlag(edition: edition))
        #expect(flag.forReply.rawValue == raw & ~3)
    }

    @Test("unknown version bits")
    func unknownVersion() throws {
        #expect(PacketFlag(rawValue: 12).edition == nil)
        #expect(PacketFlag(rawValue: 12).versionBits == 3)
        #expect(Edition(versionBits: 3) == nil)
        #expect(Edition.hj2005 < .hj2017 && Edition.hj2017 < .hj2025)
        let packet = try decode(framed("QN=20240101000000000;ST=32;CN=9013;PW=1;MN=M;Flag=13;CP=&&&&"))
        #expect(packet.edition == .hj2025)
        #expect(packet.problemCodes == [.unknownVersion])
        #expect(packet.header.flag?.answerWanted == true)
    }
}
