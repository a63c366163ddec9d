/// Which jobs `JobStore.listJobs` returns; nil fields match all.
public struct JobFilter: Sendable, Equatable {
    /// Only jobs on this cycle.
    public var cycleID: String?
    /// Only jobs on this report.
    public var reportID: String?
    /// Only jobs of this kind.
    public var kind: JobKind?
    /// Only jobs in this state.
    public var state: JobState?
    /// Only jobs of this owner.
    public var owner: String?
    /// Only jobs of this team (set from the caller's team unless it is an admin).
    public var team: String?

    /// A filter with the given conditions.
    public init(
        cycleID: String? = nil, reportID: String? = nil, kind: JobKind? = nil, state: JobState? = nil,
        owner: String? = nil, team: String? = nil
    ) {
        self.cycleID = cycleID
        self.reportID = reportID
        self.kind = kind
        self.state = state
        self.owner = owner
        self.team = team
    }

    /// A description of the filter for `PageToken`, so that a token only pages the list it came from.
    public var pageScope: String {
        "jobs|c=\(cycleID ?? "")|r=\(reportID ?? "")|k=\(kind?.rawValue ?? "")|s=\(state?.rawValue ?? "")"
            + "|o=\(owner ?? "")|t=\(team ?? "")"
    }
}
