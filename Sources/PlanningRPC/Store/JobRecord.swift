public import Foundation
public import RPCFraming

/// A background job: its identity, parameters, progress and outcome.
public struct JobRecord: Sendable, Equatable {
    /// Increasing integer key used for keyset pagination; 0 before the record is stored.
    public var rowID: Int64
    /// Resource id, "job_...".
    public var id: String
    /// What the job does.
    public var kind: JobKind
    /// Where the job is in its life cycle.
    public var state: JobState
    /// Who started the job.
    public var owner: String
    /// The team the job, and every record it creates (their `team`), belongs to: only that team's principals
    /// (and admins) see it. Defaults to the owner.
    public var team: String
    /// The cycle the job works on; empty when it has none.
    public var cycleID: String
    /// The report the job works on; empty when it has none.
    public var reportID: String
    /// Client idempotency key; (team, requestID) is unique when not empty.
    public var requestID: String
    /// The serialized request message, so that a restarted daemon can run the job again.
    public var request: Data
    /// Whether the job is cancelled when the stream that started it ends first.
    public var cancelOnDisconnect: Bool
    /// When the job must have ended, or nil for no deadline.
    public var deadline: Date?
    /// Current step, human-readable.
    public var step: String
    /// Completion, 0...100.
    public var percent: Double
    /// Items finished.
    public var itemsDone: Int64
    /// Items in all, 0 while unknown.
    public var itemsTotal: Int64
    /// When the job was created.
    public var createTime: Date
    /// When a worker started it.
    public var startTime: Date?
    /// When it ended.
    public var finishTime: Date?
    /// The result, once succeeded.
    public var result: JobResultSummary?
    /// The error, once failed or cancelled.
    public var error: JobFailure?
    /// Sequence number of the latest event; 0 before the first.
    public var lastSequence: Int64
    /// Whether a cancellation was asked for; the worker that runs the job ends it.
    public var cancelRequested: Bool
    /// The worker that claimed the job; empty while queued.
    public var worker: String
    /// The W3C trace context of the call that created the job, if it carried a valid one. Outside `init` so that
    /// stores that do not keep it need no change.
    public var trace: TraceContext?

    /// A job with every field given. To create a job, pass one to `JobStore.createJob`, which assigns the id,
    /// row id, state and times.
    public init(
        rowID: Int64 = 0, id: String = "", kind: JobKind, state: JobState = .queued, owner: String,
        team: String? = nil, cycleID: String = "", reportID: String = "", requestID: String = "",
        request: Data = Data(),
        cancelOnDisconnect: Bool = false, deadline: Date? = nil, step: String = "", percent: Double = 0,
        itemsDone: Int64 = 0, itemsTotal: Int64 = 0, createTime: Date = Date(), startTime: Date? = nil,
        finishTime: Date? = nil, result: JobResultSummary? = nil, error: JobFailure? = nil, lastSequence: Int64 = 0,
        cancelRequested: Bool = false, worker: String = ""
    ) {
        self.rowID = rowID
        self.id = id
        self.kind = kind
        self.state = state
        self.owner = owner
        self.team = team ?? owner
        self.cycleID = cycleID
        self.reportID = reportID
        self.requestID = requestID
        self.request = request
        self.cancelOnDisconnect = cancelOnDisconnect
        self.deadline = deadline
        self.step = step
        self.percent = percent
        self.itemsDone = itemsDone
        self.itemsTotal = itemsTotal
        self.createTime = createTime
        self.startTime = startTime
        self.finishTime = finishTime
        self.result = result
        self.error = error
        self.lastSequence = lastSequence
        self.cancelRequested = cancelRequested
        self.worker = worker
    }
}
