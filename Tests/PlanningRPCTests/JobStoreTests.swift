import Foundation
import PlanningRPC
import RPCFraming
import Testing

@Suite struct JobStoreTests {
    static func acceptedEvent(_ context: JobEventContext) -> Planning_V1_JobEvent {
        var event = Planning_V1_JobEvent()
        var accepted = Planning_V1_Accepted()
        accepted.job = context.job.proto
        event.accepted = accepted
        return event
    }

    /// The team and the trace context of a new job are stored as given, by every store.
    @Test(arguments: StoreKind.available)
    func createJobKeepsTeamAndTrace(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            var draft = JobRecord(kind: .classifyPDEs, owner: "alice", team: "blue")
            draft.trace = TraceContext(
                traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", tracestate: "rojo=1")
            let created = try await store.createJob(draft, firstEvent: nil)
            #expect(created.job.team == "blue")
            let stored = try await store.job(id: created.job.id)
            #expect(stored.team == "blue")
            #expect(stored.trace == draft.trace)
        }
    }

    @Test(arguments: StoreKind.available)
    func createJobWithFirstEvent(_ kind: StoreKind) async throws {
        let clock = TestClock()
        try await withStore(kind, clock: clock) { store in
            let request = Data([1, 2, 3])
            let created = try await store.createJob(
                JobRecord(
                    kind: .generateAttributes, owner: "alice", cycleID: "cyc_1", reportID: "rep_1",
                    requestID: "r-1", request: request, cancelOnDisconnect: true,
                    deadline: clock.now.addingTimeInterval(600)),
                firstEvent: { Self.acceptedEvent($0) })
            #expect(created.created)
            let job = created.job
            #expect(job.id.hasPrefix("job_"))
            #expect(job.state == .queued)
            #expect(job.lastSequence == 1)
            #expect(job.request == request)
            #expect(job.cancelOnDisconnect)
            #expect(job.deadline == clock.now.addingTimeInterval(600))
            #expect(job.createTime == clock.now)
            #expect(try await store.job(id: job.id) == job)

            let record = try #require(created.firstEvent)
            #expect(record.sequence == 1)
            #expect(record.payloadKind == .accepted)
            let event = try record.event()
            #expect(event.jobID == job.id)
            #expect(event.sequence == 1)
            #expect(event.state == .queued)
            #expect(event.eventTime.date == clock.now)
            #expect(event.accepted.job.id == job.id)
            #expect(event.accepted.job.kind == .generateAttributes)
            #expect(try await store.events(jobID: job.id, afterSequence: 0, limit: 10) == [record])
        }
    }

    @Test(arguments: StoreKind.available)
    func requestIDIsIdempotentPerOwner(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let first = try await store.createJob(
                JobRecord(kind: .autoMapPDEs, owner: "alice", requestID: "r-1"), firstEvent: { Self.acceptedEvent($0) })
            let again = try await store.createJob(
                JobRecord(kind: .autoMapPDEs, owner: "alice", requestID: "r-1"), firstEvent: { Self.acceptedEvent($0) })
            #expect(!again.created)
            #expect(again.firstEvent == nil)
            #expect(again.job == first.job)
            #expect(try await store.events(jobID: first.job.id, afterSequence: 0, limit: 10).count == 1)

            let otherOwner = try await store.createJob(JobRecord(kind: .autoMapPDEs, owner: "bob", requestID: "r-1"))
            #expect(otherOwner.created)
            #expect(otherOwner.job.id != first.job.id)
            // No request id means no idempotency.
            let a = try await store.createJob(JobRecord(kind: .autoMapPDEs, owner: "alice"))
            let b = try await store.createJob(JobRecord(kind: .autoMapPDEs, owner: "alice"))
            #expect(a.created && b.created && a.job.id != b.job.id)

            // Concurrent duplicates still make one job.
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await store.createJob(JobRecord(kind: .classifyPDEs, owner: "carol", requestID: "same")).job
                            .id
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(ids.count == 1)
        }
    }

    @Test(arguments: StoreKind.available)
    func lifecycleUpdatesAndTerminalEvent(_ kind: StoreKind) async throws {
        let clock = TestClock()
        try await withStore(kind, clock: clock) { store in
            let job = try await store.createJob(JobRecord(kind: .classifyPDEs, owner: "alice")).job
            clock.advance(by: 1)
            let claimed = try #require(try await store.claimNextQueued(worker: "w1"))
            #expect(claimed.id == job.id)
            #expect(claimed.state == .running)
            #expect(claimed.worker == "w1")
            #expect(claimed.startTime == clock.now)
            #expect(try await store.claimNextQueued(worker: "w2") == nil)

            let progress = try await store.appendEvent(
                jobID: job.id, update: JobUpdate(step: "classifying", percent: 50, itemsDone: 1, itemsTotal: 2),
                build: { _ in progressEvent("half") })
            #expect(progress.sequence == 1)
            let decoded = try progress.event()
            #expect(decoded.step == "classifying")
            #expect(decoded.percent == 50)
            #expect(decoded.itemsDone == 1)
            #expect(decoded.itemsTotal == 2)
            #expect(decoded.state == .running)
            #expect(decoded.progress.message == "half")

            clock.advance(by: 2)
            let summary = JobResultSummary(generated: 2, classified: 2)
            let terminal = try await store.appendEvent(
                jobID: job.id, update: JobUpdate(state: .succeeded, percent: 100, itemsDone: 2, result: summary),
                build: { context in
                    var event = Planning_V1_JobEvent()
                    event.result = summary.proto
                    #expect(context.firstSequence == 2)
                    return event
                })
            #expect(terminal.payloadKind == .result)
            let ended = try await store.job(id: job.id)
            #expect(ended.state == .succeeded)
            #expect(ended.finishTime == clock.now)
            #expect(ended.result == summary)
            #expect(ended.lastSequence == 2)
            #expect(ended.proto.result.classified == 2)

            await #expect(throws: StoreError.failedPrecondition("job \(job.id) has ended (succeeded)")) {
                try await store.appendEvent(jobID: job.id, build: { _ in progressEvent() })
            }
            await #expect(throws: StoreError.failedPrecondition("job \(job.id) has ended (succeeded)")) {
                try await store.updateJob(id: job.id, update: JobUpdate(step: "again"))
            }
            await #expect(throws: StoreError.invalid("a job event must carry a payload")) {
                let other = try await store.createJob(JobRecord(kind: .classifyPDEs, owner: "alice")).job
                _ = try await store.appendEvent(jobID: other.id, build: { _ in Planning_V1_JobEvent() })
            }
            await #expect(throws: StoreError.notFound(what: "job", id: "job_missing")) {
                try await store.events(jobID: "job_missing", afterSequence: 0, limit: 1)
            }
        }
    }

    @Test(arguments: StoreKind.available)
    func cancelAndRecoveryQueries(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let queued = try await store.createJob(JobRecord(kind: .autoMapPDEs, owner: "a")).job
            let running = try await store.createJob(JobRecord(kind: .autoMapPDEs, owner: "a")).job
            let done = try await store.createJob(JobRecord(kind: .autoMapPDEs, owner: "a")).job
            _ = try await store.updateJob(id: running.id, update: JobUpdate(state: .running))
            _ = try await store.updateJob(
                id: done.id, update: JobUpdate(state: .failed, error: JobFailure(code: 13, message: "boom")))

            #expect(try await store.unfinishedJobs().map(\.id) == [queued.id, running.id])
            let cancelling = try await store.requestCancel(jobID: queued.id)
            #expect(cancelling.cancelRequested)
            #expect(cancelling.state == .queued)
            // A job being cancelled is not handed to a worker.
            #expect(try await store.claimNextQueued(worker: "w") == nil)
            let unchanged = try await store.requestCancel(jobID: done.id)
            #expect(!unchanged.cancelRequested)
            #expect(unchanged.error == JobFailure(code: 13, message: "boom"))
            #expect(unchanged.proto.error.message == "boom")
        }
    }

    @Test(arguments: StoreKind.available)
    func listJobsFiltersNewestFirst(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let j1 = try await store.createJob(
                JobRecord(kind: .generateAttributes, owner: "alice", cycleID: "c1", reportID: "r1")
            ).job
            let j2 = try await store.createJob(
                JobRecord(kind: .autoMapPDEs, owner: "bob", cycleID: "c1", reportID: "r2")
            ).job
            let j3 = try await store.createJob(
                JobRecord(kind: .autoMapPDEs, owner: "alice", cycleID: "c2", reportID: "r3")
            ).job
            _ = try await store.updateJob(id: j2.id, update: JobUpdate(state: .running))

            func ids(_ filter: JobFilter) async throws -> [String] {
                try await store.listJobs(filter: filter, page: PageRequest()).items.map(\.id)
            }
            #expect(try await ids(JobFilter()) == [j3.id, j2.id, j1.id])
            #expect(try await ids(JobFilter(cycleID: "c1")) == [j2.id, j1.id])
            #expect(try await ids(JobFilter(reportID: "r3")) == [j3.id])
            #expect(try await ids(JobFilter(kind: .autoMapPDEs)) == [j3.id, j2.id])
            #expect(try await ids(JobFilter(state: .running)) == [j2.id])
            #expect(try await ids(JobFilter(owner: "alice")) == [j3.id, j1.id])
            #expect(try await ids(JobFilter(cycleID: "c1", kind: .autoMapPDEs, owner: "alice")) == [])
            let first = try await store.listJobs(filter: JobFilter(), page: PageRequest(size: 2))
            #expect(first.items.map(\.id) == [j3.id, j2.id])
            let second = try await store.listJobs(
                filter: JobFilter(), page: PageRequest(size: 2, after: first.nextCursor))
            #expect(second.items.map(\.id) == [j1.id])
            #expect(second.nextCursor == nil)
            #expect(JobFilter(owner: "a").pageScope != JobFilter(cycleID: "a").pageScope)
        }
    }

    /// Many writers append at once: sequences are 1...n without gaps or repeats, in the bytes as in the column.
    @Test(arguments: StoreKind.available)
    func sequencesStrictlyIncreaseUnderConcurrentAppends(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let job = try await store.createJob(JobRecord(kind: .classifyPDEs, owner: "a")).job
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        for index in 0..<25 {
                            _ = try await store.appendEvent(
                                jobID: job.id, update: JobUpdate(step: "w\(writer)"),
                                build: { _ in progressEvent("\(writer)-\(index)") })
                        }
                    }
                }
                try await group.waitForAll()
            }
            let events = try await store.events(jobID: job.id, afterSequence: 0, limit: 1000)
            #expect(events.map(\.sequence) == Array(1...200))
            #expect(try events.map { try $0.event().sequence } == Array(1...200))
            #expect(try await store.job(id: job.id).lastSequence == 200)
            let tail = try await store.events(jobID: job.id, afterSequence: 195, limit: 3)
            #expect(tail.map(\.sequence) == [196, 197, 198])
            // Each writer's own events keep its order.
            let messages = try events.map { try $0.event().progress.message }
            for writer in 0..<8 {
                let mine = messages.filter { $0.hasPrefix("\(writer)-") }
                #expect(mine == (0..<25).map { "\(writer)-\($0)" })
            }
        }
    }

    @Test(arguments: StoreKind.available)
    func commitItemWritesRecordsAndEventsTogether(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let report = try await makeReport(store)
            let job = try await store.createJob(
                JobRecord(kind: .generateAttributes, owner: "a", reportID: report.id),
                firstEvent: { Self.acceptedEvent($0) }
            ).job
            let build: JobEventsBuilder = { context in
                context.items.map { item in
                    var event = Planning_V1_JobEvent()
                    if case .attribute(let attribute, let created) = item {
                        var generated = Planning_V1_AttributeGenerated()
                        generated.attribute = attribute.proto
                        generated.created = created
                        event.attributeGenerated = generated
                    }
                    return event
                }
            }
            let (items, events) = try await store.commitItem(
                jobID: job.id,
                writes: [
                    .insertAttribute(AttributeRecord(reportID: report.id, name: "Exposure", dataType: "decimal")),
                    .insertAttribute(AttributeRecord(reportID: report.id, name: "Maturity", dataType: "date")),
                ],
                update: JobUpdate(percent: 100, itemsDone: 2, itemsTotal: 2), build: build)
            #expect(events.map(\.sequence) == [2, 3])
            #expect(events.map(\.payloadKind) == [.attributeGenerated, .attributeGenerated])
            let stored = try await store.listAttributes(reportID: report.id, visibleTo: .all, page: PageRequest()).items
            #expect(stored.map(\.name) == ["Exposure", "Maturity"])
            #expect(stored.map(\.jobID) == [job.id, job.id])
            #expect(items == stored.map { .attribute($0, created: true) })
            let decoded = try events.map { try $0.event() }
            #expect(decoded.map(\.attributeGenerated.attribute.id) == stored.map(\.id))
            #expect(decoded.map(\.itemsDone) == [2, 2])
            #expect(try await store.job(id: job.id).lastSequence == 3)

            // Re-running the step (e.g. after a restart) creates nothing twice.
            let (again, _) = try await store.commitItem(
                jobID: job.id, writes: [.insertAttribute(AttributeRecord(reportID: report.id, name: "Exposure"))],
                update: .none, build: build)
            #expect(again == [.attribute(stored[0], created: false)])

            // A failing write stores neither records nor events.
            await #expect(throws: StoreError.notFound(what: "report", id: "rep_missing")) {
                try await store.commitItem(
                    jobID: job.id,
                    writes: [
                        .insertAttribute(AttributeRecord(reportID: report.id, name: "Rate")),
                        .insertAttribute(AttributeRecord(reportID: "rep_missing", name: "Lost")),
                    ],
                    update: JobUpdate(itemsDone: 9), build: build)
            }
            // A failing builder rolls the writes back too.
            struct BuildFailed: Error {}
            await #expect(throws: BuildFailed.self) {
                try await store.commitItem(
                    jobID: job.id, writes: [.insertAttribute(AttributeRecord(reportID: report.id, name: "Rate"))],
                    update: .none, build: { _ in throw BuildFailed() })
            }
            let after = try await store.job(id: job.id)
            #expect(after.lastSequence == 4)
            #expect(after.itemsDone == 2)
            #expect(
                try await store.listAttributes(reportID: report.id, visibleTo: .all, page: PageRequest()).items.map(\.name)
                    == ["Exposure", "Maturity"])
            #expect(
                try await store.events(jobID: job.id, afterSequence: 0, limit: 100).map(\.sequence) == [1, 2, 3, 4])
        }
    }

    @Test(arguments: StoreKind.available)
    func commitItemForMappingsAndClassifications(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let report = try await makeReport(store)
            let attribute = try await store.createAttribute(AttributeRecord(reportID: report.id, name: "Exposure"))
            let pdes = try await store.upsertPDEs([
                PDERecord(system: "S", table: "T", column: "A"), PDERecord(system: "S", table: "T", column: "B"),
            ]).pdes
            let kept = try await store.createMapping(
                MappingRecord(attributeID: attribute.id, pdeID: pdes[0].id, confidence: 0.2))
            _ = try await store.updateMappingState(id: kept.id, state: .accepted, rationale: nil, visibleTo: .all)
            let job = try await store.createJob(JobRecord(kind: .regenerateAllPDEMappings, owner: "a")).job

            let (items, events) = try await store.commitItem(
                jobID: job.id,
                writes: [
                    .replaceSuggestedMappings(
                        .attribute(attribute.id),
                        [
                            MappingRecord(attributeID: attribute.id, pdeID: pdes[0].id, confidence: 0.9),
                            MappingRecord(attributeID: attribute.id, pdeID: pdes[1].id, confidence: 0.8),
                        ]),
                    .upsertClassification(
                        ClassificationRecord(
                            pdeID: pdes[1].id, criticality: .high, securityClass: .confidential,
                            hasPersonalData: false)),
                ],
                update: JobUpdate(itemsDone: 1),
                build: { context in
                    var events: [Planning_V1_JobEvent] = []
                    for item in context.items {
                        var event = Planning_V1_JobEvent()
                        switch item {
                        case .mappingsReplaced(let replacement):
                            for mapping in replacement.inserted {
                                var suggested = Planning_V1_MappingSuggested()
                                suggested.mapping = mapping.proto
                                event.mappingSuggested = suggested
                                events.append(event)
                            }
                        case .classification(let classification):
                            var classified = Planning_V1_PdeClassified()
                            classified.classification = classification.proto
                            event.pdeClassified = classified
                            events.append(event)
                        default:
                            break
                        }
                    }
                    return events
                })
            guard case .mappingsReplaced(let replacement) = items[0],
                case .classification(let classification) = items[1]
            else {
                Issue.record("unexpected items \(items)")
                return
            }
            #expect(replacement.removed == 0)
            #expect(replacement.skipped == 1)
            #expect(replacement.inserted.map(\.jobID) == [job.id])
            #expect(classification.jobID == job.id)
            #expect(events.map(\.payloadKind) == [.mappingSuggested, .pdeClassified])
            let mapping = try events[0].event().mappingSuggested.mapping
            #expect(mapping.id == replacement.inserted[0].id)
            #expect(mapping.pde.column == "B")
            #expect(mapping.state == .suggested)
            #expect(try events[1].event().pdeClassified.classification.securityClass == .confidential)
        }
    }

    @Test(arguments: StoreKind.available)
    func retentionSweepDeletesOnlyOldEndedJobs(_ kind: StoreKind) async throws {
        let clock = TestClock()
        try await withStore(kind, clock: clock) { store in
            let report = try await makeReport(store)
            let old = try await store.createJob(
                JobRecord(kind: .generateAttributes, owner: "a"), firstEvent: { Self.acceptedEvent($0) }
            ).job
            _ = try await store.commitItem(
                jobID: old.id, writes: [.insertAttribute(AttributeRecord(reportID: report.id, name: "Kept"))],
                update: .none, build: { _ in [progressEvent()] })
            _ = try await store.appendEvent(
                jobID: old.id, update: JobUpdate(state: .succeeded, result: JobResultSummary(created: 1)),
                build: { _ in
                    var event = Planning_V1_JobEvent()
                    event.result = JobResultSummary(created: 1).proto
                    return event
                })
            let running = try await store.createJob(JobRecord(kind: .autoMapPDEs, owner: "a")).job
            _ = try await store.updateJob(id: running.id, update: JobUpdate(state: .running))
            let queued = try await store.createJob(JobRecord(kind: .autoMapPDEs, owner: "a")).job

            clock.advance(by: 86_400 * 10)
            let recent = try await store.createJob(JobRecord(kind: .classifyPDEs, owner: "a")).job
            _ = try await store.updateJob(
                id: recent.id, update: JobUpdate(state: .cancelled, error: JobFailure(code: 1, message: "cancelled")))

            #expect(try await store.deleteEndedJobs(olderThan: clock.now.addingTimeInterval(-86_400 * 5)) == 1)
            await #expect(throws: StoreError.notFound(what: "job", id: old.id)) { try await store.job(id: old.id) }
            await #expect(throws: StoreError.notFound(what: "job", id: old.id)) {
                try await store.events(jobID: old.id, afterSequence: 0, limit: 10)
            }
            // What the job created stays, with its job id.
            #expect(
                try await store.listAttributes(reportID: report.id, visibleTo: .all, page: PageRequest()).items.map(\.jobID) == [old.id])

            // Live jobs survive any cutoff.
            #expect(try await store.deleteEndedJobs(olderThan: clock.now.addingTimeInterval(86_400 * 365)) == 1)
            let left = try await store.listJobs(filter: JobFilter(), page: PageRequest()).items.map(\.id)
            #expect(left == [queued.id, running.id])
        }
    }
}
