/// Where an ``Authenticator`` finds its credentials and which methods it lets through without any.
public struct AuthenticatorConfiguration: Sendable {
    /// The principal file (JSON: token hashes, mTLS subjects, teams, roles, quota overrides).
    public var principalFile: String?
    /// A file holding the HS256 secret (its bytes; one trailing newline is ignored).
    public var jwtHS256SecretFile: String?
    /// A PEM file holding the RS256 public key.
    public var jwtRS256PublicKeyFile: String?
    /// The `iss` a JWT must carry, if any.
    public var jwtIssuer: String?
    /// The audience a JWT's `aud` must name, if any.
    public var jwtAudience: String?
    /// Clock skew allowed on a JWT's `exp` and `nbf`.
    public var jwtLeeway: Duration
    /// Methods callable without credentials, as `package.Service/Method`; a pattern ending in `*` matches every path
    /// that starts with what precedes it.
    public var exemptions: [String]
    /// The quota names a principal entry may override (see ``PrincipalDirectory/parse(_:knownLimits:)``).
    public var knownLimits: Set<String>

    /// The methods exempt by default: health checking and server reflection, which probes and tools call bare.
    public static let defaultExemptions = ["grpc.health.v1.Health/*", "grpc.reflection.*"]

    public init(
        principalFile: String? = nil,
        jwtHS256SecretFile: String? = nil,
        jwtRS256PublicKeyFile: String? = nil,
        jwtIssuer: String? = nil,
        jwtAudience: String? = nil,
        jwtLeeway: Duration = .seconds(30),
        exemptions: [String] = Self.defaultExemptions,
        knownLimits: Set<String> = []
    ) {
        self.principalFile = principalFile
        self.jwtHS256SecretFile = jwtHS256SecretFile
        self.jwtRS256PublicKeyFile = jwtRS256PublicKeyFile
        self.jwtIssuer = jwtIssuer
        self.jwtAudience = jwtAudience
        self.jwtLeeway = jwtLeeway
        self.exemptions = exemptions
        self.knownLimits = knownLimits
    }

    /// Whether any credential source is configured; without one the daemon runs open.
    public var isEnabled: Bool {
        self.principalFile != nil || self.jwtHS256SecretFile != nil || self.jwtRS256PublicKeyFile != nil
    }

    /// Whether `path` (`/package.Service/Method`) is exempt from authentication.
    public func isExempt(path: String) -> Bool {
        let name = path.hasPrefix("/") ? path.dropFirst() : Substring(path)
        return self.exemptions.contains { pattern in
            if pattern.hasSuffix("*") { return name.hasPrefix(pattern.dropLast()) }
            return name == pattern
        }
    }
}
