public import Foundation
public import RPCServer

/// The principals of the principal file: who each bearer token (by its SHA-256) and each mTLS subject is, with the
/// team, the roles and the limit overrides of each.
///
/// The file is JSON (see the README, "Authentication and authorization"):
///
/// ```json
/// {"principals": [
///   {"name": "alice", "team": "blue", "roles": ["admin"],
///    "token_sha256": ["<64 hex digits>"], "subjects": ["CN=alice,O=Blue"],
///    "quotas": {"running_jobs": 2, "queued_jobs": 10, "watch_streams": 4}}
/// ]}
/// ```
///
/// Tokens are never stored, only their SHA-256; a principal may have several (rotation).
public struct PrincipalDirectory: Sendable {
    struct TokenEntry: Sendable {
        let hash: [UInt8]
        let principal: AuthenticatedPrincipal
    }

    private(set) var tokens: [TokenEntry] = []
    private(set) var subjects: [String: AuthenticatedPrincipal] = [:]
    private(set) var byName: [String: AuthenticatedPrincipal] = [:]

    /// An empty directory: no token and no subject is known.
    public init() {}

    /// How many principals the file names.
    public var count: Int { self.byName.count }

    /// The principal whose token hashes to the SHA-256 of `token`, or nil. Every entry is compared, each in
    /// constant time, so that the time taken does not tell which entry (or how much of one) matched.
    public func principal(forToken token: String) -> AuthenticatedPrincipal? {
        let digest = TokenHash.digest(of: token)
        var found: AuthenticatedPrincipal?
        for entry in self.tokens where TokenHash.constantTimeEqual(entry.hash, digest) {
            found = entry.principal
        }
        return found
    }

    /// The principal mapped to an mTLS client-certificate subject, or nil.
    public func principal(forSubject subject: String) -> AuthenticatedPrincipal? {
        self.subjects[subject]
    }

    /// The principal named `name`, or nil; a JWT's subject takes its limit overrides from here.
    public func principal(named name: String) -> AuthenticatedPrincipal? {
        self.byName[name]
    }
}

extension PrincipalDirectory {
    /// Why a principal file is refused; the message names the entry and the field, never a token.
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    private struct File: Decodable {
        var principals: [Entry]
    }

    private struct Entry: Decodable {
        var name: String
        var team: String?
        var roles: [String]?
        var tokenSHA256: [String]?
        var subjects: [String]?
        var quotas: [String: Int]?

        enum CodingKeys: String, CodingKey {
            case name, team, roles, subjects, quotas
            case tokenSHA256 = "token_sha256"
        }
    }

    /// Parses a principal file. `knownLimits` are the names allowed under `quotas`, so that a misspelt one is an
    /// error instead of a limit silently not applied.
    public static func parse(_ data: Data, knownLimits: Set<String>) throws(ParseError) -> PrincipalDirectory {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw ParseError(description: "not a principal file: \(Self.describe(error))")
        }
        var directory = PrincipalDirectory()
        var seenHashes: Set<[UInt8]> = []
        for (index, entry) in file.principals.enumerated() {
            let at = "principals[\(index)]"
            guard !entry.name.isEmpty else { throw ParseError(description: "\(at).name: is required") }
            guard directory.byName[entry.name] == nil else {
                throw ParseError(description: "\(at).name: \(entry.name) is named twice")
            }
            let team = entry.team ?? entry.name
            guard !team.isEmpty else { throw ParseError(description: "\(at).team: must not be empty") }
            var limits: [String: Int] = [:]
            for (key, value) in entry.quotas ?? [:] {
                guard knownLimits.contains(key) else {
                    let known = knownLimits.sorted().joined(separator: ", ")
                    throw ParseError(description: "\(at).quotas.\(key): unknown quota (known: \(known))")
                }
                guard value >= 0 else { throw ParseError(description: "\(at).quotas.\(key): must not be negative") }
                limits[key] = value
            }
            let principal = AuthenticatedPrincipal(
                name: entry.name,
                team: team,
                roles: Set(entry.roles ?? []),
                limits: limits
            )
            directory.byName[entry.name] = principal
            for (tokenIndex, hex) in (entry.tokenSHA256 ?? []).enumerated() {
                guard let hash = TokenHash.bytes(hex: hex) else {
                    throw ParseError(
                        description: "\(at).token_sha256[\(tokenIndex)]: not a SHA-256 in hex (64 hex digits)"
                    )
                }
                guard seenHashes.insert(hash).inserted else {
                    throw ParseError(description: "\(at).token_sha256[\(tokenIndex)]: the same token is listed twice")
                }
                directory.tokens.append(TokenEntry(hash: hash, principal: principal))
            }
            for (subjectIndex, subject) in (entry.subjects ?? []).enumerated() {
                guard !subject.isEmpty else {
                    throw ParseError(description: "\(at).subjects[\(subjectIndex)]: must not be empty")
                }
                guard directory.subjects[subject] == nil else {
                    throw ParseError(description: "\(at).subjects[\(subjectIndex)]: \(subject) is mapped twice")
                }
                directory.subjects[subject] = principal
            }
        }
        return directory
    }

    /// Reads and parses the principal file at `path`.
    public static func load(path: String, knownLimits: Set<String>) throws(ParseError) -> PrincipalDirectory {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ParseError(description: "cannot read \(path): \(error.localizedDescription)")
        }
        do {
            return try Self.parse(data, knownLimits: knownLimits)
        } catch {
            throw ParseError(description: "\(path): \(error.description)")
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            return "\(Self.path(context.codingPath + [key])): is required"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            return "\(Self.path(context.codingPath)): \(context.debugDescription)"
        case .dataCorrupted(let context)?:
            return context.codingPath.isEmpty
                ? "invalid JSON" : "\(Self.path(context.codingPath)): \(context.debugDescription)"
        default:
            return "invalid JSON"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
            .trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }
}
