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

@Suite("The compliance engine's executor: its own queue, at background priority")
struct BackgroundExecutorTests {
    @Test("an actor's code on it runs ten nice levels below the queue's threads")
    func jobsRunLowered() async throws {
        guard BackgroundPriority.isAvailable else { return }
        let probe = Probe()
        let lowered = try #require(await probe.nice())
        // The executor's queue runs on the same kind of thread as any other queue.
        let plain = try #require(DispatchQueue(label: "hj212.tests.plain").sync { BackgroundPriority.currentNice() })
        #expect(lowered == min(plain + BackgroundPriority.steps, 19))
        // Put back after each job: the next queue on those threads runs at its own priority.
        let after = DispatchQueue(label: "hj212.tests.after").sync { BackgroundPriority.currentNice() }
        #expect(after == plain)
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
            let plain = try #require(DispatchQueue(label: "hj212.tests.plain").sync { BackgroundPriority.currentNice() })
            #expect(judged == min(plain + BackgroundPriority.steps, 19))
        }
        await harness.close()
    }
}

extension ComplianceEngine {
    /// The nice value the engine's isolated code runs at (for the tests above).
    func isolatedNice() -> Int32? { BackgroundPriority.currentNice() }
}
