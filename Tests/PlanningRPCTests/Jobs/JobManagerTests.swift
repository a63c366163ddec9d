import Foundation
import PlanningEngine
import PlanningRPC
import RPCFraming
import Synchronization
import Testing

@Suite struct JobManagerTests {
    @Test func eventsAreInOrderAndReplayableFromEverySequence() async throws {
        try await withTemporaryStore { store, _ in
            let pdes = try await insertPDEs(store, count: 6)
            try await withJobManager(store: store, engine: GatedEngine()) { manager in
                let created = try await manager.submit(try classifySubmission(pdes))
                #expect(created.created)
                #expect(created.firstEvent?.sequence == 1)
                #expect(created.firstEvent?.payloadKind == .accepted)
                let got = try await collect(manager, created.job.id)
                let log = try await eventLog(store, created.job.id)
                #expect(got == log)
                #expect(got.map(\.sequence) == Array(1...Int64(got.count)))
                #expect(got.first?.payloadKind == .accepted)
                #expect(got.last?.payloadKind == .result)
                #expect(got.filter { $0.payloadKind == .pdeClassified }.count == 6)
                #expect(try contractViolation(got, log: log) == nil)
                let events = try decoded(got)
                #expect(events.last?.result.classified == 6)
                #expect(events.last?.state == .succeeded)
                #expect(events.last?.percent == 100)
                #expect(events.contains { $0.progress.message != "" && $0.itemsDone == 3 && $0.itemsTotal == 6 })
                for after in 0...Int64(got.count) {
                    #expect(
                        try await collect(manager, created.job.id, after: after) == Array(log.dropFirst(Int(after))))
                }
                let job = try await store.job(id: created.job.id)
                #expect(job.state == .succeeded)
                #expect(job.result?.classified == 6)
                #expect(manager.liveJobCount == 0)
            }
        }
    }

    @Test(arguments: [256, 4])
    func stalledReaderGetsEveryItemAndCoalescedProgress(buffer: Int) async throws {
        try await withTemporaryStore { store, _ in
            let pdes = try await insertPDEs(store, count: 60)
            let gate = Gate()
            try await withJobManager(
                store: store, engine: GatedEngine(gate: gate),
                configuration: testConfiguration(
                    buffer: buffer)
            ) { manager in
                let created = try await manager.submit(try classifySubmission(pdes))
                let stall = Gate()
                let got = Mutex<[JobEventRecord]>([])
                let reader = Task {
                    try await manager.watch(jobID: created.job.id, after: 0) { record in
                        if record.sequence == 1 { try await stall.pass() }
                        got.withLock { $0.append(record) }
                    }
                }
                try await waitUntil("the watcher") { manager.liveWatcherCount == 1 }
                gate.open()
                try await waitUntil("the job's end") { try await store.job(id: created.job.id).state.isEnded }
                stall.open()
                try await reader.value
                let log = try await eventLog(store, created.job.id)
                let delivered = got.withLock { $0 }
                #expect(try contractViolation(delivered, log: log) == nil)
                #expect(delivered.filter { $0.payloadKind == .pdeClassified }.count == 60)
                let storedProgress = log.filter { $0.payloadKind == .progress }.count
                let deliveredProgress = delivered.filter { $0.payloadKind == .progress }.count
                #expect(deliveredProgress < storedProgress)
            }
        }
    }

    @Test func cancelQueuedJob() async throws {
        try await withTemporaryStore { store, _ in
            let pdes = try await insertPDEs(store, count: 3)
            let gate = Gate()
            try await withJobManager(
                store: store, engine: GatedEngine(gate: gate),
                configuration: testConfiguration(
                    maxRunning: 1)
            ) { manager in
                let first = try await manager.submit(try classifySubmission(pdes))
                try await waitUntil("the first job to run") { gate.arrivals == 1 }
                let second = try await manager.submit(try classifySubmission(pdes))
                #expect(try await store.job(id: second.job.id).state == .queued)
                let cancelled = try await manager.cancel(jobID: second.job.id)
                #expect(cancelled.state == .cancelled)
                #expect(cancelled.error?.code == 1)
                let events = try decoded(try await collect(manager, second.job.id))
                #expect(events.map(\.sequence) == [1, 2])
                #expect(events.last?.error.code == 1)
                #expect(events.last?.state == .cancelled)
                gate.open()
                let firstEvents = try decoded(try await collect(manager, first.job.id))
                #expect(firstEvents.last?.result.classified == 3)
                // Cancelling a job that has ended returns it unchanged.
                #expect(try await manager.cancel(jobID: first.job.id).state == .succeeded)
            }
        }
    }

    @Test func cancelRunningJobStopsAtAnItemBoundary() async throws {
        try await withTemporaryStore { store, _ in
            let pdes = try await insertPDEs(store, count: 5)
            let gate = Gate()
            try await withJobManager(store: store, engine: GatedEngine(gate: gate)) { manager in
                let created = try await manager.submit(try classifySubmission(pdes))
                gate.release(2)
                try await waitUntil("two items") { try await store.job(id: created.job.id).itemsDone == 2 }
                try await waitUntil("the third call") { gate.arrivals == 3 }
                _ = try await manager.cancel(jobID: created.job.id)
                let got = try await collect(manager, created.job.id)
                let events = try decoded(got)
                let terminal = try #require(events.last)
                #expect(terminal.state == .cancelled)
                #expect(terminal.error.code == 1)
                #expect(terminal.error.message.contains("2 of 5 items"))
                #expect(terminal.error.message.contains("last sequence before it \(terminal.sequence - 1)"))
                #expect(events.filter { $0.pdeClassified.hasClassification }.count == 2)
                let classifications = try await allPages(size: 100) {
                    try await store.listClassifications(pdeID: nil, visibleTo: .all, page: $0)
                }
                #expect(classifications.count == 2)
                let job = try await store.job(id: created.job.id)
                #expect(job.state == .cancelled)
                #expect(job.itemsDone == 2)
            }
        }
    }

    @Test func requestIDReturnsTheExistingJobForTheSameOwner() async throws {
        try await withTemporaryStore { store, _ in
            let pdes = try await insertPDEs(store, count: 2)
            try await withJobManager(store: store, engine: GatedEngine()) { manager in
                let first = try await manager.submit(try classifySubmission(pdes, requestID: "r-1"))
                let again = try await manager.submit(try classifySubmission(pdes, requestID: "r-1"))
                let other = try await manager.submit(try classifySubmission(pdes, owner: "bob", requestID: "r-1"))
                #expect(first.created && !again.created && other.created)
                #expect(again.job.id == first.job.id)
                #expect(other.job.id != first.job.id)
                let replayed = try await collect(manager, again.job.id)
                #expect(replayed.first?.sequence == 1)
                #expect(replayed.last?.payloadKind == .result)
                #expect(try await store.listJobs(filter: JobFilter(), page: PageRequest()).items.count == 2)
            }
        }
    }

    @Test func fullQueueIsResourceExhausted() async throws {
        try await withTemporaryStore { store, _ in
            let pdes = try await insertPDEs(store, count: 1)
            let configuration = testConfiguration(maxRunning: 1, maxQueued: 2)
            try await withJobManager(store: store, engine: GatedEngine(), configuration: configuration, start: false) {
                manager in
                let first = try await manager.submit(try classifySubmission(pdes, requestID: "r-1"))
                _ = try await manager.submit(try classifySubmission(pdes))
                // A repeated request still gets its job from a full queue.
                let again = try await manager.submit(try classifySubmission(pdes, requestID: "r-1"))
                #expect(!again.created && again.job.id == first.job.id)
                await #expect {
                    try await manager.submit(try classifySubmission(pdes))
                } throws: { error in
                    (error as? RPCError)?.code == .resourceExhausted
                }
                // Starting the workers drains the queue and admits again.
                try await manager.start()
                try await waitUntil("the queue to drain") {
                    try await store.listJobs(filter: JobFilter(state: .succeeded), page: PageRequest()).items.count == 2
                }
                _ = try await manager.submit(try classifySubmission(pdes))
            }
        }
    }

    @Test func runningJobsAreBounded() async throws {
        try await withTemporaryStore { store, _ in
            let pdes = try await insertPDEs(store, count: 1)
            let gate = Gate()
            try await withJobManager(
                store: store, engine: GatedEngine(gate: gate),
                configuration: testConfiguration(
                    maxRunning: 2)
            ) { manager in
                for _ in 0..<5 { _ = try await manager.submit(try classifySubmission(pdes)) }
                try await waitUntil("two running") { gate.arrivals == 2 }
                try await Task.sleep(for: .milliseconds(100))
                #expect(gate.arrivals == 2)
                #expect(
                    try await store.listJobs(filter: JobFilter(state: .running), page: PageRequest()).items.count == 2)
                gate.open()
                try await waitUntil("all done") {
                    try await store.listJobs(filter: JobFilter(state: .succeeded), page: PageRequest()).items.count == 5
                }
            }
        }
    }

    @Test func jobDeadlineEndsTheJobWithDeadlineExceeded() async throws {
        try await withTemporaryStore { store, _ in
            let pdes = try await insertPDEs(store, count: 3)
            let gate = Gate()
            try await withJobManager(store: store, engine: GatedEngine(gate: gate)) { manager in
                // 3 s, not 1: on a loaded machine the job must have started and counted its items by then.
                let created = try await manager.submit(
                    try classifySubmission(pdes, deadline: Date().addingTimeInterval(3)))
                gate.release(1)
                let events = try decoded(try await collect(manager, created.job.id))
                #expect(events.last?.state == .failed)
                #expect(events.last?.error.code == 4)
                #expect(events.last?.error.message.contains("job_deadline exceeded") == true)
                #expect(events.last?.error.message.contains(" of 3 items done") == true)
                #expect(try await store.job(id: created.job.id).state == .failed)
            }
        }
    }

    @Test func crashedRunningJobResumesAfterItsLastCommittedItem() async throws {
        try await withTemporaryStore { store, _ in
            let pdes = try await insertPDEs(store, count: 5)
            // What a process that died after two items leaves: the job running, two items committed.
            let submission = try classifySubmission(pdes)
            let created = try await store.createJob(
                JobRecord(kind: .classifyPDEs, owner: "alice", request: submission.request)
            ) { context in
                var event = Planning_V1_JobEvent()
                event.accepted.job = context.job.proto
                return event
            }
            let claimed = try #require(try await store.claimNextQueued(worker: "dead"))
            #expect(claimed.id == created.job.id)
            for (index, pde) in pdes.prefix(2).enumerated() {
                let record = ClassificationRecord(
                    pdeID: pde.id, criticality: .low, securityClass: .internal, hasPersonalData: false)
                _ = try await store.commitItem(
                    jobID: claimed.id, writes: [.upsertClassification(record)],
                    update: JobUpdate(percent: Double(index + 1) * 10, itemsDone: Int64(index + 1), itemsTotal: 5)
                ) { context in
                    guard case .classification(let stored)? = context.items.first else { return [] }
                    var event = Planning_V1_JobEvent()
                    event.pdeClassified.classification = stored.proto
                    return [event]
                }
            }
            let queued = try await store.createJob(
                JobRecord(kind: .classifyPDEs, owner: "bob", request: submission.request))
            let engine = GatedEngine()
            // One worker: the recovered job, the older, runs first.
            try await withJobManager(store: store, engine: engine, configuration: testConfiguration(maxRunning: 1)) {
                manager in
                let got = try await collect(manager, claimed.id)
                let log = try await eventLog(store, claimed.id)
                #expect(try contractViolation(got, log: log) == nil)
                let classified = try decoded(log).filter { $0.pdeClassified.hasClassification }
                #expect(classified.map(\.pdeClassified.classification.pdeID) == pdes.map(\.id))
                #expect(try decoded(got).last?.result.classified == 5)
                _ = try await collect(manager, queued.job.id)
                #expect(try await store.job(id: queued.job.id).state == .succeeded)
            }
            // The resumed job classified only the three PDEs left; the queued job all five.
            #expect(engine.classified.withLock { $0 } == pdes.suffix(3).map(\.id) + pdes.map(\.id))
        }
    }

    @Test func shutdownLeavesRunningJobsQueuedAndARestartFinishesThem() async throws {
        try await withTemporaryStore { store, _ in
            let pdes = try await insertPDEs(store, count: 4)
            let gate = Gate()
            let jobID = try await withJobManager(store: store, engine: GatedEngine(gate: gate)) { manager in
                let created = try await manager.submit(try classifySubmission(pdes))
                gate.release(2)
                try await waitUntil("two items") { try await store.job(id: created.job.id).itemsDone == 2 }
                return created.job.id
            }
            #expect(try await store.job(id: jobID).state == .queued)
            let engine = GatedEngine()
            try await withJobManager(store: store, engine: engine) { manager in
                let events = try decoded(try await collect(manager, jobID))
                #expect(events.last?.result.classified == 4)
            }
            #expect(engine.classified.withLock { $0 } == pdes.suffix(2).map(\.id))
            let classified = try decoded(try await eventLog(store, jobID)).filter { $0.pdeClassified.hasClassification }
            #expect(classified.count == 4)
        }
    }

    @Test func idleWatchGetsHeartbeats() async throws {
        try await withTemporaryStore { store, _ in
            let pdes = try await insertPDEs(store, count: 1)
            let gate = Gate()
            try await withJobManager(
                store: store, engine: GatedEngine(gate: gate),
                configuration: testConfiguration(
                    heartbeat: .milliseconds(40))
            ) { manager in
                let created = try await manager.submit(try classifySubmission(pdes))
                let got = Mutex<[JobEventRecord]>([])
                let reader = Task {
                    try await manager.watch(jobID: created.job.id, after: 0) { record in
                        got.withLock { $0.append(record) }
                    }
                }
                try await waitUntil("two heartbeats") {
                    got.withLock { $0.filter { $0.payloadKind == .heartbeat }.count >= 2 }
                }
                gate.open()
                try await reader.value
                let records = got.withLock { $0 }
                let heartbeat = try #require(records.first { $0.payloadKind == .heartbeat })
                let event = try heartbeat.event()
                #expect(event.heartbeat == Planning_V1_Heartbeat())
                #expect(event.jobID == created.job.id)
                #expect(event.sequence >= 1)
                #expect(try contractViolation(records, log: try await eventLog(store, created.job.id)) == nil)
            }
        }
    }

    @Test func unknownJobIsNotFound() async throws {
        try await withTemporaryStore { store, _ in
            try await withJobManager(store: store, engine: GatedEngine()) { manager in
                await #expect(throws: StoreError.notFound(what: "job", id: "job_missing")) {
                    _ = try await collect(manager, "job_missing")
                }
                await #expect(throws: StoreError.notFound(what: "job", id: "job_missing")) {
                    _ = try await manager.cancel(jobID: "job_missing")
                }
            }
        }
    }
}

@Suite struct JobRetentionTests {
    @Test func sweepDeletesEndedJobsOlderThanTheRetention() async throws {
        try await withTemporaryStore { store, _ in
            let pdes = try await insertPDEs(store, count: 1)
            var configuration = testConfiguration()
            configuration.retention = .milliseconds(1)
            configuration.sweepInterval = .milliseconds(20)
            let gate = Gate()
            try await withJobManager(store: store, engine: GatedEngine(gate: gate), configuration: configuration) {
                manager in
                let ended = try await manager.submit(try classifySubmission(pdes))
                try await waitUntil("the first job to run") { gate.arrivals == 1 }
                gate.release(1)
                _ = try await collect(manager, ended.job.id)
                let running = try await manager.submit(try classifySubmission(pdes))
                try await waitUntil("the sweep") {
                    (try? await store.job(id: ended.job.id)) == nil
                }
                #expect(try await store.job(id: running.job.id).state == .running)
                gate.open()
            }
        }
    }
}
