import Histogram
import NIOCore
import RPCClient
import RPCFraming
import Synchronization

/// Keeps `concurrency` calls in flight on one channel, entirely on the channel's event loop: each completion
/// records the call and starts the next one from the completion callback itself, with no task or thread hop.
///
/// `@unchecked Sendable` because every mutable field is touched only on `channel.eventLoop` (completions run
/// there, and ``start()`` hops there).
final class LoadDriver: @unchecked Sendable {
    let channel: GRPCChannel
    let plan: LoadPlan
    let concurrency: Int

    /// Latencies in microseconds, up to a minute.
    private(set) var histogram = Histogram<UInt64>(
        highestTrackableValue: 60_000_000,
        numberOfSignificantValueDigits: .three
    )
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
