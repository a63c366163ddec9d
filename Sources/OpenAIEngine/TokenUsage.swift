/// Token and request counts reported by the Chat Completions server.
///
/// Servers that do not report usage (some local ones) leave the token counts at zero; the request
/// count is ours and always kept.
public struct TokenUsage: Sendable, Hashable, Codable {
    public var promptTokens: Int
    public var completionTokens: Int
    /// HTTP requests that got a response, successful or not (retries included).
    public var requests: Int

    public init(promptTokens: Int = 0, completionTokens: Int = 0, requests: Int = 0) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.requests = requests
    }

    public var totalTokens: Int { promptTokens + completionTokens }

    public static var zero: TokenUsage { TokenUsage() }

    public static func + (lhs: TokenUsage, rhs: TokenUsage) -> TokenUsage {
        TokenUsage(
            promptTokens: lhs.promptTokens + rhs.promptTokens,
            completionTokens: lhs.completionTokens + rhs.completionTokens,
            requests: lhs.requests + rhs.requests
        )
    }

    public static func += (lhs: inout TokenUsage, rhs: TokenUsage) {
        lhs = lhs + rhs
    }
}
