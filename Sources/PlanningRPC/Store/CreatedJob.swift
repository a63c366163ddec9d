/// The outcome of `JobStore.createJob`.
public struct CreatedJob: Sendable, Equatable {
    /// The job: the new one, or the one found by (owner, request id).
    public var job: JobRecord
    /// False when an existing job with the same owner and request id was returned instead of a new one.
    public var created: Bool
    /// The first event, appended with the job in the same transaction; nil when none was asked for or the job
    /// existed.
    public var firstEvent: JobEventRecord?

    /// An outcome with the given values.
    public init(job: JobRecord, created: Bool, firstEvent: JobEventRecord?) {
        self.job = job
        self.created = created
        self.firstEvent = firstEvent
    }
}
