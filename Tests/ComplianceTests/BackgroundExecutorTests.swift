import Dispatch
import Store
import Testing
@testable import Compliance

/// An actor on the engine's executor: reports what its own code sees.
private actor Probe {
    private nonisolated let executor = BackgroundExecutor(label: "hj212.tests.background-executor")
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private var running = false
    private(set) var order: [Int] = []
    private(set) var overlapped = false

    func nice() -> Int32? { BackgroundPriority.currentNice() }

    /// Records `value`; `overlapped` turns true if another job ran at the same time.
    func append(_ value: Int) {
        if running { overlapped = true }
        running = true
        var spin = 0
        for step in 0..<1_000 { spin &+= step }
        order.append(value + spin - spin)
        running = false
    }
}

@Suite("The compliance engine's executor: a thread of its own, at background priority")
struct BackgroundExecutorTests {
    @Test("an actor's code on it runs ten nice levels below the process's main thread")
    func jobsRunLowered() async throws {
        guard BackgroundPriority.isAvailable else { return }
        let probe = Probe()
        let lowered = try #require(await probe.nice())
        #expect(lowered == BackgroundPriority.backgroundNice)
        #expect(lowered > DispatchQueue(label: "hj212.tests.plain").sync { BackgroundPriority.currentNice() } ?? 19)
    }

    @Test("the thread ends after a second without work, and the next job starts another")
    func idleThreadEnds() async throws {
        let probe = Probe()
        await probe.append(1)
        try await Task.sleep(for: .milliseconds(1_500))
        await probe.append(2)
        #expect(await probe.order == [1, 2])
        if BackgroundPriority.isAvailable {
            #expect(await probe.nice() == BackgroundPriority.backgroundNice)
        }
    }

    @Test("jobs run one at a time, each caller's in order")
    func jobsAreSerial() async {
        let probe = Probe()
        await withTaskGroup(of: Void.self) { group in
            for lane in 0..<8 {
                group.addTask {
                    for step in 0..<50 { await probe.append(lane * 1_000 + step) }
                }
            }
        }
        let order = await probe.order
        #expect(await probe.overlapped == false)
        #expect(order.count == 400)
        for lane in 0..<8 {
            let mine = order.filter { $0 / 1_000 == lane }
            #expect(mine == (0..<50).map { lane * 1_000 + $0 })
        }
    }

    @Test("the engine's own code runs on it")
    func engineUsesIt() async throws {
        let harness = try await EngineHarness(outlets: [Fixture.gasOutlet()])
        // An isolated method of the engine is a job on its executor.
        let judged = await harness.engine.isolatedNice()
        if BackgroundPriority.isAvailable {
            #expect(judged == BackgroundPriority.backgroundNice)
        }
        await harness.close()
    }
}

extension ComplianceEngine {
    /// The nice value the engine's isolated code runs at (for the tests above).
    func isolatedNice() -> Int32? { BackgroundPriority.currentNice() }
}
