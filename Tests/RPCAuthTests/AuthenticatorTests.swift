import Foundation
import RPCFraming
import RPCServer
import Testing

@testable import RPCAuth

@Suite struct AuthenticatorTests {
    static let limits: Set<String> = ["running_jobs", "queued_jobs", "watch_streams"]

    static func file(_ principals: [[String: Any]]) -> Data {
        try! JSONSerialization.data(withJSONObject: ["principals": principals])
    }

    static func temporaryFile(_ data: Data) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("principals-\(UUID()).json").path
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    static func context(_ path: String = "/planning.v1.PlanningService/GetJob", subject: String? = nil) -> ServerContext
    {
        var context = ServerContext(path: path, peer: "ipv4:127.0.0.1:1", deadline: nil, authority: nil)
        context.tlsPeerSubject = subject
        return context
    }

    static func bearer(_ token: String) -> Metadata {
        var metadata = Metadata()
        metadata.add("authorization", "Bearer \(token)")
        return metadata
    }

    static func expectUnauthenticated(
        _ authenticator: Authenticator,
        _ metadata: Metadata,
        _ context: ServerContext = context(),
        naming text: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            _ = try authenticator.authenticate(metadata: metadata, context: context)
            Issue.record("expected UNAUTHENTICATED", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == .unauthenticated, sourceLocation: sourceLocation)
            #expect(error.message.contains(text), "\(error.message)", sourceLocation: sourceLocation)
            #expect(!error.message.contains("s3cret"), sourceLocation: sourceLocation)
        }
    }

    // MARK: Principal file

    @Test func parsesTokensSubjectsTeamsRolesAndQuotas() throws {
        let directory = try PrincipalDirectory.parse(
            Self.file([
                [
                    "name": "alice", "team": "blue", "roles": ["admin"],
                    "token_sha256": [TokenHash.hex(of: "alice-s3cret"), TokenHash.hex(of: "alice-rotated")],
                    "subjects": ["CN=alice,O=Blue"], "quotas": ["running_jobs": 2, "watch_streams": 0],
                ],
                ["name": "bob", "token_sha256": [TokenHash.hex(of: "bob-s3cret").uppercased()]],
            ]),
            knownLimits: Self.limits
        )
        #expect(directory.count == 2)
        let alice = try #require(directory.principal(forToken: "alice-s3cret"))
        #expect(alice.name == "alice" && alice.team == "blue" && alice.roles == ["admin"])
        #expect(alice.limits == ["running_jobs": 2, "watch_streams": 0])
        #expect(directory.principal(forToken: "alice-rotated")?.name == "alice")
        #expect(directory.principal(forToken: "bob-s3cret")?.team == "bob")
        #expect(directory.principal(forToken: "alice-s3cre") == nil)
        #expect(directory.principal(forToken: "") == nil)
        #expect(directory.principal(forSubject: "CN=alice,O=Blue")?.name == "alice")
        #expect(directory.principal(forSubject: "CN=alice") == nil)
    }

    @Test(arguments: [
        (#"{"principals": [{"team": "x"}]}"#, "principals[0].name: is required"),
        (#"{"principals": [{"name": "a", "token_sha256": ["abc"]}]}"#, "token_sha256[0]: not a SHA-256"),
        (#"{"principals": [{"name": "a", "quotas": {"running_job": 1}}]}"#, "quotas.running_job: unknown quota"),
        (#"{"principals": [{"name": "a", "quotas": {"queued_jobs": -1}}]}"#, "must not be negative"),
        (#"{"principals": [{"name": "a"}, {"name": "a"}]}"#, "principals[1].name: a is named twice"),
        (
            #"{"principals": [{"name": "a", "subjects": ["CN=x"]}, {"name": "b", "subjects": ["CN=x"]}]}"#,
            "mapped twice"
        ),
        (#"{"principals": [{"name": "a", "team": ""}]}"#, "team: must not be empty"),
        (#"{"principals": "#, "invalid JSON"),
        (#"{"users": []}"#, "principals: is required"),
    ])
    func refusesMalformedFiles(json: String, message: String) {
        #expect {
            _ = try PrincipalDirectory.parse(Data(json.utf8), knownLimits: Self.limits)
        } throws: { error in
            (error as? PrincipalDirectory.ParseError)?.description.contains(message) == true
        }
    }

    @Test func theSameTokenForTwoPrincipalsIsRefused() {
        let hash = TokenHash.hex(of: "shared")
        #expect(throws: PrincipalDirectory.ParseError.self) {
            _ = try PrincipalDirectory.parse(
                Self.file([["name": "a", "token_sha256": [hash]], ["name": "b", "token_sha256": [hash]]]),
                knownLimits: []
            )
        }
    }

    @Test func tokenHashIsSha256Hex() {
        // printf %s hello | sha256sum
        #expect(TokenHash.hex(of: "hello") == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        #expect(TokenHash.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!TokenHash.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!TokenHash.constantTimeEqual([1, 2, 3], [1, 2]))
    }

    // MARK: Authentication

    @Test func bearerTokenSubjectMissingMalformedAndExemptions() async throws {
        let path = try Self.temporaryFile(
            Self.file([
                ["name": "alice", "team": "blue", "token_sha256": [TokenHash.hex(of: "alice-s3cret")]],
                ["name": "svc", "team": "green", "subjects": ["CN=svc,O=Green"]],
            ])
        )
        defer { try? FileManager.default.removeItem(atPath: path) }
        let authenticator = try Authenticator(
            configuration: AuthenticatorConfiguration(principalFile: path, knownLimits: Self.limits),
            logger: .init(label: "test")
        )

        let context = try await authenticator.intercept(metadata: Self.bearer("alice-s3cret"), context: Self.context())
        #expect(context.principal?.name == "alice")
        var lowercase = Metadata()
        lowercase.add("authorization", "bearer alice-s3cret")
        #expect(try authenticator.authenticate(metadata: lowercase, context: Self.context()).team == "blue")

        Self.expectUnauthenticated(authenticator, Self.bearer("wrong-s3cret"), naming: "invalid bearer token")
        Self.expectUnauthenticated(authenticator, Metadata(), naming: "missing credentials")
        var basic = Metadata()
        basic.add("authorization", "Basic s3cret")
        Self.expectUnauthenticated(authenticator, basic, naming: "must be 'Bearer <token>'")
        Self.expectUnauthenticated(authenticator, Self.bearer(""), naming: "must be 'Bearer <token>'")

        // mTLS: a listed subject is a principal; an unlisted one is refused; a token wins over the subject.
        #expect(
            try authenticator.authenticate(metadata: Metadata(), context: Self.context(subject: "CN=svc,O=Green"))
                .name == "svc"
        )
        Self.expectUnauthenticated(
            authenticator,
            Metadata(),
            Self.context(subject: "CN=stranger"),
            naming: "is not a known principal"
        )
        #expect(
            try authenticator.authenticate(
                metadata: Self.bearer("alice-s3cret"),
                context: Self.context(subject: "CN=svc,O=Green")
            ).name == "alice"
        )

        // Exempt: health and reflection run without credentials and without a principal.
        for exempt in [
            "/grpc.health.v1.Health/Check", "/grpc.health.v1.Health/Watch",
            "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
            "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
        ] {
            let passed = try await authenticator.intercept(metadata: Metadata(), context: Self.context(exempt))
            #expect(passed.principal == nil)
        }
        await #expect(throws: RPCError.self) {
            _ = try await authenticator.intercept(metadata: Metadata(), context: Self.context("/grpc.healthz/Check"))
        }
    }

    @Test func configuredExemptionsReplaceTheDefault() {
        let configuration = AuthenticatorConfiguration(exemptions: ["bench.Echo/Unary", "planning.v1.CatalogService/*"])
        #expect(configuration.isExempt(path: "/bench.Echo/Unary"))
        #expect(!configuration.isExempt(path: "/bench.Echo/UnaryX"))
        #expect(configuration.isExempt(path: "/planning.v1.CatalogService/ListCycles"))
        #expect(!configuration.isExempt(path: "/grpc.health.v1.Health/Check"))
    }

    @Test func jwtWithPrincipalFileLimits() throws {
        let secretPath = try Self.temporaryFile(Data(JWTFixture.secret + [UInt8(ascii: "\n")]))
        let path = try Self.temporaryFile(Self.file([["name": "carol", "quotas": ["queued_jobs": 3]]]))
        defer {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: secretPath)
        }
        let authenticator = try Authenticator(
            configuration: AuthenticatorConfiguration(
                principalFile: path,
                jwtHS256SecretFile: secretPath,
                jwtAudience: "planning",
                knownLimits: Self.limits
            ),
            logger: .init(label: "test")
        )
        let token = JWTFixture.hs256(JWTFixture.claims(sub: "carol", team: "red", extra: ["aud": "planning"]))
        let carol = try authenticator.authenticate(metadata: Self.bearer(token), context: Self.context())
        #expect(carol.team == "red" && carol.limits == ["queued_jobs": 3])
        let expired = JWTFixture.hs256(JWTFixture.claims(expiresIn: -120, extra: ["aud": "planning"]))
        Self.expectUnauthenticated(authenticator, Self.bearer(expired), naming: "JWT has expired")
        let wrongAudience = JWTFixture.hs256(JWTFixture.claims(extra: ["aud": "elsewhere"]))
        Self.expectUnauthenticated(authenticator, Self.bearer(wrongAudience), naming: "audience")
    }

    // MARK: Reload

    @Test func reloadSwapsTokensAndKeepsThePreviousOnABrokenFile() throws {
        let path = try Self.temporaryFile(Self.file([["name": "alice", "token_sha256": [TokenHash.hex(of: "old")]]]))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let authenticator = try Authenticator(
            configuration: AuthenticatorConfiguration(principalFile: path),
            logger: .init(label: "test")
        )
        #expect(try authenticator.authenticate(metadata: Self.bearer("old"), context: Self.context()).name == "alice")

        try Self.file([["name": "bob", "token_sha256": [TokenHash.hex(of: "new")]]])
            .write(to: URL(fileURLWithPath: path))
        try authenticator.reload()
        #expect(try authenticator.authenticate(metadata: Self.bearer("new"), context: Self.context()).name == "bob")
        Self.expectUnauthenticated(authenticator, Self.bearer("old"), naming: "invalid bearer token")

        try Data("{not json".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: Authenticator.LoadError.self) { try authenticator.reload() }
        #expect(try authenticator.authenticate(metadata: Self.bearer("new"), context: Self.context()).name == "bob")
        #expect(authenticator.principalCount == 1)
    }

    @Test func startFailsOnAnUnreadableOrInvalidFile() {
        #expect(throws: Authenticator.LoadError.self) {
            _ = try Authenticator(
                configuration: AuthenticatorConfiguration(principalFile: "/nonexistent/principals.json"),
                logger: .init(label: "test")
            )
        }
    }
}
