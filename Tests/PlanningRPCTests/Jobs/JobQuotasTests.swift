import PlanningRPC
import RPCFraming
import RPCProtobuf
import Testing

/// The quota accounting, without jobs: every limit at and one past its boundary.
@Suite struct JobQuotasTests {
    static let alice = Caller(name: "alice", team: "blue")

    static func expectQuotaFailure(
        _ description: String,
        principal: String = "alice",
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> Void
    ) {
        do {
            try body()
            Issue.record("expected RESOURCE_EXHAUSTED", sourceLocation: sourceLocation)
        } catch let error as RPCError {
            #expect(error.code == .resourceExhausted, sourceLocation: sourceLocation)
            let status = error.statusDetails
            #expect(status?.code == Int32(StatusCode.resourceExhausted.rawValue), sourceLocation: sourceLocation)
            #expect(status?.message == error.message, sourceLocation: sourceLocation)
            let failure = try? status?.details.first.map { try GoogleRPCQuotaFailure(unpackingAny: $0) }
            #expect(failure?.violations.first?.subject == "principal:\(principal)", sourceLocation: sourceLocation)
            #expect(failure?.violations.first?.description == description, sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected an RPCError, got \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func queuedJobsAtAndOnePastTheLimit() throws {
        let quotas = JobQuotas(defaults: [.queuedJobs: 2])
        try quotas.reserveJob(for: Self.alice)
        quotas.track(jobID: "j1", principal: "alice")
        try quotas.reserveJob(for: Self.alice)
        quotas.track(jobID: "j2", principal: "alice")
        #expect(quotas.usage(of: "alice").queued == 2)
        Self.expectQuotaFailure("queued jobs: 2 of 2 in use") { try quotas.reserveJob(for: Self.alice) }
        // Another principal has its own count.
        try quotas.reserveJob(for: Caller(name: "bob", team: "blue"))
        // A job that starts frees a queued slot.
        quotas.started(jobID: "j1", principal: "alice")
        #expect(quotas.usage(of: "alice") == (running: 1, queued: 1, watches: 0))
        try quotas.reserveJob(for: Self.alice)
        // A reservation that created nothing gives its slot back.
        quotas.release(principal: "alice")
        try quotas.reserveJob(for: Self.alice)
        quotas.track(jobID: "j3", principal: "alice")
        quotas.ended(jobID: "j1")
        quotas.ended(jobID: "j2")
        quotas.ended(jobID: "j3")
        quotas.ended(jobID: "j3")
        #expect(quotas.usage(of: "alice") == (running: 0, queued: 0, watches: 0))
    }

    @Test func runningJobsAtAndOnePastTheLimit() throws {
        let quotas = JobQuotas(defaults: [.runningJobs: 1])
        try quotas.reserveJob(for: Self.alice)
        quotas.track(jobID: "j1", principal: "alice")
        // Queued, not running yet: the running limit is not reached.
        try quotas.reserveJob(for: Self.alice)
        quotas.track(jobID: "j2", principal: "alice")
        quotas.started(jobID: "j1", principal: "alice")
        Self.expectQuotaFailure("running jobs: 1 of 1 in use") { try quotas.reserveJob(for: Self.alice) }
        quotas.ended(jobID: "j1")
        try quotas.reserveJob(for: Self.alice)
    }

    @Test func watchStreamsAtAndOnePastTheLimitWithAPerPrincipalOverride() throws {
        let quotas = JobQuotas(defaults: [.watchStreams: 1])
        try quotas.openWatch(for: Self.alice)
        Self.expectQuotaFailure("open job streams: 1 of 1 in use") { try quotas.openWatch(for: Self.alice) }
        quotas.closeWatch(principal: "alice")
        try quotas.openWatch(for: Self.alice)

        let carol = Caller(name: "carol", team: "red", limits: ["watch_streams": 3])
        #expect(quotas.limit(.watchStreams, for: carol) == 3)
        for _ in 0..<3 { try quotas.openWatch(for: carol) }
        Self.expectQuotaFailure("open job streams: 3 of 3 in use", principal: "carol") {
            try quotas.openWatch(for: carol)
        }
        // A zero override shuts the principal out of that resource.
        let none = Caller(name: "dave", team: "red", limits: ["watch_streams": 0])
        Self.expectQuotaFailure("open job streams: 0 of 0 in use", principal: "dave") {
            try quotas.openWatch(for: none)
        }
    }

    @Test func unlimitedWithoutDefaults() throws {
        let quotas = JobQuotas()
        for index in 0..<100 {
            try quotas.reserveJob(for: Self.alice)
            quotas.track(jobID: "j\(index)", principal: "alice")
            try quotas.openWatch(for: Self.alice)
        }
        #expect(quotas.usage(of: "alice") == (running: 0, queued: 100, watches: 100))
    }

    /// On a shared store the job counts are the store's (every instance's); the watch streams stay this process's.
    @Test func aSharedStoreCountsTheJobsAndOwnersWithoutJobsDropToZero() throws {
        let quotas = JobQuotas(defaults: [.watchStreams: 1], jobsCountedByStore: true)
        quotas.recordStoreCounts(["alice": JobQuotas.JobCounts(running: 2, queued: 3), "bob": .init(running: 1)])
        #expect(quotas.usage(of: "alice") == (running: 2, queued: 3, watches: 0))
        try quotas.openWatch(for: Self.alice)
        Self.expectQuotaFailure("open job streams: 1 of 1 in use") { try quotas.openWatch(for: Self.alice) }
        #expect(quotas.usage(of: "alice") == (running: 2, queued: 3, watches: 1))
        quotas.recordStoreCounts(["bob": JobQuotas.JobCounts(queued: 1)])
        #expect(quotas.usage(of: "alice") == (running: 0, queued: 0, watches: 1))
        #expect(quotas.usage(of: "bob") == (running: 0, queued: 1, watches: 0))
    }

    @Test func aJobClaimedOrEndedBeforeItIsTrackedIsCountedRight() throws {
        let quotas = JobQuotas(defaults: [.runningJobs: 1])
        // A worker claims the job between its creation and track().
        try quotas.reserveJob(for: Self.alice)
        quotas.started(jobID: "early", principal: "alice")
        quotas.track(jobID: "early", principal: "alice")
        #expect(quotas.usage(of: "alice") == (running: 1, queued: 0, watches: 0))
        Self.expectQuotaFailure("running jobs: 1 of 1 in use") { try quotas.reserveJob(for: Self.alice) }
        quotas.ended(jobID: "early")
        // A cancel ends the job between its creation and track().
        try quotas.reserveJob(for: Self.alice)
        quotas.ended(jobID: "gone")
        quotas.track(jobID: "gone", principal: "alice")
        #expect(quotas.usage(of: "alice") == (running: 0, queued: 0, watches: 0))
    }
}
