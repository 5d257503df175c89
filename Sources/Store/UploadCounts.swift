/// A batch's uploads counted per device for its "frames today" (`devices.frames_today`), with
/// the position of its latest upload, whose state (time, QN, connection, peer) the device takes.
///
/// Each device's count is of the latest day among its uploads in the batch: the uploads of an
/// earlier day (a batch that spans midnight) belong to a day that is over, whose count nobody
/// reads any more.
struct UploadCounts {
    struct Count {
        /// The local day's start (Unix milliseconds), as the gateway computed it.
        var dayStartMillis: Int64
        var uploads: Int
        /// The position in the batch of the device's latest upload.
        var latest: Int
    }

    /// Each device's count.
    private(set) var byMN: [String: Count] = [:]

    init(_ frames: [IngestFrame]) {
        guard !frames.isEmpty else { return }
        byMN.reserveCapacity(Swift.min(frames.count, 1024))
        for (index, frame) in frames.enumerated() {
            let day = frame.receivedDayStartMillis
            if var count = byMN[frame.mn] {
                if day > count.dayStartMillis {
                    count = Count(dayStartMillis: day, uploads: 1, latest: index)
                } else {
                    if day == count.dayStartMillis { count.uploads += 1 }
                    if frame.receivedAtMillis >= frames[count.latest].receivedAtMillis { count.latest = index }
                }
                byMN[frame.mn] = count
            } else {
                byMN[frame.mn] = Count(dayStartMillis: day, uploads: 1, latest: index)
            }
        }
    }

    var isEmpty: Bool { byMN.isEmpty }
}
