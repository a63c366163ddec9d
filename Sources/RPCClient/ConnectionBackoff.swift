/// Exponential backoff between connection attempts, as gRPC's connection-backoff document describes.
///
/// While a delay runs, new calls fail at once with UNAVAILABLE (gRPC's fail-fast behaviour) instead of piling up
/// behind a server that is down; the first call after the delay tries to connect again.
public struct ConnectionBackoff: Sendable, Hashable {
    /// The delay after the first failure.
    public var initial: Duration = .milliseconds(100)
    /// The factor between consecutive delays.
    public var multiplier: Double = 1.6
    /// The longest delay.
    public var maximum: Duration = .seconds(5)
    /// Each delay is randomised by up to this fraction either way, so clients do not retry in lockstep.
    public var jitter: Double = 0.2

    public init() {}

    /// The delay after `failures` consecutive failed attempts (1 or more).
    public func delay(afterFailures failures: Int) -> Duration {
        let base = Double(self.initial.nanoseconds) * pow(self.multiplier, Double(max(0, failures - 1)))
        let capped = min(base, Double(self.maximum.nanoseconds))
        let jittered = capped * (1 + Double.random(in: -self.jitter...self.jitter))
        return .nanoseconds(Int64(max(0, jittered)))
    }
}

extension Duration {
    /// The duration in whole nanoseconds, saturating.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = self.components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return product + attoseconds / 1_000_000_000
    }
}

/// `pow` without Foundation: the backoff needs only small integer exponents.
private func pow(_ base: Double, _ exponent: Double) -> Double {
    var result = 1.0
    var remaining = Int(exponent)
    while remaining > 0 {
        result *= base
        remaining -= 1
    }
    return result
}
