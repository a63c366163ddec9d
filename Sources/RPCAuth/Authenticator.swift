import Foundation
public import Logging
import Metrics
public import RPCFraming
public import RPCServer
import Synchronization

/// Authenticates every call at the router (``RPCRouter/intercept(with:)``), whatever transport carries it.
///
/// A call presents `authorization: Bearer <token>`: an opaque token, looked up by its SHA-256 in the
/// ``PrincipalDirectory``, or else a JWT (three base64url parts) when a JWT key is configured, verified by
/// ``JWTVerifier``.
/// Without that header, an mTLS client-certificate subject (``ServerContext/tlsPeerSubject``) listed in the
/// principal file is the principal. Anything else is UNAUTHENTICATED, except the exempt methods, which run with no
/// principal. Messages say what is wrong, never the token.
///
/// ``reload()`` re-reads the files (on SIGHUP); a file that no longer parses leaves the previous credentials in place.
public final class Authenticator: CallInterceptor {
    struct Credentials: Sendable {
        var directory: PrincipalDirectory
        var jwt: JWTVerifier?
    }

    /// Why authentication is refused at start or on reload.
    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    public let configuration: AuthenticatorConfiguration
    private let credentials: Mutex<Credentials>
    private let logger: Logger

    /// Loads the configured files; throws when one cannot be read or parsed.
    public init(configuration: AuthenticatorConfiguration, logger: Logger) throws(LoadError) {
        self.configuration = configuration
        self.logger = logger
        self.credentials = Mutex(try Self.load(configuration))
    }

    /// How many principals the principal file names.
    public var principalCount: Int { self.credentials.withLock { $0.directory.count } }

    /// Re-reads the principal file and the JWT keys. On failure the previous credentials stay and the error is thrown.
    public func reload() throws(LoadError) {
        let loaded = try Self.load(self.configuration)
        self.credentials.withLock { $0 = loaded }
    }

    public func intercept(metadata: Metadata, context: ServerContext) async throws -> ServerContext {
        guard !self.configuration.isExempt(path: context.path) else { return context }
        var context = context
        context.principal = try self.authenticate(metadata: metadata, context: context)
        return context
    }

    /// The principal of a call's credentials, or the UNAUTHENTICATED error that refuses it.
    public func authenticate(metadata: Metadata, context: ServerContext) throws(RPCError) -> AuthenticatedPrincipal {
        let credentials = self.credentials.withLock { $0 }
        if let authorization = metadata[stringValues: "authorization"].first {
            guard let token = Self.bearerToken(authorization) else {
                throw self.refuse("malformed", context, "authorization metadata must be 'Bearer <token>'")
            }
            // The principal file first: an opaque token may contain dots too, and the lookup is cheap.
            if let principal = credentials.directory.principal(forToken: token) {
                return principal
            }
            if let jwt = credentials.jwt, JWTVerifier.looksLikeJWT(token) {
                do {
                    var principal = try jwt.verify(token)
                    // A JWT's subject listed in the principal file takes its quota overrides from there.
                    if let listed = credentials.directory.principal(named: principal.name) {
                        principal.limits = listed.limits
                    }
                    return principal
                } catch {
                    throw self.refuse("invalid_jwt", context, error.description)
                }
            }
            throw self.refuse("invalid_token", context, "invalid bearer token")
        }
        if let subject = context.tlsPeerSubject {
            guard let principal = credentials.directory.principal(forSubject: subject) else {
                throw self.refuse(
                    "unknown_subject",
                    context,
                    "client certificate subject \(subject) is not a known principal, and no bearer token was sent"
                )
            }
            return principal
        }
        throw self.refuse("missing", context, "missing credentials: send 'authorization: Bearer <token>' metadata")
    }

    private func refuse(_ reason: String, _ context: ServerContext, _ message: String) -> RPCError {
        Counter(label: "rpc_auth_failures_total", dimensions: [("reason", reason)]).increment()
        self.logger.debug(
            "call refused: not authenticated",
            metadata: ["path": "\(context.path)", "peer": "\(context.peer)", "reason": "\(reason)"]
        )
        return RPCError(code: .unauthenticated, message: message)
    }

    /// The token of `Bearer <token>` (the scheme is case-insensitive, RFC 7235), or nil.
    static func bearerToken(_ value: String) -> String? {
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    static func load(_ configuration: AuthenticatorConfiguration) throws(LoadError) -> Credentials {
        var directory = PrincipalDirectory()
        if let path = configuration.principalFile {
            do {
                directory = try PrincipalDirectory.load(path: path, knownLimits: configuration.knownLimits)
            } catch {
                throw LoadError(description: "principal file: \(error.description)")
            }
        }
        var jwt: JWTVerifier?
        if configuration.jwtHS256SecretFile != nil || configuration.jwtRS256PublicKeyFile != nil {
            var secret: [UInt8]?
            if let path = configuration.jwtHS256SecretFile {
                var bytes = try Self.read(path, what: "JWT HS256 secret")
                if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
                if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
                secret = bytes
            }
            let pem = try configuration.jwtRS256PublicKeyFile.map { path throws(LoadError) in
                String(decoding: try Self.read(path, what: "JWT RS256 public key"), as: UTF8.self)
            }
            do {
                jwt = try JWTVerifier(
                    JWTVerifier.Configuration(
                        hs256Secret: secret,
                        rs256PublicKeyPEM: pem,
                        issuer: configuration.jwtIssuer,
                        audience: configuration.jwtAudience,
                        leeway: configuration.jwtLeeway
                    )
                )
            } catch {
                throw LoadError(description: error.description)
            }
        }
        return Credentials(directory: directory, jwt: jwt)
    }

    private static func read(_ path: String, what: String) throws(LoadError) -> [UInt8] {
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw LoadError(description: "cannot read the \(what) file \(path): \(error.localizedDescription)")
        }
    }
}
