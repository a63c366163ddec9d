public import Foundation

/// Builds the payload of one event inside the appending transaction. The store overwrites the envelope
/// (job id, sequence, event time, state, step, percent, items) from the job, so a builder sets only `payload`.
public typealias JobEventBuilder = @Sendable (JobEventContext) throws -> Planning_V1_JobEvent

/// Builds several events, one per item, inside the appending transaction; see `JobEventBuilder`.
public typealias JobEventsBuilder = @Sendable (JobEventContext) throws -> [Planning_V1_JobEvent]

/// Durable jobs and their event logs.
///
/// Every event is stored with a per-job sequence number, from 1 and without gaps, assigned atomically with the
/// job's `lastSequence`, before anyone sends it. A job that has ended takes no more events or updates
/// (`StoreError.failedPrecondition`).
public protocol JobStore: Sendable {
    /// Creates a queued job from `job` (kind, owner, team, cycle, report, request id, request,
    /// cancel-on-disconnect, deadline are taken; the rest is assigned) and, when `firstEvent` is given, appends its
    /// first event in the same transaction. If the team already has a job with the same non-empty request id
    /// (idempotency keys are per team), returns that one with `created == false` and appends nothing.
    func createJob(_ job: JobRecord, firstEvent: JobEventBuilder?) async throws -> CreatedJob

    /// Returns a job, or throws `notFound`.
    func job(id: String) async throws -> JobRecord

    /// Lists jobs matching `filter` (including `filter.team`), newest first: `page.after` is the row id of the last
    /// job of the previous page and the next page holds older jobs.
    func listJobs(filter: JobFilter, page: PageRequest) async throws -> Page<JobRecord>

    /// Applies `update` to the job and appends the event that `build` makes, in one transaction.
    func appendEvent(jobID: String, update: JobUpdate, build: @escaping JobEventBuilder) async throws
        -> JobEventRecord

    /// Performs the item writes, applies `update` and appends the events that `build` makes from what was
    /// written, all in one transaction: either the records and their events are all stored or none is.
    func commitItem(
        jobID: String, writes: [ItemWrite], update: JobUpdate, build: @escaping JobEventsBuilder
    ) async throws -> (items: [WrittenItem], events: [JobEventRecord])

    /// Applies `update` without an event (e.g. a worker's bookkeeping). Returns the job.
    func updateJob(id: String, update: JobUpdate) async throws -> JobRecord

    /// Returns up to `limit` events of a job with a sequence greater than `afterSequence`, in order.
    /// Throws `notFound` for an unknown job.
    func events(jobID: String, afterSequence: Int64, limit: Int) async throws -> [JobEventRecord]

    /// Returns the jobs that are queued or running, oldest first, for recovery after a restart.
    func unfinishedJobs() async throws -> [JobRecord]

    /// Atomically takes the oldest queued job that is not being cancelled, marks it running for `worker` and
    /// returns it; nil when none is queued.
    func claimNextQueued(worker: String) async throws -> JobRecord?

    /// Marks a queued or running job as to be cancelled and returns it; a job that has ended is returned
    /// unchanged. The worker (or, for a queued job, the job manager) appends the terminal event.
    func requestCancel(jobID: String) async throws -> JobRecord

    /// Deletes the jobs that ended before `cutoff`, with their events; never a queued or running job.
    /// Returns how many jobs were deleted. Records the jobs created keep their job id.
    func deleteEndedJobs(olderThan cutoff: Date) async throws -> Int
}

extension JobStore {
    /// Creates a job without a first event; see `createJob(_:firstEvent:)`.
    public func createJob(_ job: JobRecord) async throws -> CreatedJob {
        try await createJob(job, firstEvent: nil)
    }

    /// Appends an event without changing the job; see `appendEvent(jobID:update:build:)`.
    public func appendEvent(jobID: String, build: @escaping JobEventBuilder) async throws -> JobEventRecord {
        try await appendEvent(jobID: jobID, update: .none, build: build)
    }
}
