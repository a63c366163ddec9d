import NIOCore
import Synchronization

/// The plan every driver follows, shared across connections.
final class LoadPlan: Sendable {
    let path: String
    let request: [UInt8]
    let timeout: Duration?
    let expectedMessages: Int?
    let warmupEnd: NIODeadline
    let end: NIODeadline?
    /// Calls left to start in the measured phase when the run is bounded by `--requests`.
    private let remaining: Atomic<Int>
    private let bounded: Bool

    init(path: String, request: [UInt8], timeout: Duration?, expectedMessages: Int?, warmup: Duration,
         duration: Duration?, requests: Int?)
    {
        self.path = path
        self.request = request
        self.timeout = timeout
        self.expectedMessages = expectedMessages
        let now = NIODeadline.now()
        let warmupEnd = now + .nanoseconds(warmup.nanosecondCount)
        self.warmupEnd = warmupEnd
        self.end = duration.map { warmupEnd + .nanoseconds($0.nanosecondCount) }
        self.remaining = Atomic(requests ?? 0)
        self.bounded = requests != nil
    }

    /// Whether a call may start now, and whether it counts (false during warmup).
    func admit(now: NIODeadline) -> (start: Bool, measured: Bool) {
        if now < self.warmupEnd { return (true, false) }
        if let end = self.end, now >= end { return (false, false) }
        if self.bounded {
            let left = self.remaining.subtract(1, ordering: .relaxed).newValue
            return (left >= 0, left >= 0)
        }
        return (true, true)
    }
}
