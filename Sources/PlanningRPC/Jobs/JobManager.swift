import Foundation
public import Logging
public import PlanningEngine
import RPCFraming
import Synchronization

/// Runs the planning jobs: a durable queue in the ``JobStore``, a bounded pool of workers, and the live fan-out
/// of each job's events to any number of watchers.
///
/// - Durability: a job and each of its events are stored before any watcher sees them; an item's writes and its
///   event commit in one transaction. ``start()`` re-queues what a previous process left running (it resumes
///   after its last committed item) and runs what was queued.
/// - Admission: at most ``Configuration/maxRunningJobs`` run at once and ``Configuration/maxQueuedJobs`` wait;
///   beyond that, or beyond the owner's ``JobQuotas``, ``submit(_:)`` fails with RESOURCE_EXHAUSTED at once. On a
///   ``SharedJobQueue`` the queue limit and the owner's job quotas are counted in the database, over every instance.
/// - Delivery: ``watch(jobID:after:deliver:)`` replays stored events, then follows the job live through its
///   in-memory ``JobHub`` (which exists only while the job is queued or running).
public final class JobManager: Sendable {
    enum Phase: Sendable {
        case idle, started, stopping, stopped
    }

    struct State: Sendable {
        var phase: Phase = .idle
        var hubs: [String: JobHub] = [:]
        /// The jobs this instance runs, by id: the worker name each was claimed under.
        var running: [String: String] = [:]
        /// Jobs waiting for a worker, for admission.
        var queued = 0
        /// Workers, heartbeat ticker and retention sweep.
        var background: [Task<Void, Never>] = []
    }

    let store: any JobStore & PlanningStore
    /// The store's shared queue when several instances share it (PostgreSQL); nil for a store of one process.
    let queue: (any SharedJobQueue)?
    let engine: any PlanningEngine
    let configuration: Configuration
    let logger: Logger
    /// The engine's index over the store's PDEs, shared by jobs and `SuggestPDEMappings`.
    public let catalogs: PDECatalogCache
    /// Per-principal quotas on jobs and job streams.
    public let quotas: JobQuotas
    let state = Mutex(State())
    let signal = WorkSignal()

    /// A manager of the jobs in `store`, run with `engine`. Call ``start()`` to run jobs.
    public init(
        store: any JobStore & PlanningStore, engine: any PlanningEngine, configuration: Configuration, logger: Logger
    ) {
        self.store = store
        self.queue = store as? any SharedJobQueue
        self.engine = engine
        self.configuration = configuration
        self.logger = logger
        self.catalogs = PDECatalogCache(store: store, engine: engine)
        self.quotas = JobQuotas(defaults: configuration.quotas, jobsCountedByStore: queue != nil)
    }

    // MARK: Jobs

    /// Creates a queued job with its `accepted` event (sequence 1), or returns the owner's existing job with the
    /// same request id (`created == false`).
    /// - Throws: RESOURCE_EXHAUSTED when the queue is full or the owner is at a job quota, UNAVAILABLE after shutdown
    ///   began, store errors.
    public func submit(_ submission: JobSubmission) async throws -> CreatedJob {
        let caller = Caller(name: submission.owner, team: submission.team, limits: submission.quotaLimits)
        if let queue {
            // The quotas are counted in the shared store, where every instance sees them.
            return try await submitShared(record(for: submission), caller: caller, to: queue)
        }
        do {
            try quotas.reserveJob(for: caller)
        } catch {
            // As for a full queue: a repeated request is answered with its job, quota or not.
            if let existing = try await existingJob(submission) {
                return CreatedJob(job: existing, created: false, firstEvent: nil)
            }
            throw error
        }
        do {
            let created = try await admit(submission)
            if created.created {
                quotas.track(jobID: created.job.id, principal: submission.owner)
            } else {
                quotas.release(principal: submission.owner)
            }
            return created
        } catch {
            quotas.release(principal: submission.owner)
            throw error
        }
    }

    private func existingJob(_ submission: JobSubmission) async throws -> JobRecord? {
        guard !submission.requestID.isEmpty, let lookup = store as? any JobRequestLookup else { return nil }
        return try await lookup.job(team: submission.team, requestID: submission.requestID)
    }

    /// The job record a submission creates.
    private func record(for submission: JobSubmission) -> JobRecord {
        let deadline =
            submission.deadline
            ?? configuration.defaultJobDeadline.map {
                Date().addingTimeInterval($0.timeInterval)
            }
        var draft = JobRecord(
            kind: submission.kind, owner: submission.owner, team: submission.team, cycleID: submission.cycleID,
            reportID: submission.reportID, requestID: submission.requestID, request: submission.request,
            cancelOnDisconnect: submission.cancelOnDisconnect, deadline: deadline)
        draft.trace = submission.trace
        return draft
    }

    /// Admission against the global queue, then the job's creation.
    private func admit(_ submission: JobSubmission) async throws -> CreatedJob {
        let limit = configuration.maxQueuedJobs
        let record = self.record(for: submission)
        let admitted = try state.withLock { state throws(RPCError) in
            guard state.phase == .idle || state.phase == .started else {
                throw RPCError(code: .unavailable, message: "the server is shutting down")
            }
            guard state.queued < limit else { return false }
            state.queued += 1
            return true
        }
        guard admitted else {
            // A repeated request is answered with its job, full queue or not.
            if let existing = try await existingJob(submission) {
                return CreatedJob(job: existing, created: false, firstEvent: nil)
            }
            throw Self.queueFull(limit)
        }
        let store = store
        let created: CreatedJob
        do {
            created = try await JobExecution.shielded {
                try await store.createJob(record) { context in JobEvents.accepted(context.job) }
            }
        } catch {
            state.withLock { $0.queued -= 1 }
            throw error
        }
        if created.created {
            adopt(created)
        } else {
            state.withLock { $0.queued -= 1 }
        }
        return created
    }

    /// Submits to a queue shared with other instances: the queue limit and the owner's job quotas are counted in
    /// the database, over every instance, in the transaction that creates the job.
    private func submitShared(_ record: JobRecord, caller: Caller, to queue: any SharedJobQueue) async throws
        -> CreatedJob
    {
        try state.withLock { state throws(RPCError) in
            guard state.phase == .idle || state.phase == .started else {
                throw RPCError(code: .unavailable, message: "the server is shutting down")
            }
        }
        let limits = JobAdmission.Limits(
            maxQueued: configuration.maxQueuedJobs,
            ownerRunning: quotas.limit(.runningJobs, for: caller),
            ownerQueued: quotas.limit(.queuedJobs, for: caller)
        )
        let admission = try await JobExecution.shielded {
            try await queue.createJob(record, firstEvent: { JobEvents.accepted($0.job) }, limits: limits)
        }
        switch admission {
        case .admitted(let created):
            if created.created { adopt(created) }
            return created
        case .queueFull:
            throw Self.queueFull(limits.maxQueued)
        case .quotaExceeded(let limit, let value):
            throw quotas.refuse(caller.name, limit, value)
        }
    }

    /// Gives a new job its hub (so that its stream attaches at once) and wakes the workers.
    private func adopt(_ created: CreatedJob) {
        let hub = JobHub(
            jobID: created.job.id, lastSequence: created.job.lastSequence,
            bufferCapacity: configuration.watcherBufferCapacity)
        // A worker may have claimed the job (and made its hub) already: keep the one it publishes to.
        state.withLock { state in
            if state.hubs[created.job.id] == nil { state.hubs[created.job.id] = hub }
        }
        logger.debug("job queued", metadata: ["job.id": "\(created.job.id)", "job.kind": "\(created.job.kind)"])
        signal.notify()
    }

    private static func queueFull(_ limit: Int) -> RPCError {
        RPCError(code: .resourceExhausted, message: "the job queue is full (\(limit) jobs waiting); retry later")
    }

    /// Asks a queued or running job to stop and returns it. A queued job ends at once (CANCELLED); a running one
    /// at its next item boundary. A job that has ended is returned unchanged.
    public func cancel(jobID: String) async throws -> JobRecord {
        let store = store
        let job = try await JobExecution.shielded { try await store.requestCancel(jobID: jobID) }
        switch job.state {
        case .queued:
            // Workers never claim a job being cancelled, so ending it here races with nobody.
            let failure = JobFailure(
                code: Int32(StatusCode.cancelled.rawValue),
                message: "cancelled while queued, before any item; last sequence \(job.lastSequence)")
            do {
                let record = try await JobExecution.shielded {
                    try await store.appendEvent(
                        jobID: jobID, update: JobUpdate(state: .cancelled, step: "cancelled", error: failure)
                    ) { _ in JobEvents.error(failure) }
                }
                let hub = state.withLock { state in
                    state.queued = max(0, state.queued - 1)
                    return state.hubs.removeValue(forKey: jobID)
                }
                if queue == nil { quotas.ended(jobID: jobID) }
                hub?.publish([record])
            } catch StoreError.failedPrecondition {
                // It ended meanwhile.
            }
        case .running:
            state.withLock { $0.hubs[jobID] }?.requestStop(.cancelled)
        case .succeeded, .failed, .cancelled:
            return job
        }
        return try await store.job(id: jobID)
    }

    /// Whether ``shutdown()`` has begun: watches end with a `server_draining` event.
    var isShuttingDown: Bool {
        state.withLock { $0.phase == .stopping || $0.phase == .stopped }
    }

    /// Jobs waiting for a worker (admission's count), for the queue-depth metric.
    public var queuedJobCount: Int { state.withLock { $0.queued } }

    /// Live jobs held in memory (queued or running here): a finished job leaves none.
    public var liveJobCount: Int { state.withLock { $0.hubs.count } }

    /// Watchers following live jobs.
    public var liveWatcherCount: Int {
        state.withLock { Array($0.hubs.values) }.reduce(0) { $0 + $1.watcherCount }
    }

    // MARK: Lifecycle

    /// Recovers the jobs a previous process left queued or running, then starts the workers, the heartbeat
    /// ticker and the retention sweep.
    public func start() async throws {
        try state.withLock { state throws(RPCError) in
            guard state.phase == .idle else { throw RPCError(code: .failedPrecondition, message: "started twice") }
            state.phase = .started
        }
        var tasks: [Task<Void, Never>] = []
        if let queue {
            // Subscribed before anything is read, so that no announcement falls between a read and the live part.
            let notifications = queue.notifications()
            tasks.append(Task { await self.pump(notifications) })
            do {
                try await recoverShared(queue)
            } catch {
                for task in tasks { task.cancel() }
                throw error
            }
            tasks.append(Task { await self.tendLeases(queue) })
        } else {
            try await recover()
        }
        let prefix = queue.map { "\($0.instanceID)/" } ?? ""
        for index in 0..<max(1, configuration.maxRunningJobs) {
            tasks.append(Task { await self.work(worker: "\(prefix)worker-\(index)") })
        }
        tasks.append(Task { await self.tickHeartbeats() })
        tasks.append(Task { await self.sweep() })
        state.withLock { $0.background += tasks }
    }

    /// Stops the running jobs at an item boundary, leaving them queued in the store to resume after a restart,
    /// ends the watches, and waits for the workers.
    public func shutdown() async {
        let (hubs, tasks) = state.withLock { state in
            state.phase = .stopping
            defer { state.background = [] }
            return (Array(state.hubs.values), state.background)
        }
        for hub in hubs { hub.requestStop(.shutdown) }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        let remaining = state.withLock { state in
            state.phase = .stopped
            defer { state.hubs = [:] }
            return Array(state.hubs.values)
        }
        for hub in remaining { hub.close() }
    }
}
