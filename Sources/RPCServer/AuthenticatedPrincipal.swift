/// Who makes a call, as an authenticator established it from the call's credentials.
///
/// The transport knows nothing of what a team or a role allows; services decide (the planning services scope jobs
/// to ``team`` and let the `admin` role see every team's).
public struct AuthenticatedPrincipal: Sendable, Hashable {
    /// The principal's name, e.g. `alice` or a service account.
    public var name: String
    /// The team the principal acts for; what it creates belongs to this team.
    public var team: String
    /// Roles granted to the principal, e.g. `admin`.
    public var roles: Set<String>
    /// Per-principal overrides of named limits (e.g. `running_jobs`), read by the services that enforce them.
    public var limits: [String: Int]

    public init(name: String, team: String, roles: Set<String> = [], limits: [String: Int] = [:]) {
        self.name = name
        self.team = team
        self.roles = roles
        self.limits = limits
    }

    /// Whether the principal holds `role`.
    public func has(role: String) -> Bool { self.roles.contains(role) }
}
