import Foundation
import PlanningEngine
import PlanningPostgres
import PlanningRPC
import RPCFraming
import RPCProtobuf
import Synchronization
import Testing

/// The per-principal job quotas with two job managers ("instances") on one PostgreSQL database: counted in the
/// database, so that they hold whichever instance a submission goes to and whichever instance claims a job. Needs
/// `PLANNING_TEST_DATABASE_URL` (see `StoreKind`); without it the banner says these did not run.
@Suite(.enabled(if: StoreKind.postgresURL != nil, "needs PLANNING_TEST_DATABASE_URL (make test-postgres sets it)"))
struct SharedQuotaTests {
    /// Runs `body` with two job managers (A and B) on one new database, started unless `start` is false.
    func withTwoManagers<T>(
        quotas: [JobQuotas.Limit: Int],
        engine: any PlanningEngine = GatedEngine(),
        maxRunning: Int = 4,
        start: Bool = true,
        _ body: (PostgresStore, JobManager, JobManager) async throws -> T
    ) async throws -> T {
        try await withPostgresDatabase { url in
            let a = try await openPostgresStore(url, instanceID: "a", lease: .seconds(3))
            defer { a.close() }
            let b = try await openPostgresStore(url, instanceID: "b", lease: .seconds(3))
            defer { b.close() }
            var configuration = testConfiguration(maxRunning: maxRunning)
            configuration.quotas = quotas
            return try await withJobManager(store: a, engine: engine, configuration: configuration, start: start) {
                managerA in
                try await withJobManager(store: b, engine: engine, configuration: configuration, start: start) {
                    managerB in
                    try await body(a, managerA, managerB)
                }
            }
        }
    }

    /// Expects `body` to be refused with RESOURCE_EXHAUSTED and a QuotaFailure for `principal` saying `description`.
    func expectRefusal(
        _ description: String,
        principal: String = "alice",
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () async throws -> CreatedJob
    ) async {
        do {
            let created = try await body()
            Issue.record("expected RESOURCE_EXHAUSTED, got job \(created.job.id)", sourceLocation: sourceLocation)
        } catch let error as RPCError {
            #expect(error.code == .resourceExhausted, sourceLocation: sourceLocation)
            let failure = try? error.statusDetails?.details.first.map { try GoogleRPCQuotaFailure(unpackingAny: $0) }
            #expect(failure?.violations.first?.subject == "principal:\(principal)", sourceLocation: sourceLocation)
            #expect(failure?.violations.first?.description == description, sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected an RPCError, got \(error)", sourceLocation: sourceLocation)
        }
    }

    /// The owner's jobs in a state, as the database counts them.
    func count(_ store: PostgresStore, _ owner: String) async throws -> JobQuotas.JobCounts {
        try await store.jobCountsByOwner()[owner] ?? JobQuotas.JobCounts()
    }

    @Test func queuedQuotaAtAndOnePastTheLimitOnEitherInstance() async throws {
        // Not started: nothing is claimed, every job stays queued.
        try await withTwoManagers(quotas: [.queuedJobs: 3], start: false) { store, a, b in
            for index in 0..<3 {
                let manager = index % 2 == 0 ? a : b
                let created = try await manager.submit(try classifySubmission([]))
                #expect(created.created)
            }
            #expect(try await count(store, "alice") == JobQuotas.JobCounts(running: 0, queued: 3))
            await expectRefusal("queued jobs: 3 of 3 in use") { try await a.submit(try classifySubmission([])) }
            await expectRefusal("queued jobs: 3 of 3 in use") { try await b.submit(try classifySubmission([])) }
            #expect(try await count(store, "alice").queued == 3)
            // Another principal has its own count; an override in the principal file applies on every instance.
            #expect(try await b.submit(try classifySubmission([], owner: "bob")).created)
            var carol = try classifySubmission([], owner: "carol")
            carol.quotaLimits = ["queued_jobs": 1]
            #expect(try await a.submit(carol).created)
            await expectRefusal("queued jobs: 1 of 1 in use", principal: "carol") { try await b.submit(carol) }
            // A repeated request is answered with its job, at the limit or not.
            let keyed = try await a.submit(try classifySubmission([], owner: "dave", requestID: "k"))
            var again = try classifySubmission([], owner: "dave", requestID: "k")
            again.quotaLimits = ["queued_jobs": 0]
            let repeated = try await b.submit(again)
            #expect(!repeated.created)
            #expect(repeated.job.id == keyed.job.id)
            // A cancelled job frees its place, for either instance.
            let queued = try await store.listJobs(filter: JobFilter(owner: "alice"), page: PageRequest()).items
            _ = try await b.cancel(jobID: try #require(queued.first).id)
            #expect(try await a.submit(try classifySubmission([])).created)
            await expectRefusal("queued jobs: 3 of 3 in use") { try await b.submit(try classifySubmission([])) }
        }
    }

    @Test func concurrentSubmissionsToBothInstancesTakeEachPlaceOnce() async throws {
        let limit = 4
        try await withTwoManagers(quotas: [.queuedJobs: limit], start: false) { store, a, b in
            let outcomes = try await withThrowingTaskGroup(of: StatusCode?.self) { group in
                for index in 0..<12 {
                    let manager = index % 2 == 0 ? a : b
                    group.addTask {
                        do {
                            _ = try await manager.submit(try classifySubmission([]))
                            return nil
                        } catch let error as RPCError {
                            return error.code
                        }
                    }
                }
                return try await group.reduce(into: [StatusCode?]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == nil }.count == limit)
            #expect(outcomes.filter { $0 == .resourceExhausted }.count == 12 - limit)
            #expect(try await count(store, "alice").queued == limit)
        }
    }

    @Test func runningQuotaAtSubmissionCountsEveryInstance() async throws {
        let gate = Gate()
        try await withTwoManagers(quotas: [.runningJobs: 2], engine: GatedEngine(gate: gate)) { store, a, b in
            let catalog = try await insertPDEs(store, count: 2)
            #expect(try await a.submit(try classifySubmission(catalog)).created)
            #expect(try await b.submit(try classifySubmission(catalog)).created)
            try await waitUntil(timeout: .seconds(30), "two of alice's jobs running") {
                try await count(store, "alice").running == 2
            }
            await expectRefusal("running jobs: 2 of 2 in use") { try await a.submit(try classifySubmission(catalog)) }
            await expectRefusal("running jobs: 2 of 2 in use") { try await b.submit(try classifySubmission(catalog)) }
            // Bob is not held back by alice's quota.
            #expect(try await a.submit(try classifySubmission(catalog, owner: "bob")).created)
            try await waitUntil(timeout: .seconds(30), "bob's job running") {
                try await count(store, "bob").running == 1
            }
            // Both instances' gauges show the database's counts, whichever instance runs the jobs.
            try await waitUntil(timeout: .seconds(30), "the gauges") {
                a.quotas.usage(of: "alice").running == 2 && b.quotas.usage(of: "alice").running == 2
                    && b.quotas.usage(of: "bob").running == 1
            }
            gate.open()
            try await waitUntil(timeout: .seconds(30), "every job to end") {
                try await store.jobCountsByOwner().isEmpty
            }
            #expect(try await b.submit(try classifySubmission(catalog)).created)
            try await waitUntil(timeout: .seconds(30), "the gauges back to zero") {
                let usage = a.quotas.usage(of: "alice")
                return usage.running == 0 && usage.queued == 0 && a.quotas.usage(of: "bob").running == 0
            }
        }
    }

    /// Six jobs of alice (running limit 2), then two of bob, queued on both instances; then both instances start
    /// at once with two workers each. Alice never has more than two jobs running (sampled in the database
    /// throughout), and bob's jobs, behind hers in the queue, take the other two workers.
    @Test func runningQuotaHoldsWhileBothInstancesClaim() async throws {
        let gate = Gate()
        let engine = GatedEngine(gate: gate)
        try await withTwoManagers(quotas: [.runningJobs: 2], engine: engine, maxRunning: 2, start: false) {
            store, a, b in
            let catalog = try await insertPDEs(store, count: 3)
            var ids: [String] = []
            for index in 0..<6 {
                ids.append(try await (index % 2 == 0 ? a : b).submit(try classifySubmission(catalog)).job.id)
            }
            for index in 0..<2 {
                let submission = try classifySubmission(catalog, owner: "bob")
                ids.append(try await (index % 2 == 0 ? b : a).submit(submission).job.id)
            }
            let samples = Mutex<[JobQuotas.JobCounts]>([])
            let sampling = Task {
                while !Task.isCancelled {
                    if let alice = try? await count(store, "alice") { samples.withLock { $0.append(alice) } }
                    try? await Task.sleep(for: .milliseconds(5))
                }
            }
            defer { sampling.cancel() }
            async let startA: Void = a.start()
            async let startB: Void = b.start()
            _ = try await (startA, startB)
            try await waitUntil(timeout: .seconds(30), "alice at her limit with bob's jobs running beside") {
                let alice = try await count(store, "alice").running
                let bob = try await count(store, "bob").running
                return alice == 2 && bob == 2
            }
            // Every worker of both instances is busy, held at the gate.
            let running = try await store.listJobs(filter: JobFilter(state: .running), page: PageRequest()).items
            #expect(Set(running.map { $0.worker.prefix(2) }) == ["a/", "b/"])
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await count(store, "alice") == JobQuotas.JobCounts(running: 2, queued: 4))
            gate.open()
            try await waitUntil(timeout: .seconds(60), "every job to end") {
                try await store.jobCountsByOwner().isEmpty
            }
            sampling.cancel()
            let seen = samples.withLock { $0 }
            #expect(seen.count > 10)
            #expect(seen.map(\.running).max() == 2)
            for id in ids { #expect(try await store.job(id: id).state == .succeeded) }
            #expect(engine.classified.withLock { $0.count } == 8 * catalog.count)
        }
    }

    /// Many claims at once on both stores, for the jobs of one owner with two places: exactly two are claimed, in
    /// every round (the per-owner lock makes each claim count the ones committed before it).
    @Test func concurrentClaimsOnBothInstancesTakeTheLastPlaceOnce() async throws {
        try await withTwoPostgresStores { a, b in
            let limits = JobAdmission.Limits(maxQueued: 1000, ownerRunning: 2)
            for round in 0..<5 {
                for _ in 0..<8 {
                    let job = JobRecord(kind: .classifyPDEs, owner: "o")
                    _ = try await a.createJob(job, firstEvent: nil, limits: limits)
                }
                let claimed = try await withThrowingTaskGroup(of: JobRecord?.self) { group in
                    for index in 0..<16 {
                        let store = index % 2 == 0 ? a : b
                        group.addTask { try await store.claimNextQueued(worker: "\(store.instanceID)/w\(index)") }
                    }
                    return try await group.reduce(into: [JobRecord]()) { if let job = $1 { $0.append(job) } }
                }
                #expect(claimed.count == 2, "round \(round)")
                #expect(try await count(a, "o") == JobQuotas.JobCounts(running: 2, queued: 6), "round \(round)")
                // Clear the round: end every job of o.
                for job in try await a.unfinishedJobs() {
                    _ = try await a.updateJob(id: job.id, update: JobUpdate(state: .cancelled))
                }
            }
        }
    }

    /// The claim itself, without managers: a job carries its owner's running limit from submission, and a plain
    /// claim on the other instance honours it.
    @Test func aJobIsHeldToTheLimitRecordedAtSubmission() async throws {
        try await withTwoPostgresStores { a, b in
            let limits = JobAdmission.Limits(maxQueued: 100, ownerRunning: 1)
            let job = { (owner: String) in JobRecord(kind: .classifyPDEs, owner: owner) }
            let first = try await a.createJob(job("o"), firstEvent: nil, limits: limits)
            let second = try await a.createJob(job("o"), firstEvent: nil, limits: limits)
            let other = try await a.createJob(job("p"), firstEvent: nil, limits: limits)
            #expect(try await b.claimNextQueued(worker: "b/w0")?.id == first.job?.job.id)
            // The limit (1) is reached: o's second job is skipped, p's is not.
            #expect(try await b.claimNextQueued(worker: "b/w1")?.id == other.job?.job.id)
            #expect(try await a.claimNextQueued(worker: "a/w0") == nil)
            // With limits given by the caller too, the recorded one still applies.
            #expect(try await a.claimNextQueued(worker: "a/w0", runningLimits: ["o": 5], defaultLimit: 5) == nil)
            // At submission, o is at its running limit on either instance.
            let refused = try await b.createJob(job("o"), firstEvent: nil, limits: limits)
            #expect(refused == .quotaExceeded(.runningJobs, limit: 1))
            // The running job ends: the held-back one is claimed.
            _ = try await b.updateJob(id: try #require(first.job?.job.id), update: JobUpdate(state: .succeeded))
            #expect(try await a.claimNextQueued(worker: "a/w0")?.id == second.job?.job.id)
        }
    }
}
