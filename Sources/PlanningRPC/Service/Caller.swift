public import RPCFraming
public import RPCServer

/// Who makes a planning call, for authorization and quotas: the jobs it creates belong to ``team``; it sees only
/// its team's jobs unless it is an admin.
public struct Caller: Sendable, Equatable {
    /// The role that sees and cancels every team's jobs.
    public static let adminRole = "admin"

    /// The principal's name; a job's owner.
    public var name: String
    /// The team its jobs belong to.
    public var team: String
    /// Whether it holds the ``adminRole``.
    public var isAdmin: Bool
    /// Its quota overrides, by quota name (``JobQuotas/Limit``).
    public var limits: [String: Int]

    public init(name: String, team: String, isAdmin: Bool = false, limits: [String: Int] = [:]) {
        self.name = name
        self.team = team
        self.isAdmin = isAdmin
        self.limits = limits
    }

    /// The authenticated principal of the call; without one (authentication off), the `x-planning-user` name, which
    /// is then its own team.
    public init(context: ServerContext?, metadata: Metadata) {
        if let principal = context?.principal {
            self.init(
                name: principal.name,
                team: principal.team,
                isAdmin: principal.has(role: Self.adminRole),
                limits: principal.limits
            )
        } else {
            self.init(metadata: metadata)
        }
    }

    /// The caller named by `x-planning-user` (authentication off): its team is its name.
    public init(metadata: Metadata) {
        let name = Principal.owner(from: metadata)
        self.init(name: name, team: name)
    }

    /// The attributes, mappings and classifications the caller sees: its team's and the shared ones, or every
    /// team's for an admin.
    public var visibility: RecordVisibility {
        isAdmin ? .all : .team(team)
    }

    /// Whether the caller may see `job`: its team's, or any if it is an admin.
    public func canSee(_ job: JobRecord) -> Bool {
        self.isAdmin || job.team == self.team
    }
}
