import Crypto
public import Foundation
public import RPCServer
import _CryptoExtras

/// Verifies compact JWS tokens (JWTs) signed with HS256 or RS256 and turns their claims into a principal.
///
/// Checked: the signature with the key of the header's `alg` (`none` and any other algorithm are refused), a `crit`
/// header is refused, `iss` and `aud` when configured, `exp` (required) and `nbf` with ``Configuration/leeway``.
/// Claims: `sub` is the principal's name (required), `team` its team (default: `sub`), `roles` an array of strings or
/// one space-separated string.
public struct JWTVerifier: Sendable {
    /// What a JWT must satisfy.
    public struct Configuration: Sendable {
        /// The HS256 secret; at least 32 bytes (RFC 7518 3.2: a key as long as the hash).
        public var hs256Secret: [UInt8]?
        /// The RS256 public key, PEM (`-----BEGIN PUBLIC KEY-----`), at least 2048 bits.
        public var rs256PublicKeyPEM: String?
        /// The required `iss`, if any.
        public var issuer: String?
        /// The audience that `aud` must name (or contain), if any.
        public var audience: String?
        /// Clock skew allowed on `exp` and `nbf`.
        public var leeway: Duration

        public init(
            hs256Secret: [UInt8]? = nil,
            rs256PublicKeyPEM: String? = nil,
            issuer: String? = nil,
            audience: String? = nil,
            leeway: Duration = .seconds(30)
        ) {
            self.hs256Secret = hs256Secret
            self.rs256PublicKeyPEM = rs256PublicKeyPEM
            self.issuer = issuer
            self.audience = audience
            self.leeway = leeway
        }
    }

    /// Why a token is refused: said to the client as UNAUTHENTICATED, so it never contains the token.
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    /// Why a configuration is refused at start.
    public struct ConfigurationError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Shortest HS256 secret accepted.
    public static let minimumSecretBytes = 32

    private let hmacKey: SymmetricKey?
    private let rsaKey: _RSA.Signing.PublicKey?
    private let issuer: String?
    private let audience: String?
    private let leeway: TimeInterval

    public init(_ configuration: Configuration) throws(ConfigurationError) {
        if let secret = configuration.hs256Secret {
            guard secret.count >= Self.minimumSecretBytes else {
                throw ConfigurationError(
                    description: "the HS256 secret has \(secret.count) bytes; at least \(Self.minimumSecretBytes) are "
                        + "required"
                )
            }
            self.hmacKey = SymmetricKey(data: secret)
        } else {
            self.hmacKey = nil
        }
        if let pem = configuration.rs256PublicKeyPEM {
            do {
                self.rsaKey = try _RSA.Signing.PublicKey(pemRepresentation: pem)
            } catch {
                throw ConfigurationError(description: "the RS256 public key is not a PEM RSA public key of 2048+ bits")
            }
        } else {
            self.rsaKey = nil
        }
        guard self.hmacKey != nil || self.rsaKey != nil else {
            throw ConfigurationError(description: "a JWT verifier needs an HS256 secret or an RS256 public key")
        }
        self.issuer = configuration.issuer
        self.audience = configuration.audience
        let (seconds, attoseconds) = configuration.leeway.components
        self.leeway = TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }

    /// Whether `token` has the shape of a compact JWS (three base64url parts), as opposed to an opaque token.
    public static func looksLikeJWT(_ token: String) -> Bool {
        token.utf8.lazy.filter { $0 == UInt8(ascii: ".") }.count == 2
    }

    /// The principal a valid token names.
    public func verify(_ token: String, now: Date = Date()) throws(Failure) -> AuthenticatedPrincipal {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Self.base64URL(parts[0]), let payloadBytes = Self.base64URL(parts[1]),
            let signature = Self.base64URL(parts[2])
        else { throw Failure("malformed JWT") }
        guard let header = try? JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any],
            let claims = try? JSONSerialization.jsonObject(with: Data(payloadBytes)) as? [String: Any]
        else { throw Failure("malformed JWT: header and payload must be JSON objects") }
        guard header["crit"] == nil else { throw Failure("JWT has a crit header, which is not supported") }
        let signed = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        switch header["alg"] as? String {
        case "HS256":
            guard let key = self.hmacKey else { throw Failure("JWT algorithm HS256 is not accepted here") }
            // isValidAuthenticationCode compares in constant time.
            guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: signed, using: key) else {
                throw Failure("JWT signature is invalid")
            }
        case "RS256":
            guard let key = self.rsaKey else { throw Failure("JWT algorithm RS256 is not accepted here") }
            let valid = key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature),
                for: signed,
                padding: .insecurePKCS1v1_5
            )
            guard valid else { throw Failure("JWT signature is invalid") }
        case let other?:
            throw Failure("JWT algorithm \(other) is not accepted (HS256 or RS256)")
        case nil:
            throw Failure("JWT header has no alg")
        }
        return try self.principal(from: claims, now: now)
    }

    private func principal(from claims: [String: Any], now: Date) throws(Failure) -> AuthenticatedPrincipal {
        let time = now.timeIntervalSince1970
        guard let exp = claims["exp"] as? NSNumber else { throw Failure("JWT has no exp claim") }
        guard time <= exp.doubleValue + self.leeway else { throw Failure("JWT has expired") }
        if let nbf = claims["nbf"] {
            guard let nbf = nbf as? NSNumber else { throw Failure("JWT nbf claim is not a number") }
            guard time >= nbf.doubleValue - self.leeway else { throw Failure("JWT is not valid yet (nbf)") }
        }
        if let issuer = self.issuer {
            guard claims["iss"] as? String == issuer else { throw Failure("JWT issuer is not accepted") }
        }
        if let audience = self.audience {
            let audiences: [String]
            switch claims["aud"] {
            case let one as String: audiences = [one]
            case let many as [Any]: audiences = many.compactMap { $0 as? String }
            default: audiences = []
            }
            guard audiences.contains(audience) else { throw Failure("JWT audience does not include this server") }
        }
        guard let subject = claims["sub"] as? String, !subject.isEmpty else { throw Failure("JWT has no sub claim") }
        var team = subject
        if let claimed = claims["team"] {
            guard let claimed = claimed as? String, !claimed.isEmpty else {
                throw Failure("JWT team claim must be a non-empty string")
            }
            team = claimed
        }
        let roles: Set<String>
        switch claims["roles"] {
        case nil: roles = []
        case let list as [Any]:
            let names = list.compactMap { $0 as? String }
            guard names.count == list.count else { throw Failure("JWT roles claim must hold strings") }
            roles = Set(names)
        case let spaced as String: roles = Set(spaced.split(separator: " ").map(String.init))
        default: throw Failure("JWT roles claim must be an array of strings or a string")
        }
        return AuthenticatedPrincipal(name: subject, team: team, roles: roles)
    }

    /// Decodes unpadded base64url (RFC 7515 section 2); nil when it is not.
    static func base64URL(_ text: Substring) -> [UInt8]? {
        var base64 = String(text).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !base64.contains("=") else { return nil }
        switch base64.utf8.count % 4 {
        case 2: base64 += "=="
        case 3: base64 += "="
        case 1: return nil
        default: break
        }
        return Data(base64Encoded: base64).map(Array.init)
    }
}
