import HJ212
import Store
import Testing
@testable import Compliance

/// `noteLater`, which `hj212 serve` calls after each commit: the note is taken on the engine's
/// own queue, and nothing handed in before shutdown is left unjudged.
@Suite struct NoteLaterTests {
    @Test("frames noted later are judged by the last flush when the live loop stops")
    func lastFlushTakesWhatWasHandedIn() async throws {
        let harness = try await EngineHarness(outlets: [Fixture.gasOutlet()])
        let frames = [
            EngineIncrementalTests.hourFrame(10, so2: 500, cou: 5), EngineIncrementalTests.hourFrame(11, so2: 450, cou: 4.5),
        ]
        _ = try await harness.store.commit(WriteBatch(frames: frames))
        let engine = harness.engine
        // An interval far longer than the test: only the flush on the way out can judge them.
        let loop = Task { await engine.run(interval: .seconds(3600)) }
        engine.noteLater(frames)
        loop.cancel()
        await loop.value
        let events = try await harness.events()
        #expect(events.count == 1)
        #expect(events.first?.startUnix == Fixture.time(hour: 10))
        #expect(events.first?.hours == 2)
        await harness.close()
    }
}
