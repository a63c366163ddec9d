public import Foundation
public import RPCFraming

/// What a caller asks the ``JobManager`` to run: the parameters of a new job.
public struct JobSubmission: Sendable, Equatable {
    /// What the job does.
    public var kind: JobKind
    /// Who asks: the principal's name.
    public var owner: String
    /// The team the job belongs to; idempotency keys are scoped to it. Defaults to the owner.
    public var team: String
    /// The owner's quota overrides (``JobQuotas/Limit`` names); the manager's defaults apply to the others.
    public var quotaLimits: [String: Int]
    /// The cycle the job works on; empty when it has none.
    public var cycleID: String
    /// The report the job works on; empty when it has none.
    public var reportID: String
    /// Client idempotency key; empty for none.
    public var requestID: String
    /// The serialized request message, kept so that a restarted daemon can run the job again.
    public var request: Data
    /// Whether the stream that starts the job cancels it when it ends first.
    public var cancelOnDisconnect: Bool
    /// When the job must have ended; nil for the manager's default.
    public var deadline: Date?
    /// The W3C trace context of the submitting call; stored on the job and put on its log lines.
    public var trace: TraceContext?

    /// A submission with the given values.
    public init(
        kind: JobKind, owner: String, team: String? = nil, quotaLimits: [String: Int] = [:], cycleID: String = "",
        reportID: String = "", requestID: String = "",
        request: Data = Data(), cancelOnDisconnect: Bool = false, deadline: Date? = nil
    ) {
        self.kind = kind
        self.owner = owner
        self.team = team ?? owner
        self.quotaLimits = quotaLimits
        self.cycleID = cycleID
        self.reportID = reportID
        self.requestID = requestID
        self.request = request
        self.cancelOnDisconnect = cancelOnDisconnect
        self.deadline = deadline
    }
}
