/// A change to a job's state and progress; nil fields stay as they are.
///
/// The store sets `startTime` when a job first becomes running and `finishTime` when it ends, and refuses any
/// update of a job that has ended.
public struct JobUpdate: Sendable, Equatable {
    /// New state.
    public var state: JobState?
    /// New step.
    public var step: String?
    /// New percent, 0...100.
    public var percent: Double?
    /// New count of items done.
    public var itemsDone: Int64?
    /// New count of items in all.
    public var itemsTotal: Int64?
    /// The result; give it with `state: .succeeded`.
    public var result: JobResultSummary?
    /// The error; give it with `state: .failed` or `.cancelled`.
    public var error: JobFailure?
    /// When set, the update applies only if the job's `worker` is this one (fencing): a worker whose lease
    /// expired, and whose job another worker took over, can no longer write to it (`failedPrecondition`).
    public var expectedWorker: String?

    /// An update of the given fields.
    public init(
        state: JobState? = nil, step: String? = nil, percent: Double? = nil, itemsDone: Int64? = nil,
        itemsTotal: Int64? = nil, result: JobResultSummary? = nil, error: JobFailure? = nil,
        expectedWorker: String? = nil
    ) {
        self.state = state
        self.step = step
        self.percent = percent
        self.itemsDone = itemsDone
        self.itemsTotal = itemsTotal
        self.result = result
        self.error = error
        self.expectedWorker = expectedWorker
    }

    /// No change.
    public static let none = JobUpdate()
}
