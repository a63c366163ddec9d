#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import Logging
internal import Metrics
internal import NIOCore
public import NIOPosix
public import RPCFraming
import Synchronization

/// Makes spans and exports them to an OpenTelemetry collector over OTLP/HTTP (JSON), in batches, off the call path.
///
/// The call path only makes a ``Span`` (``startSpan(name:kind:parent:)``) and hands it back finished
/// (``end(_:)``): a lock, an append to a bounded queue, and, once per batch, a wake-up of the exporter. The exporter
/// task encodes and posts; when the collector is down or slow its queue fills and further spans are dropped and
/// counted in `planning_trace_spans_dropped_total`, never waited for.
public final class Tracer: Sendable {
    private enum Phase {
        case idle
        case running(Task<Void, Never>)
        case stopping(Task<Void, Never>)
        case stopped
    }

    private struct State {
        var phase = Phase.idle
        /// Completed to wake the exporter before its interval is up.
        var waiter: EventLoopPromise<Void>?
        /// Whether the last export failed, so that a collector that is down is logged once, not every second.
        var failing = false
        /// Spans the collector accepted, and spans given up on after the export failed, since start.
        var exported = 0
        var failed = 0
    }

    public let configuration: TracerConfiguration
    let queue: SpanQueue
    private let encoder: OTLPJSONEncoder
    private let client: OTLPHTTPClient
    private let loop: any EventLoop
    private let logger: Logger
    private let state = Mutex(State())
    private let droppedFull: Counter
    private let droppedFailed: Counter
    private let exported: Counter

    public init(
        configuration: TracerConfiguration, group: MultiThreadedEventLoopGroup = .singleton, logger: Logger
    ) {
        self.configuration = configuration
        self.queue = SpanQueue(capacity: configuration.queueCapacity, batchSize: configuration.batchSize)
        self.encoder = OTLPJSONEncoder(serviceName: configuration.serviceName)
        self.client = OTLPHTTPClient(endpoint: configuration.endpoint, group: group, timeout: configuration.exportTimeout)
        self.loop = group.next()
        self.logger = logger
        self.droppedFull = Counter(label: "planning_trace_spans_dropped_total", dimensions: [("reason", "queue_full")])
        self.droppedFailed = Counter(
            label: "planning_trace_spans_dropped_total", dimensions: [("reason", "export_failed")])
        self.exported = Counter(label: "planning_trace_spans_exported_total")
    }

    // MARK: The call path

    /// A span that starts now: a child of `parent` (the caller's `traceparent`, or a job's stored context) when
    /// there is one, otherwise the root of a new trace.
    public func startSpan(name: String, kind: Span.Kind, parent: TraceContext?) -> Span {
        let spanID = UInt64.random(in: 1...UInt64.max)
        guard let parent else {
            let traceID = Span.hex(UInt64.random(in: 0...UInt64.max)) + Span.hex(UInt64.random(in: 1...UInt64.max))
            return Span(
                name: name, kind: kind, traceID: traceID, spanID: spanID, parentSpanID: nil,
                startUnixNano: Self.nowUnixNano())
        }
        return Span(
            name: name, kind: kind, traceID: parent.traceID, spanID: spanID, parentSpanID: parent.spanID,
            flags: parent.flags, traceState: parent.traceState, startUnixNano: Self.nowUnixNano())
    }

    /// Ends a call's server span with the call's gRPC status.
    public func end(_ span: Span, code: StatusCode, message: String) {
        var span = span
        span.grpcStatusCode = code.rawValue
        span.status = Span.serverStatus(code, message: message)
        self.end(span)
    }

    /// Ends `span` now and queues it for export, unless its trace is not sampled (the caller's `traceparent` said
    /// so: a parent-based sampler, as OpenTelemetry's default).
    public func end(_ span: Span) {
        guard span.isSampled else { return }
        var span = span
        span.endUnixNano = Self.nowUnixNano()
        switch self.queue.append(span) {
        case .queued: break
        case .batchReady: self.wake()
        case .dropped: self.droppedFull.increment()
        }
    }

    /// Spans dropped because the queue was full, since start.
    public var droppedSpans: Int { self.queue.dropped }

    /// Spans the collector accepted, since start.
    public var exportedSpans: Int { self.state.withLock { $0.exported } }

    /// Spans dropped because their export failed (after its retries), since start.
    public var failedSpans: Int { self.state.withLock { $0.failed } }

    // MARK: The exporter

    /// Starts the export task. Call once.
    public func start() {
        self.state.withLock { state in
            guard case .idle = state.phase else { return }
            state.phase = .running(Task { await self.run() })
        }
    }

    /// Exports what is queued (no retries: the process is going away) and stops, within `timeout`; what is left
    /// then is lost. Returns once the export task has ended or the time is up.
    public func shutdown(within timeout: Duration) async {
        let task: Task<Void, Never>? = self.state.withLock { state in
            switch state.phase {
            case .running(let task):
                state.phase = .stopping(task)
                return task
            case .stopping(let task):
                return task
            case .idle, .stopped:
                state.phase = .stopped
                return nil
            }
        }
        guard let task else { return }
        self.wake()
        let first = Mutex<CheckedContinuation<Void, Never>?>(nil)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            first.withLock { $0 = continuation }
            let resume: @Sendable () -> Void = { first.withLock { $0.take() }?.resume() }
            Task {
                await task.value
                resume()
            }
            Task {
                try? await Task.sleep(for: timeout)
                resume()
            }
        }
        self.state.withLock { $0.phase = .stopped }
        let left = self.queue.count
        if left > 0 {
            self.logger.warning("trace export stopped with spans left unsent", metadata: ["spans": "\(left)"])
        }
    }

    private var isStopping: Bool {
        self.state.withLock { state in
            switch state.phase {
            case .stopping, .stopped: true
            case .idle, .running: false
            }
        }
    }

    private func run() async {
        while true {
            let stopping = self.isStopping
            if !stopping {
                await self.waitForWork()
            }
            let last = stopping || self.isStopping
            while case let batch = self.queue.take(upTo: self.configuration.batchSize), !batch.isEmpty {
                await self.export(batch, retrying: !last)
            }
            if last { return }
        }
    }

    /// Waits until a batch is ready, the interval is up, or the tracer stops.
    private func waitForWork() async {
        let promise = self.loop.makePromise(of: Void.self)
        self.state.withLock { $0.waiter = promise }
        if self.queue.count >= self.configuration.batchSize || self.isStopping {
            self.wake()
        }
        let timer = self.loop.scheduleTask(in: .nanoseconds(OTLPHTTPClient.nanoseconds(self.configuration.interval))) {
            promise.succeed()
        }
        try? await promise.futureResult.get()
        timer.cancel()
    }

    private func wake() {
        self.state.withLock { $0.waiter.take() }?.succeed()
    }

    /// Posts one batch, trying again on the failures OTLP calls retryable with exponential backoff (or the
    /// receiver's `Retry-After`), at most ``TracerConfiguration/maxAttempts`` times.
    private func export(_ batch: [Span], retrying: Bool) async {
        let body = self.encoder.encode(batch)
        var backoff = self.configuration.initialBackoff
        var attempt = 1
        while true {
            let outcome = await self.client.post(body)
            switch outcome {
            case .accepted:
                self.exported.increment(by: batch.count)
                let recovered = self.state.withLock { state in
                    defer { state.failing = false }
                    state.exported += batch.count
                    return state.failing
                }
                if recovered { self.logger.info("trace export works again") }
                return
            case .retryable(let reason, let retryAfter):
                if retrying && attempt < self.configuration.maxAttempts && !self.isStopping {
                    attempt += 1
                    try? await Task.sleep(for: min(retryAfter ?? backoff, self.configuration.maxBackoff))
                    backoff = min(backoff * 2, self.configuration.maxBackoff)
                    continue
                }
                self.dropFailed(batch.count, reason: reason, attempts: attempt)
                return
            case .rejected(let reason):
                self.dropFailed(batch.count, reason: reason, attempts: attempt)
                return
            }
        }
    }

    private func dropFailed(_ count: Int, reason: String, attempts: Int) {
        self.droppedFailed.increment(by: count)
        let first = self.state.withLock { state in
            defer { state.failing = true }
            state.failed += count
            return !state.failing
        }
        let metadata: Logger.Metadata = [
            "endpoint": "\(self.configuration.endpoint.host):\(self.configuration.endpoint.port)",
            "reason": "\(reason)", "spans": "\(count)", "attempts": "\(attempts)",
        ]
        if first {
            self.logger.warning("trace export failed; spans dropped", metadata: metadata)
        } else {
            self.logger.debug("trace export failed; spans dropped", metadata: metadata)
        }
    }

    /// Nanoseconds since the Unix epoch, from the real-time clock (OTLP's timestamps).
    static func nowUnixNano() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
