/// The parts of a `Reading` that most readings lack (PolId, EFlag, SampleTime, a flag that is not
/// one letter of the standard's, other suffixes, a code of more than 15 bytes), kept out of line so that a reading stays cheap to
/// build, copy and destroy.
struct ReadingExtras: Sendable, Hashable {
    /// `Reading`'s flag byte when the flag is kept as text here.
    static let unknownFlag: UInt8 = 1

    var polId: String?
    var eFlag: String?
    var sampleTime: String?
    var unknownFlag: String?
    var other: [Reading.SuffixValue] = []
    /// A code or raw code of more than 15 bytes (`CodeRef`).
    var code: String?
    var rawCode: String?
}
