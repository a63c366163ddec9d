import Foundation
import Logging
import PlanningEngine
import PlanningPostgres
import PlanningRPC
import Synchronization
import Testing

/// The PostgreSQL store as a queue shared by several instances: each test opens two stores ("instances") on one
/// database. Needs `PLANNING_TEST_DATABASE_URL` (see `StoreKind`); without it the banner says these did not run.
@Suite(.enabled(if: StoreKind.postgresURL != nil, "needs PLANNING_TEST_DATABASE_URL (make test-postgres sets it)"))
struct SharedQueueTests {
    /// Runs `body` with two stores on one new database, as two daemons would have.
    func withTwoInstances<T>(
        lease: Duration = .seconds(15),
        _ body: (PostgresStore, PostgresStore) async throws -> T
    ) async throws -> T {
        try await withTwoPostgresStores(lease: lease, body)
    }

    @Test func claimsAreExclusiveAcrossInstances() async throws {
        try await withTwoInstances { a, b in
            var ids: [String] = []
            for _ in 0..<20 { ids.append(try await a.createJob(JobRecord(kind: .classifyPDEs, owner: "o")).job.id) }
            let claims = try await withThrowingTaskGroup(of: JobRecord?.self) { group in
                for index in 0..<30 {
                    let store = index % 2 == 0 ? a : b
                    group.addTask { try await store.claimNextQueued(worker: "\(store.instanceID)/worker-\(index)") }
                }
                return try await group.reduce(into: [JobRecord]()) { if let job = $1 { $0.append(job) } }
            }
            #expect(claims.count == 20)
            #expect(Set(claims.map(\.id)) == Set(ids))
            for job in claims {
                let stored = try await b.job(id: job.id)
                #expect(stored.state == .running)
                #expect(stored.worker == job.worker)
                #expect(stored.worker.hasPrefix("a/") || stored.worker.hasPrefix("b/"))
            }
            #expect(try await a.claimNextQueued(worker: "a/late") == nil)
        }
    }

    @Test func expiredLeaseIsTakenOverAndTheOldWorkerFenced() async throws {
        try await withTwoInstances(lease: .milliseconds(1500)) { a, b in
            let report = try await makeReport(a)
            let created = try await a.createJob(JobRecord(kind: .generateAttributes, owner: "o", reportID: report.id))
            let claimed = try #require(try await a.claimNextQueued(worker: "a/worker-0"))
            #expect(claimed.id == created.job.id)
            let first = AttributeRecord(reportID: report.id, name: "Obligor Name")
            _ = try await a.commitItem(
                jobID: claimed.id,
                writes: [.insertAttribute(first)],
                update: JobUpdate(itemsDone: 1, expectedWorker: "a/worker-0")
            ) { _ in [progressEvent("item 1")] }
            // Before the lease ends, nothing is taken over.
            #expect(try await b.requeueExpiredLeases().isEmpty)
            try await Task.sleep(for: .milliseconds(2000))
            let requeued = try await b.requeueExpiredLeases()
            #expect(requeued.map(\.id) == [claimed.id])
            #expect(requeued.first?.state == .queued)
            #expect(requeued.first?.itemsDone == 1)
            let log = try await b.events(jobID: claimed.id, afterSequence: 0, limit: 100)
            #expect(log.last?.payloadKind == .progress)
            #expect(try log.last?.event().progress.message.contains("lease of a/worker-0 expired") == true)

            let taken = try #require(try await b.claimNextQueued(worker: "b/worker-0"))
            #expect(taken.id == claimed.id)
            #expect(taken.itemsDone == 1)
            // The old worker can neither renew nor write any more.
            #expect(try await a.renewLease(jobID: claimed.id, worker: "a/worker-0") == nil)
            let late = AttributeRecord(reportID: report.id, name: "Late Attribute")
            await #expect(throws: StoreError.self) {
                _ = try await a.commitItem(
                    jobID: claimed.id,
                    writes: [.insertAttribute(late)],
                    update: JobUpdate(itemsDone: 2, expectedWorker: "a/worker-0")
                ) { _ in [progressEvent("late")] }
            }
            let names = try await b.listAttributes(reportID: report.id, visibleTo: .all, page: PageRequest()).items.map(\.name)
            #expect(names == ["Obligor Name"])
            #expect(
                try await b.renewLease(jobID: claimed.id, worker: "b/worker-0") == LeaseRenewal(cancelRequested: false)
            )
        }
    }

    @Test func renewalKeepsTheLeaseAndReportsCancellation() async throws {
        try await withTwoInstances(lease: .milliseconds(1500)) { a, b in
            let created = try await a.createJob(JobRecord(kind: .classifyPDEs, owner: "o"))
            _ = try #require(try await a.claimNextQueued(worker: "a/worker-0"))
            // Renewed for longer than the lease: never taken over.
            for _ in 0..<10 {
                try await Task.sleep(for: .milliseconds(200))
                #expect(try await a.renewLease(jobID: created.job.id, worker: "a/worker-0") != nil)
            }
            #expect(try await b.requeueExpiredLeases().isEmpty)
            _ = try await b.requestCancel(jobID: created.job.id)
            #expect(
                try await a.renewLease(jobID: created.job.id, worker: "a/worker-0")
                    == LeaseRenewal(cancelRequested: true)
            )
            // Another worker's name holds nothing.
            #expect(try await b.renewLease(jobID: created.job.id, worker: "b/worker-0") == nil)
        }
    }

    @Test func queueLimitIsCountedOverEveryInstance() async throws {
        try await withTwoInstances { a, b in
            let limit = 3
            let limits = JobAdmission.Limits(maxQueued: limit)
            for index in 0..<limit {
                let store = index % 2 == 0 ? a : b
                let admission = try await store.createJob(
                    JobRecord(kind: .classifyPDEs, owner: "o"),
                    firstEvent: nil,
                    limits: limits
                )
                #expect(admission.job?.created == true)
            }
            // At the limit, on either instance: refused.
            #expect(
                try await a.createJob(JobRecord(kind: .classifyPDEs, owner: "o"), firstEvent: nil, limits: limits)
                    == .queueFull
            )
            #expect(
                try await b.createJob(JobRecord(kind: .classifyPDEs, owner: "o"), firstEvent: nil, limits: limits)
                    == .queueFull
            )
            // A repeated request id is answered with its job even when full.
            let keyed = try await a.createJob(
                JobRecord(kind: .classifyPDEs, owner: "p", requestID: "k"),
                firstEvent: nil,
                limits: JobAdmission.Limits(maxQueued: limit + 1)
            )
            #expect(keyed.job?.created == true)
            let again = try await b.createJob(
                JobRecord(kind: .classifyPDEs, owner: "p", requestID: "k"),
                firstEvent: nil,
                limits: limits
            )
            #expect(again.job?.created == false)
            #expect(again.job?.job.id == keyed.job?.job.id)
            // One claimed: one place frees up, and only one.
            _ = try #require(try await b.claimNextQueued(worker: "b/worker-0"))
            _ = try #require(try await b.claimNextQueued(worker: "b/worker-1"))
            let after = try await b.createJob(
                JobRecord(kind: .classifyPDEs, owner: "o"),
                firstEvent: nil,
                limits: limits
            )
            #expect(after.job?.created == true)
            #expect(
                try await a.createJob(JobRecord(kind: .classifyPDEs, owner: "o"), firstEvent: nil, limits: limits)
                    == .queueFull
            )
        }
    }

    @Test func everyCommittedEventIsAnnouncedToTheOtherInstance() async throws {
        try await withTwoInstances { a, b in
            let heard = Mutex<[JobNotification]>([])
            let notifications = b.notifications()
            let listener = Task {
                for await notification in notifications { heard.withLock { $0.append(notification) } }
            }
            defer { listener.cancel() }
            try await waitUntil(timeout: .seconds(30), "the listener") { heard.withLock { $0.contains(.resync) } }
            let created = try await a.createJob(JobRecord(kind: .classifyPDEs, owner: "o")) { _ in progressEvent() }
            let jobID = created.job.id
            _ = try await a.commitItem(jobID: jobID, writes: [], update: .none) { _ in
                [progressEvent("one"), progressEvent("two")]
            }
            _ = try await a.requestCancel(jobID: jobID)
            try await waitUntil(timeout: .seconds(30), "the announcements") {
                heard.withLock { $0.contains(.cancelRequested(jobID: jobID)) }
            }
            let got = heard.withLock { $0 }
            #expect(got.contains(.queued))
            let sequences = got.compactMap { notification -> Int64? in
                if case .event(jobID, let sequence) = notification { return sequence }
                return nil
            }
            #expect(sequences == [1, 2, 3])
        }
    }

    @Test func anUnreachableDatabaseIsUnavailableWithinTheTimeout() async throws {
        // A port nothing listens on: bound, then closed.
        let url = try DatabaseURL("postgres://postgres@127.0.0.1:\(try closedPort())/postgres")
        let started = ContinuousClock.now
        await #expect(throws: StoreError.self) {
            _ = try await openPostgresStore(url, timeout: .milliseconds(500))
        }
        // Bounded, not hung: the bound leaves room for a loaded machine running every suite in parallel.
        #expect(ContinuousClock.now - started < .seconds(30))
        do {
            _ = try await openPostgresStore(url, timeout: .milliseconds(500))
        } catch let error as StoreError {
            guard case .unavailable = error else {
                Issue.record("expected unavailable, got \(error)")
                return
            }
        }
    }

    /// A closed store fails every operation with UNAVAILABLE, at once: before, the stopped pool's
    /// `ConnectionPoolError.poolShutdown` passed through unmapped (INTERNAL to a client), as a job manager still
    /// tending leases on a closed store met it in managersWatchAndTakeOverAcrossInstances.
    @Test func operationsAfterCloseFailAtOnce() async throws {
        try await withPostgresDatabase { url in
            let store = try await openPostgresStore(url, timeout: .seconds(60))
            _ = try await store.requeueExpiredLeases()
            store.close()
            let started = ContinuousClock.now
            for _ in 0..<2 {
                do {
                    _ = try await store.requeueExpiredLeases()
                    Issue.record("an operation on a closed store succeeded")
                } catch let error as StoreError {
                    guard case .unavailable = error else {
                        Issue.record("expected unavailable, got \(error)")
                        return
                    }
                }
            }
            // Far below the 60 s operation timeout, with room for a sanitizer's slowdown.
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }

    /// Two job managers on one database: a job run by A is watched from B (every sequence once, through the
    /// terminal event); then A "dies" (its connections are cut, so its lease runs out) in the middle of a second
    /// job, and B takes it over and finishes it with every item exactly once.
    @Test func managersWatchAndTakeOverAcrossInstances() async throws {
        try await withPostgresDatabase { url in
            let storeA = try await openPostgresStore(url, instanceID: "a", lease: .seconds(3))
            let storeB = try await openPostgresStore(url, instanceID: "b", lease: .seconds(2))
            defer { storeB.close() }
            let pdes = try await insertPDEs(storeA, count: 8)
            let gate = Gate()
            let engineA = GatedEngine(gate: gate)
            try await withJobManager(store: storeA, engine: engineA) { managerA in
                // 1. Watched across instances.
                let first = try await managerA.submit(try classifySubmission(pdes))
                try await waitUntil(timeout: .seconds(30), "A claims the job") {
                    try await storeA.job(id: first.job.id).worker.hasPrefix("a/")
                }
                try await withJobManager(store: storeB, engine: GatedEngine()) { managerB in
                    let watcher = Task { try await collect(managerB, first.job.id) }
                    gate.release(3)
                    try await waitUntil(timeout: .seconds(30), "three items") {
                        engineA.classified.withLock { $0.count == 3 }
                    }
                    gate.open()
                    let got = try await watcher.value
                    let log = try await eventLog(storeB, first.job.id)
                    #expect(try contractViolation(got, log: log) == nil)
                    #expect(got.map(\.sequence) == Array(1...Int64(got.count)))
                    #expect(got.last?.payloadKind == .result)
                    #expect(got.filter { $0.payloadKind == .pdeClassified }.count == 8)
                }
            }
            storeA.close()

            // 2. Taken over after A's death.
            let storeA2 = try await openPostgresStore(url, instanceID: "a2", lease: .seconds(2))
            let gate2 = Gate()
            let engineA2 = GatedEngine(gate: gate2)
            try await withJobManager(store: storeA2, engine: engineA2) { managerA in
                let second = try await managerA.submit(try classifySubmission(pdes, requestID: "second"))
                gate2.release(3)
                try await waitUntil(timeout: .seconds(30), "three items on A") {
                    try await storeA2.job(id: second.job.id).itemsDone == 3
                }
                // A dies: it stops talking to the database, its run stuck before item 4.
                storeA2.close()
                let engineB = GatedEngine()
                try await withJobManager(store: storeB, engine: engineB) { managerB in
                    let got = try await collect(managerB, second.job.id)
                    let job = try await storeB.job(id: second.job.id)
                    #expect(job.state == .succeeded)
                    #expect(job.worker.hasPrefix("b/"))
                    #expect(job.result?.classified == 8)
                    // Items 4...8 ran on B, 1...3 were not redone.
                    #expect(engineB.classified.withLock { $0.count } == 5)
                    let log = try await eventLog(storeB, second.job.id)
                    #expect(got == log)
                    let classified = try log.filter { $0.payloadKind == .pdeClassified }
                        .map { try $0.event().pdeClassified.classification.pdeID }
                    #expect(classified.count == 8)
                    #expect(Set(classified).count == 8)
                    #expect(log.contains { (try? $0.event().progress.message.contains("expired")) == true })
                }
                gate2.open()
            }
        }
    }
}

/// A loopback port that nothing listens on.
func closedPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else { throw PostgresTestError("cannot bind a probe socket") }
    return Int(UInt16(bigEndian: address.sin_port))
}
