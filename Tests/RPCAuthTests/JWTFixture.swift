import Crypto
import Foundation
import _CryptoExtras

/// Builds signed compact JWTs for the tests.
enum JWTFixture {
    static let secret = Array("0123456789abcdef0123456789abcdef".utf8)

    static func base64URL(_ bytes: some DataProtocol) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func json(_ object: [String: Any]) -> String {
        base64URL(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    static func hs256(_ claims: [String: Any], secret: [UInt8] = Self.secret, alg: String = "HS256") -> String {
        let input = json(["alg": alg, "typ": "JWT"]) + "." + json(claims)
        let mac = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: SymmetricKey(data: secret))
        return input + "." + base64URL(Array(mac))
    }

    static func rs256(_ claims: [String: Any], key: _RSA.Signing.PrivateKey) throws -> String {
        let input = json(["alg": "RS256", "typ": "JWT"]) + "." + json(claims)
        let signature = try key.signature(for: Array(input.utf8), padding: .insecurePKCS1v1_5)
        return input + "." + base64URL(signature.rawRepresentation)
    }

    static func claims(
        sub: String = "alice",
        team: String? = "blue",
        expiresIn: TimeInterval = 300,
        extra: [String: Any] = [:]
    ) -> [String: Any] {
        var claims: [String: Any] = ["sub": sub, "exp": Int(Date().timeIntervalSince1970 + expiresIn)]
        if let team { claims["team"] = team }
        return claims.merging(extra) { _, new in new }
    }
}
