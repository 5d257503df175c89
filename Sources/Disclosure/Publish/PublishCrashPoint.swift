/// Test hook: where `SitePublisher.publish(_:)` stops as if the process had been killed there.
/// Unlike a real error, a simulated crash runs no clean-up, so what it leaves on disk is what a
/// killed process would leave.
enum PublishCrashPoint: Sendable, Hashable {
    /// After this many files (counting `.gz` copies) were written into the new version folder.
    case afterWritingDayFiles(Int)
    /// After the new version folder and the temporary link exist, just before the link is renamed.
    case beforeSwitchingLink
    /// Right after the day was switched, before old versions are removed and the log is written.
    case afterSwitchingLink
}

/// Thrown at a `PublishCrashPoint`.
struct SimulatedCrash: Error, Equatable {
    let point: PublishCrashPoint
}
