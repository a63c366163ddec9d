/// A job store shared by several daemons (PostgreSQL): the queue, the leases and the event announcements that let
/// a ``JobManager`` run beside others on one database.
///
/// - A worker's claim (`JobStore.claimNextQueued(worker:)`) takes a lease of ``leaseDuration`` and records the
///   worker, prefixed with ``instanceID``; the worker renews it while it runs. Every write of the run carries the
///   worker as `JobUpdate.expectedWorker`, so a worker that lost its lease can no longer write.
/// - A job whose lease expired (its daemon died) goes back to the queue with ``requeueExpiredLeases()`` and is
///   resumed by whichever instance claims it, after its last committed item.
/// - Every committed event is announced (job id and sequence only) on ``notifications()``, on every instance.
public protocol SharedJobQueue: Sendable {
    /// This daemon's id, part of every worker name it records.
    var instanceID: String { get }
    /// How long a claim holds a job without renewal.
    var leaseDuration: Duration { get }

    /// Creates a job as `JobStore.createJob(_:firstEvent:)` does, unless the queue or the owner is at one of
    /// `limits` (counted in the database, across instances, in the transaction that inserts the job). The team's job
    /// with the same request id is the answer whatever the limits. The job is held to the owner's running-jobs quota
    /// when claimed, by any instance.
    func createJob(_ job: JobRecord, firstEvent: JobEventBuilder?, limits: JobAdmission.Limits) async throws
        -> JobAdmission

    /// The jobs queued and running in the store, by owner (owners with none are left out), for the quota gauges.
    func jobCountsByOwner() async throws -> [String: JobQuotas.JobCounts]

    /// Extends the lease of a job this worker runs. Returns nil when the worker no longer holds it (the job ended,
    /// or its lease expired and another worker took it), else whether a cancellation was asked for.
    func renewLease(jobID: String, worker: String) async throws -> LeaseRenewal?

    /// Puts the running jobs whose lease expired back in the queue, each with a progress event saying so, and
    /// announces them. Returns them.
    func requeueExpiredLeases() async throws -> [JobRecord]

    /// The announcements of every instance, from the moment this returns: events committed, jobs queued,
    /// cancellations asked for, and `.resync` after the listening connection was (re)established, when
    /// announcements may have been missed.
    func notifications() -> AsyncStream<JobNotification>
}

/// The answer to a lease renewal.
public struct LeaseRenewal: Sendable, Equatable {
    /// Whether `CancelJob` was asked for the job (on any instance).
    public var cancelRequested: Bool

    /// A renewal answer.
    public init(cancelRequested: Bool) {
        self.cancelRequested = cancelRequested
    }
}

/// What one instance announces to the others through the shared store.
public enum JobNotification: Sendable, Equatable {
    /// An event of the job with this sequence was committed (the event itself is read from the store).
    case event(jobID: String, sequence: Int64)
    /// A job was queued (created, re-queued, or its lease expired) or ended (its owner may be below its running
    /// quota again): idle workers look for work.
    case queued
    /// A cancellation of the job was asked for.
    case cancelRequested(jobID: String)
    /// The listening connection was (re)established: announcements may have been missed, so catch up.
    case resync
}
