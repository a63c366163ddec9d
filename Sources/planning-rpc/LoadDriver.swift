import Histogram
import NIOCore
import RPCClient
import RPCFraming
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

/// Keeps `concurrency` calls in flight on one channel, entirely on the channel's event loop: each completion
/// records the call and starts the next one from the completion callback itself, with no task or thread hop.
///
/// `@unchecked Sendable` because every mutable field is touched only on `channel.eventLoop` (completions run
/// there, and ``start()`` hops there).
final class LoadDriver: @unchecked Sendable {
    let channel: GRPCChannel
    let plan: LoadPlan
    let concurrency: Int

    private(set) var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
    private(set) var successes = 0
    private(set) var messages = 0
    private(set) var errors: [String: Int] = [:]
    private(set) var firstMeasured: NIODeadline?
    private(set) var lastMeasured: NIODeadline?
    private var inFlight = 0
    private var finished: EventLoopPromise<Void>?

    init(channel: GRPCChannel, plan: LoadPlan, concurrency: Int) {
        self.channel = channel
        self.plan = plan
        self.concurrency = concurrency
    }

    /// Starts the calls; the future completes when the plan admits no more and the last call has ended.
    func start() -> EventLoopFuture<Void> {
        let loop = self.channel.eventLoop
        return loop.flatSubmit {
            let promise = loop.makePromise(of: Void.self)
            self.finished = promise
            for _ in 0..<self.concurrency {
                self.next()
            }
            if self.inFlight == 0 { promise.succeed() }
            return promise.futureResult
        }
    }

    private func next() {
        let now = NIODeadline.now()
        let (start, measured) = self.plan.admit(now: now)
        guard start else {
            if self.inFlight == 0, let finished = self.finished {
                self.finished = nil
                finished.succeed()
            }
            return
        }
        self.inFlight += 1
        self.channel.startCall(path: self.plan.path, request: self.plan.request, timeout: self.plan.timeout) {
            [self] result in
            self.completed(result, started: now, measured: measured)
        }
    }

    private func completed(_ result: CallResult, started: NIODeadline, measured: Bool) {
        self.inFlight -= 1
        if measured {
            let now = NIODeadline.now()
            if self.firstMeasured == nil { self.firstMeasured = started }
            self.lastMeasured = now
            if result.code == .ok && (self.plan.expectedMessages.map { $0 == result.messageCount } ?? true) {
                self.successes += 1
                self.messages += result.messageCount
                let micros = max(1, (now - started).nanoseconds / 1000)
                _ = self.histogram.record(UInt64(micros))
            } else {
                let key = result.code == .ok ? "OK (short stream)" : result.code.name
                self.errors[key, default: 0] += 1
            }
        }
        self.next()
    }
}

extension Duration {
    var nanosecondCount: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
