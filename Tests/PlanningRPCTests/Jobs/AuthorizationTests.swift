import Foundation
import PlanningEngine
import PlanningRPC
import RPCFraming
import RPCProtobuf
import RPCServer
import Testing

/// Jobs belong to their principal's team: another team's job is NOT_FOUND like an unknown id; admins see all.
@Suite struct AuthorizationTests {
    static let alice = Caller(name: "alice", team: "blue")
    static let bob = Caller(name: "bob", team: "blue")
    static let eve = Caller(name: "eve", team: "red")
    static let root = Caller(name: "root", team: "ops", isAdmin: true)

    static func classify(_ fixture: PlanningServiceTests.Fixture, requestID: String = "") async throws
        -> Planning_V1_ClassifyPDEsRequest
    {
        var request = Planning_V1_ClassifyPDEsRequest()
        request.pdeIds = try await fixture.store.listPDEs(system: nil, page: PageRequest(size: 2)).items.map(\.id)
        request.requestID = requestID
        return request
    }

    @Test func anotherTeamsJobIsNotFoundExactlyLikeAnUnknownOne() async throws {
        try await PlanningServiceTests.withFixture { fixture in
            let service = fixture.service
            let stream = try await service.startClassifyPDEs(
                try await Self.classify(fixture),
                metadata: Metadata(),
                caller: Self.alice
            )
            try await stream.run { _ in }
            let job = try await fixture.store.job(id: stream.jobID)
            #expect(job.owner == "alice" && job.team == "blue")

            var get = Planning_V1_GetJobRequest()
            get.jobID = stream.jobID
            // Same team, and admin: visible.
            #expect(try await service.getJob(get, metadata: Metadata(), caller: Self.bob).id == stream.jobID)
            #expect(try await service.getJob(get, metadata: Metadata(), caller: Self.root).id == stream.jobID)

            var unknown = Planning_V1_GetJobRequest()
            unknown.jobID = "job_doesnotexist"
            let unknownError = await Self.error {
                _ = try await service.getJob(unknown, metadata: Metadata(), caller: Self.eve)
            }
            #expect(unknownError?.code == .notFound)
            let hidden = await Self.error { _ = try await service.getJob(get, metadata: Metadata(), caller: Self.eve) }
            #expect(hidden?.code == .notFound)
            #expect(hidden?.message == "job \(stream.jobID) not found")

            var watch = Planning_V1_WatchJobRequest()
            watch.jobID = stream.jobID
            #expect(
                await Self.error { _ = try await service.startWatchJob(watch, metadata: Metadata(), caller: Self.eve) }?
                    .code == .notFound
            )
            _ = try await service.startWatchJob(watch, metadata: Metadata(), caller: Self.bob)

            var cancel = Planning_V1_CancelJobRequest()
            cancel.jobID = stream.jobID
            #expect(
                await Self.error { _ = try await service.cancelJob(cancel, metadata: Metadata(), caller: Self.eve) }?
                    .code == .notFound
            )

            // ListJobs: filtered to the caller's team, all for an admin.
            let evesJob = try await service.startClassifyPDEs(
                try await Self.classify(fixture),
                metadata: Metadata(),
                caller: Self.eve
            )
            try await evesJob.run { _ in }
            let list = Planning_V1_ListJobsRequest()
            #expect(
                try await service.listJobs(list, metadata: Metadata(), caller: Self.bob).jobs.map(\.id) == [
                    stream.jobID
                ]
            )
            #expect(
                try await service.listJobs(list, metadata: Metadata(), caller: Self.eve).jobs.map(\.id) == [
                    evesJob.jobID
                ]
            )
            #expect(
                Set(try await service.listJobs(list, metadata: Metadata(), caller: Self.root).jobs.map(\.id))
                    == [stream.jobID, evesJob.jobID]
            )
        }
    }

    @Test func requestIDsArePerTeam() async throws {
        try await PlanningServiceTests.withFixture { fixture in
            let request = try await Self.classify(fixture, requestID: "same-key")
            let first = try await fixture.service.startClassifyPDEs(request, metadata: Metadata(), caller: Self.alice)
            // Bob is on Alice's team: the same key finds her job.
            let again = try await fixture.service.startClassifyPDEs(request, metadata: Metadata(), caller: Self.bob)
            #expect(again.jobID == first.jobID)
            let other = try await fixture.service.startClassifyPDEs(request, metadata: Metadata(), caller: Self.eve)
            #expect(other.jobID != first.jobID)
        }
    }

    @Test func withoutAuthenticationTheUserMetadataIsTheTeam() {
        var metadata = Metadata()
        metadata.add(Principal.metadataKey, "carol")
        #expect(Caller(context: nil, metadata: metadata) == Caller(name: "carol", team: "carol"))
        var context = ServerContext(path: "/p.S/M", peer: "x", deadline: nil, authority: nil)
        context.principal = AuthenticatedPrincipal(
            name: "dave",
            team: "green",
            roles: ["admin"],
            limits: ["queued_jobs": 1]
        )
        #expect(
            Caller(context: context, metadata: metadata)
                == Caller(name: "dave", team: "green", isAdmin: true, limits: ["queued_jobs": 1])
        )
    }

    @Test func runningJobQuotaThroughTheManager() async throws {
        let gate = Gate()
        var configuration = testConfiguration(maxRunning: 4)
        configuration.quotas = [.runningJobs: 1, .queuedJobs: 1]
        try await PlanningServiceTests.withFixture(engine: GatedEngine(gate: gate), configuration: configuration) {
            fixture in
            let request = try await Self.classify(fixture)
            let first = try await fixture.service.startClassifyPDEs(request, metadata: Metadata(), caller: Self.alice)
            try await waitUntil("the job to run") { try await fixture.store.job(id: first.jobID).state == .running }
            // At the running limit (1 of 1): the next submission is refused, with a QuotaFailure.
            let refused = await Self.error {
                _ = try await fixture.service.startClassifyPDEs(request, metadata: Metadata(), caller: Self.alice)
            }
            #expect(refused?.code == .resourceExhausted)
            #expect(refused?.statusDetails?.details.first?.typeURL == "type.googleapis.com/google.rpc.QuotaFailure")
            // Another principal is not affected.
            _ = try await fixture.service.startClassifyPDEs(request, metadata: Metadata(), caller: Self.bob)
            gate.open()
            try await first.run { _ in }
            try await waitUntil("the quota to free") { fixture.manager.quotas.usage(of: "alice").running == 0 }
            _ = try await fixture.service.startClassifyPDEs(request, metadata: Metadata(), caller: Self.alice)
        }
    }

    @Test func theSchedulerHoldsBackJobsPastTheRunningQuota() async throws {
        try await withTemporaryStore { store, _ in
            let pdes = try await insertPDEs(store, count: 1)
            let gate = Gate()
            var configuration = testConfiguration(maxRunning: 4)
            configuration.quotas = [.runningJobs: 2]
            try await withJobManager(
                store: store, engine: GatedEngine(gate: gate), configuration: configuration, start: false
            ) { manager in
                // Queued before the workers start: three of alice's, one of bob's, four workers.
                var alices: [String] = []
                for _ in 0..<3 { alices.append(try await manager.submit(try classifySubmission(pdes)).job.id) }
                let bobs = try await manager.submit(try classifySubmission(pdes, owner: "bob")).job.id
                try await manager.start()
                let states = { (ids: [String]) in try await ids.asyncMap { try await store.job(id: $0).state } }
                try await waitUntil("two of alice's jobs and bob's to run") {
                    let running = try await states(alices).filter { $0 == .running }.count
                    let bobsState = try await store.job(id: bobs).state
                    return running == 2 && bobsState == .running
                }
                // A free worker does not take alice's third job: she is at her limit.
                try await Task.sleep(for: .milliseconds(200))
                #expect(try await states(alices).filter { $0 == .queued }.count == 1)
                #expect(manager.quotas.usage(of: "alice") == (running: 2, queued: 1, watches: 0))
                // When hers end, the held-back one starts and everything finishes.
                gate.open()
                try await waitUntil("all of them to end") {
                    try await states(alices + [bobs]).allSatisfy { $0 == .succeeded }
                }
                try await waitUntil("the counts to settle") {
                    manager.quotas.usage(of: "alice") == (running: 0, queued: 0, watches: 0)
                }
            }
        }
    }

    static func error(_ body: () async throws -> Void) async -> RPCError? {
        do {
            try await body()
            return nil
        } catch {
            return error as? RPCError
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
