/// Which teams' attributes, mappings and classifications a read sees (issue 8, authorization).
///
/// Every record a job creates belongs to the job's team, and one created by a call to its caller's team. A team sees
/// its own records and the shared ones, whose team is empty: those that predate teams and had no job to take one
/// from. Another team's records are invisible: reading one by id is NOT_FOUND, exactly as for an id that does not
/// exist, so that ids cannot be probed.
public enum RecordVisibility: Sendable, Equatable, CustomStringConvertible {
    /// Every team's records: an admin.
    case all
    /// One team's records and the shared ones.
    case team(String)

    /// The team reads are filtered on, nil for none. Stores bind it twice in one condition,
    /// `(? IS NULL OR team = ? OR team = '')`, so that a query has the same shape whoever reads.
    public var filterTeam: String? {
        switch self {
        case .all: nil
        case .team(let team): team
        }
    }

    /// Whether a record of `team` is visible.
    public func includes(team recordTeam: String) -> Bool {
        switch self {
        case .all: true
        case .team(let team): recordTeam == team || recordTeam.isEmpty
        }
    }

    public var description: String {
        switch self {
        case .all: "all teams"
        case .team(let team): "team '\(team)'"
        }
    }
}
