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
final class LoadDriver: @unchecked Sendable, BenchConnection.Delegate {
    /// How calls go out: the bench's lean connection (default) or the general-purpose client.
    enum Transport {
        case lean(BenchConnection)
        case channel(GRPCChannel)
    }

    let transport: Transport
    let loop: any EventLoop
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
    /// Set when the connection is gone: no more calls start.
    private var stopped = false

    init(transport: Transport, plan: LoadPlan, concurrency: Int) {
        self.transport = transport
        switch transport {
        case .lean(let connection): self.loop = connection.eventLoop
        case .channel(let channel): self.loop = channel.eventLoop
        }
        self.plan = plan
        self.concurrency = concurrency
    }

    /// Starts the calls; the future completes when the plan admits no more and the last call has ended.
    func start() -> EventLoopFuture<Void> {
        let loop = self.loop
        if case .lean(let connection) = self.transport { connection.delegate = self }
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

    /// Starts the next call, if the plan admits one; `now` is the caller's clock reading when it has one.
    private func next(now: NIODeadline = .now()) {
        let (start, measured) = self.stopped ? (false, false) : self.plan.admit(now: now)
        guard start else {
            if self.inFlight == 0, let finished = self.finished {
                self.finished = nil
                finished.succeed()
            }
            return
        }
        switch self.transport {
        case .lean(let connection):
            guard connection.startCall(started: now, measured: measured) else {
                if measured { self.errors["UNAVAILABLE (cannot start)", default: 0] += 1 }
                self.stopped = true
                if self.inFlight == 0, let finished = self.finished {
                    self.finished = nil
                    finished.succeed()
                }
                return
            }
            self.inFlight += 1
        case .channel(let channel):
            self.inFlight += 1
            channel.startCall(path: self.plan.path, request: self.plan.request, timeout: self.plan.timeout) {
                [self] result in
                self.callEnded(code: result.code, messages: result.messageCount, started: now, measured: measured)
            }
        }
    }

    func connectionLost() {
        self.stopped = true
    }

    func callEnded(code: StatusCode, messages: Int, started: NIODeadline, measured: Bool) {
        self.inFlight -= 1
        let now = NIODeadline.now()
        if measured {
            if self.firstMeasured == nil { self.firstMeasured = started }
            self.lastMeasured = now
            if code == .ok && (self.plan.expectedMessages.map { $0 == messages } ?? true) {
                self.successes += 1
                self.messages += messages
                let micros = max(1, (now - started).nanoseconds / 1000)
                _ = self.histogram.record(UInt64(micros))
            } else {
                let key = code == .ok ? "OK (short stream)" : code.name
                self.errors[key, default: 0] += 1
            }
        }
        self.next(now: now)
    }
}

extension Duration {
    var nanosecondCount: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
