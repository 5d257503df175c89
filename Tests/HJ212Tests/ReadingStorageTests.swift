import Testing
@testable import HJ212

/// `Reading` keeps its flag as a byte and its rare parts out of line; it must behave exactly like
/// a plain struct of optionals.
@Suite("Reading storage")
struct ReadingStorageTests {
    static let flags: [DataFlag?] = [
        nil, .normal, .stopped, .maintenance, .manual, .fault, .calibration, .overRange, .communication,
        .powerFailure, .unknown("K"), .unknown("N"), .unknown(""), .unknown("超"),
    ]

    @Test("every flag reads back as set, known letters and kept text alike")
    func flagsRoundTrip() {
        for flag in Self.flags {
            var reading = Reading(code: "a21026")
            reading.flag = flag
            #expect(reading.flag == flag)
            reading.flag = nil
            #expect(reading.flag == nil)
            #expect(reading == Reading(code: "a21026"))
        }
    }

    @Test("the fast reader's one-letter flags are the flags DataFlag(byte:) names")
    func flagLetters() {
        for byte in UInt8(0x21)...0x7E {
            let reading = Reading(code: "a", rawCode: "a", values: NumericValues(), flagLetter: byte)
            #expect(reading.flag == DataFlag(byte: byte))
            #expect(reading.flag == DataFlag(rawValue: String(decoding: [byte], as: UTF8.self)))
        }
        #expect(Reading(code: "a", rawCode: "a", values: NumericValues(), flagLetter: 0).flag == nil)
    }

    @Test("the known-letter mask names exactly the standard's flag letters")
    func knownLetters() {
        for byte in UInt8.min...UInt8.max {
            #expect(DataFlag.isKnown(letter: byte) == (DataFlag(byte: byte).knownLetter != nil), "\(byte)")
        }
    }

    @Test("rare parts: set, cleared, compared and hashed by value")
    func rareParts() {
        var reading = Reading(code: "a21026", polId: "P1")
        #expect(reading.polId == "P1")
        reading.eFlag = "A01"
        reading.sampleTime = "20240101000000"
        reading.other.append(Reading.SuffixValue(suffix: "Xyz", value: "1"))
        reading.other.append(Reading.SuffixValue(suffix: "Abc", value: "2"))
        reading.flag = .unknown("K")
        #expect(reading.eFlag == "A01")
        #expect(reading.sampleTime == "20240101000000")
        #expect(reading.other.map(\.suffix) == ["Xyz", "Abc"])
        let copy = reading
        reading.eFlag = "A02"
        #expect(copy.eFlag == "A01")
        #expect(copy != reading)
        reading.polId = nil
        reading.eFlag = nil
        reading.sampleTime = nil
        reading.other = []
        reading.flag = nil
        // Emptied extras compare and hash like a reading that never had any.
        let fresh = Reading(code: "a21026")
        #expect(reading == fresh)
        #expect(reading.hashValue == fresh.hashValue)
        #expect(Set([reading, fresh]).count == 1)
    }

    @Test("values and codes take part in equality")
    func equality() {
        var a = Reading(code: "w01018", rawCode: "011")
        var b = a
        #expect(a == b)
        a.rtd = 1
        #expect(a != b)
        b.rtd = 1
        #expect(a == b)
        b.rawCode = "w01018"
        #expect(a != b)
    }

    /// Codes of every kind a reading keeps: in the intern table, short and not there, empty,
    /// longer than 15 bytes, not ASCII, and Unicode-equivalent spellings of one code.
    static let codes = [
        "a21026", "w01018", "B01", "011", "zz9", "", "a123456789012345", "a1234567890123456789", "a12345678901234",
        "超标代码", "\u{212A}01", "K01", "e\u{301}", "\u{e9}", "a2102", "a210260",
    ]

    @Test("codes of every kind read back as set, and compare and hash as strings")
    func codeKinds() {
        for code in Self.codes {
            for rawCode in Self.codes {
                var reading = Reading(code: code, rawCode: rawCode)
                #expect(reading.code == code && reading.rawCode == rawCode, "\(code) \(rawCode)")
                #expect(Reading(code: code).rawCode == code)
                for other in Self.codes {
                    let twin = Reading(code: other, rawCode: rawCode)
                    #expect((twin == reading) == (other == code), "\(code) \(other)")
                    if twin == reading { #expect(twin.hashValue == reading.hashValue, "\(code) \(other)") }
                }
                // Set back and forth between kinds, with a copy kept aside.
                let copy = reading
                reading.code = "a1234567890123456789x"
                reading.rawCode = "zz9"
                #expect(reading.code == "a1234567890123456789x" && reading.rawCode == "zz9")
                #expect(copy.code == code && copy.rawCode == rawCode)
                reading.code = code
                reading.rawCode = rawCode
                #expect(reading == copy)
                #expect(reading.hashValue == copy.hashValue)
            }
        }
    }

    @Test("the fast reader keeps codes of every kind as the general reader does", arguments: [Edition.hj2017, .hj2005])
    func fastReaderCodes(_ edition: Edition) {
        for st in ["31", "32", nil] {
            var text = "DataTime=20240131235959"
            for (index, code) in (Self.codes.filter { !$0.isEmpty } + ["B02", "060", "101"]).enumerated() {
                text += ";\(code)-Rtd=\(index).5,\(code)-Flag=N"
            }
            let both = FastReaderAgreementTests.read(Array(text.utf8), cn: "2011", st: st, edition: edition)
            #expect(both.fast != nil)
            #expect(both.fast == both.general)
            #expect(both.fast?.readings.map(\.code) == both.general.readings.map(\.code))
            #expect(both.fast?.readings.map(\.rawCode) == both.general.readings.map(\.rawCode))
        }
    }
}
