/// Why a running job is asked to stop before it has finished its items.
enum JobStopReason: Sendable, Equatable {
    /// `CancelJob`, or the loss of a stream with `cancel_on_disconnect`: the job ends CANCELLED.
    case cancelled
    /// The job's `job_deadline` passed: the job ends FAILED with DEADLINE_EXCEEDED.
    case deadlineExceeded
    /// The daemon is shutting down: the job stays unfinished and runs again after the restart.
    case shutdown
    /// The worker lost its lease on a shared queue (it could not renew it in time and another instance took the
    /// job over): the run stops without writing anything more; the new holder finishes the job.
    case leaseLost
}
