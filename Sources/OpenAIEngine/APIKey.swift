internal import Foundation

/// A bearer token for the Chat Completions server, kept out of logs and messages.
///
/// Every textual form (`description`, `debugDescription`, `dump`, string interpolation) is
/// `<redacted>`, so a configuration can be logged or printed whole without leaking the key.
public struct APIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The secret itself; read it only to build the `Authorization` header.
    let secret: String

    /// The variable OpenAI's own clients read the key from; a deployment may use another.
    public static let defaultEnvironmentVariable = "OPENAI_API_KEY"

    /// A key, or `nil` when `secret` is empty or only whitespace.
    public init?(_ secret: String) {
        let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        self.secret = trimmed
    }

    /// The key in environment variable `name` (e.g. `OPENAI_API_KEY`), or `nil` when unset or empty;
    /// `environment` replaces the process environment (for tests).
    public static func fromEnvironment(
        _ name: String,
        environment: [String: String]? = nil
    ) -> APIKey? {
        (environment ?? ProcessInfo.processInfo.environment)[name].flatMap(APIKey.init)
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "APIKey(<redacted>)" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }

    /// `text` with every occurrence of the key replaced, for messages built from server answers.
    func redact(_ text: String) -> String {
        text.replacingOccurrences(of: secret, with: "<redacted>")
    }
}
