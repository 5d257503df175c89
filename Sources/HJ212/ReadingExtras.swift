/// The parts of a `Reading` that most readings lack (PolId, EFlag, SampleTime, a flag that is not
/// one letter of the standard's, other suffixes), kept out of line so that a reading stays cheap to
/// build, copy and destroy.
struct ReadingExtras: Sendable, Hashable {
    /// `Reading`'s flag byte when the flag is kept as text here.
    static let unknownFlag: UInt8 = 1

    var polId: String?
    var eFlag: String?
    var sampleTime: String?
    var unknownFlag: String?
    var other: [Reading.SuffixValue] = []
}
