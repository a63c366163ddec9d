import Foundation
import Testing
import _CryptoExtras

@testable import RPCAuth

@Suite struct JWTVerifierTests {
    let hs256 = try! JWTVerifier(.init(hs256Secret: JWTFixture.secret, issuer: "planning-idp", audience: "planning"))

    func expectFailure(_ token: String, _ text: String, verifier: JWTVerifier? = nil, now: Date = Date()) {
        #expect {
            _ = try (verifier ?? self.hs256).verify(token, now: now)
        } throws: { error in
            guard let failure = error as? JWTVerifier.Failure else { return false }
            // The message says what is wrong and never repeats the token.
            return failure.description.contains(text) && !failure.description.contains(token)
        }
    }

    func good(_ extra: [String: Any] = [:]) -> [String: Any] {
        JWTFixture.claims(extra: ["iss": "planning-idp", "aud": "planning"].merging(extra) { _, new in new })
    }

    @Test func hs256GoodTokenGivesPrincipalTeamAndRoles() throws {
        let token = JWTFixture.hs256(good(["roles": ["admin", "ops"]]))
        let principal = try hs256.verify(token)
        #expect(principal.name == "alice")
        #expect(principal.team == "blue")
        #expect(principal.roles == ["admin", "ops"])
    }

    @Test func rolesAsSpaceSeparatedStringAndTeamDefaultsToSubject() throws {
        var claims = good(["roles": "reader admin"])
        claims["team"] = nil
        let principal = try hs256.verify(JWTFixture.hs256(claims))
        #expect(principal.team == "alice")
        #expect(principal.roles == ["reader", "admin"])
    }

    @Test func audienceMayBeAnArray() throws {
        let principal = try hs256.verify(JWTFixture.hs256(good(["aud": ["other", "planning"]])))
        #expect(principal.name == "alice")
    }

    @Test func badSignatureIsRefused() {
        expectFailure(JWTFixture.hs256(good(), secret: Array("another secret of thirty-two byte".utf8)), "signature")
        // Change a character well inside the signature: the last one carries padding bits that a decoder may
        // ignore, and which character it was must be read before it is replaced.
        var characters = Array(JWTFixture.hs256(good()))
        let index = characters.count - 5
        characters[index] = characters[index] == "A" ? "B" : "A"
        expectFailure(String(characters), "signature")
    }

    @Test func expiredAtAndOnePastTheLeeway() throws {
        let now = Date()
        let exp = Int(now.timeIntervalSince1970) - 30
        let token = JWTFixture.hs256(good(["exp": exp]))
        // exp + leeway (30 s) == now: still valid; one second later: expired.
        _ = try hs256.verify(token, now: Date(timeIntervalSince1970: TimeInterval(exp + 30)))
        expectFailure(token, "expired", now: Date(timeIntervalSince1970: TimeInterval(exp + 31)))
    }

    @Test func notBeforeAtAndOneBeforeTheLeeway() throws {
        let nbf = Int(Date().timeIntervalSince1970) + 100
        let token = JWTFixture.hs256(good(["nbf": nbf]))
        _ = try hs256.verify(token, now: Date(timeIntervalSince1970: TimeInterval(nbf - 30)))
        expectFailure(token, "not valid yet", now: Date(timeIntervalSince1970: TimeInterval(nbf - 31)))
    }

    @Test func wrongAudienceIssuerOrMissingClaimsAreRefused() {
        expectFailure(JWTFixture.hs256(good(["aud": "someone-else"])), "audience")
        expectFailure(JWTFixture.hs256(good(["iss": "evil"])), "issuer")
        var noExp = good()
        noExp["exp"] = nil
        expectFailure(JWTFixture.hs256(noExp), "no exp")
        var noSub = good()
        noSub["sub"] = nil
        expectFailure(JWTFixture.hs256(noSub), "no sub")
    }

    @Test func algorithmsOtherThanTheConfiguredOnesAreRefused() {
        expectFailure(JWTFixture.hs256(good(), alg: "none"), "not accepted")
        expectFailure(JWTFixture.hs256(good(), alg: "RS256"), "RS256 is not accepted")
        expectFailure("not.a-jwt", "malformed")
        expectFailure("a.b.c.d", "malformed")
    }

    @Test func rs256GoodAndBadSignature() throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let verifier = try JWTVerifier(.init(rs256PublicKeyPEM: key.publicKey.pemRepresentation, audience: "planning"))
        let principal = try verifier.verify(
            try JWTFixture.rs256(JWTFixture.claims(extra: ["aud": "planning"]), key: key)
        )
        #expect(principal.name == "alice")
        let other = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        expectFailure(
            try JWTFixture.rs256(JWTFixture.claims(extra: ["aud": "planning"]), key: other),
            "signature",
            verifier: verifier
        )
        // An HS256 token signed with the public key as secret (the classic key-confusion attack) is refused.
        expectFailure(
            JWTFixture.hs256(JWTFixture.claims(), secret: Array(key.publicKey.pemRepresentation.utf8)),
            "HS256 is not accepted",
            verifier: verifier
        )
    }

    @Test func hs256SecretAtAndOneBelowTheMinimumLength() throws {
        _ = try JWTVerifier(.init(hs256Secret: Array(repeating: 7, count: JWTVerifier.minimumSecretBytes)))
        #expect(throws: JWTVerifier.ConfigurationError.self) {
            _ = try JWTVerifier(.init(hs256Secret: Array(repeating: 7, count: JWTVerifier.minimumSecretBytes - 1)))
        }
    }
}
