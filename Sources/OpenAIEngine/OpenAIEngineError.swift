/// Why an ``OpenAIEngine`` call failed, besides `CancellationError` and
/// `PlanningEngineError.timedOut(_:)` (the call's own timeout).
///
/// The message is safe to record on a job and show to clients: it never contains the API key
/// (any echo of it in a server's answer is redacted) and quotes at most a short excerpt of what
/// the server or the model said.
public struct OpenAIEngineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; `code` decides what a caller may do about it.
    public enum Code: String, Sendable, Hashable {
        /// The configuration is unusable (bad base URL, empty model name, non-positive limits).
        case invalidConfiguration
        /// The model answered, but not with a valid answer, even after being told what was wrong.
        /// The item fails; the next one may well succeed.
        case invalidAnswer
        /// The model declined to answer (a `refusal`), or stopped before the answer was complete.
        case incompleteAnswer
        /// The server answered with an HTTP error status that is not retried (4xx) or kept
        /// answering with a retryable one (429, 5xx) until the retries ran out.
        case httpStatus
        /// One request took longer than ``OpenAIEngine/Configuration/requestTimeout`` on every attempt.
        case requestTimedOut
        /// The connection failed or was dropped on every attempt.
        case transport
        /// The server's answer is not a Chat Completions response (not JSON, no choices, too large).
        case malformedResponse
    }

    public var code: Code
    /// What went wrong, for people; names the item and the reason.
    public var message: String
    /// The last HTTP status received, when there was one.
    public var httpStatus: Int?
    /// How many HTTP requests were made for the item.
    public var attempts: Int

    public init(code: Code, message: String, httpStatus: Int? = nil, attempts: Int = 0) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.attempts = attempts
    }

    public var description: String {
        "OpenAIEngineError.\(code.rawValue): \(message)"
    }

    /// Whether the failure concerns one item only (the caller should record it and go on).
    public var isItemFailure: Bool {
        code == .invalidAnswer || code == .incompleteAnswer
    }
}
