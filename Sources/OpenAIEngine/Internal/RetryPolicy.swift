internal import Foundation

/// When to retry a request and how long to wait first.
struct RetryPolicy: Sendable {
    var maxRetries: Int
    var initialBackoff: Duration
    var maxBackoff: Duration
    var maxRetryAfter: Duration

    /// 408 (timeout), 429 (rate limit) and every 5xx: the same request may succeed later.
    static func isRetryable(status: Int) -> Bool {
        status == 408 || status == 429 || (500...599).contains(status)
    }

    /// The wait before retry number `retry` (1-based): exponential with 50–100 % jitter, so that
    /// clients that failed together do not come back together; a `Retry-After` wins when given.
    func delay(beforeRetry retry: Int, retryAfter: Duration?) -> Duration {
        if let retryAfter { return min(max(retryAfter, .zero), maxRetryAfter) }
        let exponent = min(max(retry - 1, 0), 30)
        let base = min(initialBackoff * (1 << exponent), maxBackoff)
        return base * Double.random(in: 0.5...1.0)
    }

    /// The `Retry-After` header as a wait: delay-seconds (fractions tolerated) or an HTTP-date.
    static func parseRetryAfter(_ value: String, now: Date = Date()) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds.isFinite, seconds >= 0 {
            return .milliseconds(Int64((seconds * 1000).rounded()))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        let seconds = max(0, date.timeIntervalSince(now))
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
