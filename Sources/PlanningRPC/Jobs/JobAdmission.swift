/// The answer of a shared queue to a submission: the job (new, or the team's job with the same request id), or
/// why it was refused.
public enum JobAdmission: Sendable, Equatable {
    /// The job was created, or an existing one found by request id (`created == false`).
    case admitted(CreatedJob)
    /// `Limits/maxQueued` jobs are queued already, all owners together.
    case queueFull
    /// The owner is at one of its quotas: `limit` of its jobs are running, or queued.
    case quotaExceeded(JobQuotas.Limit, limit: Int)

    /// The job, when admitted.
    public var job: CreatedJob? {
        if case .admitted(let created) = self { return created }
        return nil
    }

    /// What a shared queue checks in the transaction that creates a job, counted in the database over every
    /// instance, so that instances submitting at once cannot both take the last free place.
    public struct Limits: Sendable, Equatable {
        /// Jobs that may wait, all owners together (`--max-queued-jobs`).
        public var maxQueued: Int
        /// The owner's `running_jobs` quota (nil: unlimited): with this many of its jobs running it may not submit,
        /// and the new job is held to it when claimed (``RunningLimitedClaim``), whichever instance claims it.
        public var ownerRunning: Int?
        /// The owner's `queued_jobs` quota (nil: unlimited): with this many of its jobs waiting it may not submit.
        public var ownerQueued: Int?

        /// Limits; the owner's quotas default to unlimited.
        public init(maxQueued: Int, ownerRunning: Int? = nil, ownerQueued: Int? = nil) {
            self.maxQueued = maxQueued
            self.ownerRunning = ownerRunning
            self.ownerQueued = ownerQueued
        }
    }
}
