import ArgumentParser
import Logging
import PlanningRPC
import RPCAuth

/// The authentication, authorization and quota options (README, "Authentication and authorization").
struct AuthOptions: ParsableArguments {
    @Option(help: "Principal file (JSON): bearer-token SHA-256s and mTLS subjects -> principal, team, roles, quotas.")
    var authTokenFile: String?

    @Option(help: "File holding the HS256 secret of accepted JWTs (at least 32 bytes).")
    var authJwtHs256SecretFile: String?

    @Option(help: "PEM file holding the RS256 public key of accepted JWTs.")
    var authJwtRs256PublicKey: String?

    @Option(help: "The iss claim a JWT must carry.")
    var authJwtIssuer: String?

    @Option(help: "The audience a JWT's aud claim must name.")
    var authJwtAudience: String?

    @Option(help: "Seconds of clock skew allowed on a JWT's exp and nbf.")
    var authJwtLeeway: Double = 30

    @Option(
        help: ArgumentHelp(
            "A method callable without credentials, as package.Service/Method (a trailing * matches a prefix); "
                + "repeatable. Given once or more, it replaces the default (health and reflection).",
            valueName: "pattern"
        )
    )
    var authExempt: [String] = []

    @Flag(help: "Listen on a non-loopback address without authentication (never in production).")
    var insecureNoAuth = false

    @Option(help: "Jobs a principal may have running; at the limit, its submissions get RESOURCE_EXHAUSTED.")
    var quotaRunningJobs: Int?

    @Option(help: "Jobs a principal may have queued; at the limit, its submissions get RESOURCE_EXHAUSTED.")
    var quotaQueuedJobs: Int?

    @Option(help: "Job-event streams (operations and WatchJob) a principal may have open at once.")
    var quotaWatchStreams: Int?

    var configuration: AuthenticatorConfiguration {
        AuthenticatorConfiguration(
            principalFile: self.authTokenFile,
            jwtHS256SecretFile: self.authJwtHs256SecretFile,
            jwtRS256PublicKeyFile: self.authJwtRs256PublicKey,
            jwtIssuer: self.authJwtIssuer,
            jwtAudience: self.authJwtAudience,
            jwtLeeway: .milliseconds(Int64(self.authJwtLeeway * 1000)),
            exemptions: self.authExempt.isEmpty ? AuthenticatorConfiguration.defaultExemptions : self.authExempt,
            knownLimits: JobQuotas.limitNames
        )
    }

    /// The default per-principal quotas.
    var quotas: [JobQuotas.Limit: Int] {
        var quotas: [JobQuotas.Limit: Int] = [:]
        quotas[.runningJobs] = self.quotaRunningJobs
        quotas[.queuedJobs] = self.quotaQueuedJobs
        quotas[.watchStreams] = self.quotaWatchStreams
        return quotas
    }

    /// Refuses a daemon that would be open to the network: no credentials configured and a non-loopback `host`,
    /// unless `--insecure-no-auth`.
    func validate(host: String) throws {
        for (flag, value) in [
            ("--quota-running-jobs", self.quotaRunningJobs), ("--quota-queued-jobs", self.quotaQueuedJobs),
            ("--quota-watch-streams", self.quotaWatchStreams),
        ] {
            if let value, value < 0 { throw ValidationError("\(flag) must not be negative") }
        }
        guard self.authJwtLeeway >= 0, self.authJwtLeeway <= 300 else {
            throw ValidationError("--auth-jwt-leeway must be 0...300 seconds")
        }
        if (self.authJwtIssuer != nil || self.authJwtAudience != nil)
            && self.authJwtHs256SecretFile == nil && self.authJwtRs256PublicKey == nil
        {
            throw ValidationError(
                "--auth-jwt-issuer and --auth-jwt-audience need --auth-jwt-hs256-secret-file or "
                    + "--auth-jwt-rs256-public-key"
            )
        }
        guard !self.configuration.isEnabled, !self.insecureNoAuth, !Self.isLoopback(host) else { return }
        throw ValidationError(
            "refusing to listen on \(host), which is not a loopback address, without authentication: give "
                + "--auth-token-file or a JWT key (--auth-jwt-hs256-secret-file, --auth-jwt-rs256-public-key), "
                + "or --insecure-no-auth to run open anyway"
        )
    }

    /// The authenticator to run at the router, or nil when authentication is off (which it logs as a warning).
    func makeAuthenticator(host: String, logger: Logger) throws -> Authenticator? {
        let configuration = self.configuration
        guard configuration.isEnabled else {
            logger.warning(
                "authentication is OFF: any caller may call every method and names itself with x-planning-user",
                metadata: ["host": "\(host)", "listening": "\(Self.isLoopback(host) ? "loopback only" : "NETWORK")"]
            )
            return nil
        }
        do {
            let authenticator = try Authenticator(configuration: configuration, logger: logger)
            logger.info(
                "authentication on",
                metadata: [
                    "principals": "\(authenticator.principalCount)",
                    "jwt": "\(configuration.jwtHS256SecretFile != nil || configuration.jwtRS256PublicKeyFile != nil)",
                    "exempt": "\(configuration.exemptions.joined(separator: ","))",
                ]
            )
            return authenticator
        } catch {
            logger.critical("cannot load the credentials", metadata: ["error": "\(error.description)"])
            throw ExitCode.failure
        }
    }

    /// Whether `host` can only be reached from this machine.
    static func isLoopback(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare == "localhost" || bare == "::1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
