internal import RPCFraming
import Synchronization

/// The hand-over between a server-streaming call on the event loop and the task that reads it, with HTTP/2
/// flow control as the back-pressure.
///
/// Every DATA byte received is owed back to flow control (`nghttp2_session_consume`) exactly once. Bytes that
/// complete messages are owed when the consumer takes those messages; bytes of a partial message are given back
/// at once when the consumer has nothing queued (a message larger than the window could never finish
/// otherwise), and when the consumer empties its queue otherwise. So a consumer that stops reading holds at most
/// one window of messages plus one partial message here, and the server's writer waits.
final class ResponseStreamBuffer: Sendable {
    private struct Queued {
        var message: [UInt8]
        /// Wire bytes to give back to flow control when this message is taken.
        var credit: Int
    }

    private struct End {
        var code: StatusCode
        var message: String
        var trailingMetadata: Metadata
    }

    private struct State {
        var queue: [Queued] = []
        var head = 0
        /// Bytes of partial messages that arrived while messages were queued.
        var deferredCredit = 0
        /// Credit the consumer has earned but not yet handed to the event loop (batched).
        var unreturnedCredit = 0
        var initialMetadata: Metadata?
        var headerWaiters: [CheckedContinuation<Metadata, any Error>] = []
        var end: End?
        var waiter: CheckedContinuation<[UInt8]?, any Error>?
        var cancelled = false
        var returnCredit: (@Sendable (Int) -> Void)?
        var cancelStream: (@Sendable () -> Void)?

        var queuedCount: Int { self.queue.count - self.head }

        mutating func pop() -> Queued {
            let item = self.queue[self.head]
            self.queue[self.head].message = []
            self.head += 1
            if self.head == self.queue.count {
                self.queue.removeAll(keepingCapacity: true)
                self.head = 0
            }
            return item
        }

        /// Everything still owed to flow control, for a consumer that leaves.
        mutating func takeAllCredit() -> Int {
            var total = self.deferredCredit + self.unreturnedCredit
            for index in self.head..<self.queue.count {
                total += self.queue[index].credit
            }
            self.queue.removeAll()
            self.head = 0
            self.deferredCredit = 0
            self.unreturnedCredit = 0
            return total
        }
    }

    /// Credit is handed to the event loop in batches of at least this many bytes (or when the queue runs dry),
    /// so a stream of small messages does not cost one loop hop per message.
    private static let creditBatch = 16 * 1024

    private let state = Mutex(State())

    init() {}

    /// Connects the buffer to its stream once it is on the wire: how to give credit back, how to cancel.
    func attach(returnCredit: @escaping @Sendable (Int) -> Void, cancelStream: @escaping @Sendable () -> Void) {
        let cancelNow = self.state.withLock { state -> Bool in
            state.returnCredit = returnCredit
            state.cancelStream = cancelStream
            return state.cancelled && state.end == nil
        }
        if cancelNow { cancelStream() }
    }

    // MARK: Producer side (the event loop)

    func receivedHeaders(_ metadata: Metadata) {
        let waiters = self.state.withLock { state in
            state.initialMetadata = metadata
            defer { state.headerWaiters = [] }
            return state.headerWaiters
        }
        for waiter in waiters { waiter.resume(returning: metadata) }
    }

    /// Queues the messages completed by `wireBytes` received bytes; returns the bytes to consume at once.
    func deliver(_ messages: [[UInt8]], wireBytes: Int) -> Int {
        typealias Delivery = (waiter: CheckedContinuation<[UInt8]?, any Error>?, message: [UInt8], credit: Int)
        let (waiter, message, credit) = self.state.withLock { state -> Delivery in
            if state.cancelled { return (nil, [], wireBytes) }
            guard !messages.isEmpty else {
                if state.queuedCount == 0 { return (nil, [], wireBytes) }
                state.deferredCredit += wireBytes
                return (nil, [], 0)
            }
            for (index, message) in messages.enumerated() {
                state.queue.append(Queued(message: message, credit: index == messages.count - 1 ? wireBytes : 0))
            }
            guard let waiter = state.waiter else { return (nil, [], 0) }
            state.waiter = nil
            let item = state.pop()
            var credit = item.credit
            if state.queuedCount == 0 {
                credit += state.deferredCredit
                state.deferredCredit = 0
            }
            return (waiter, item.message, credit)
        }
        waiter?.resume(returning: message)
        return credit
    }

    func finish(code: StatusCode, message: String, trailingMetadata: Metadata) {
        let (waiter, headerWaiters, end) = self.state.withLock { state in
            let end = End(code: code, message: message, trailingMetadata: trailingMetadata)
            state.end = end
            let headerWaiters = state.headerWaiters
            state.headerWaiters = []
            var waiter: CheckedContinuation<[UInt8]?, any Error>?
            if state.queuedCount == 0 {
                waiter = state.waiter
                state.waiter = nil
            }
            return (waiter, headerWaiters, end)
        }
        for headerWaiter in headerWaiters {
            if end.code == .ok {
                headerWaiter.resume(returning: Metadata())
            } else {
                headerWaiter.resume(throwing: Self.error(end))
            }
        }
        if let waiter {
            if end.code == .ok {
                waiter.resume(returning: nil)
            } else {
                waiter.resume(throwing: Self.error(end))
            }
        }
    }

    // MARK: Consumer side (any task)

    func next() async throws -> [UInt8]? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8]?, any Error>) in
                enum Outcome {
                    case message([UInt8], credit: Int)
                    case end(End?)
                    case cancelled
                    case wait
                }
                let (outcome, returnCredit) = self.state.withLock { state -> (Outcome, (@Sendable (Int) -> Void)?) in
                    if state.cancelled && state.end == nil { return (.cancelled, nil) }
                    if state.queuedCount > 0 {
                        let item = state.pop()
                        state.unreturnedCredit += item.credit
                        if state.queuedCount == 0 {
                            state.unreturnedCredit += state.deferredCredit
                            state.deferredCredit = 0
                        }
                        var credit = 0
                        let drained = state.queuedCount == 0 && state.unreturnedCredit > 0
                        if state.unreturnedCredit >= Self.creditBatch || drained {
                            credit = state.unreturnedCredit
                            state.unreturnedCredit = 0
                        }
                        return (.message(item.message, credit: credit), state.returnCredit)
                    }
                    if let end = state.end { return (.end(end), nil) }
                    state.waiter = continuation
                    return (.wait, nil)
                }
                switch outcome {
                case .message(let message, let credit):
                    if credit > 0 { returnCredit?(credit) }
                    continuation.resume(returning: message)
                case .end(let end):
                    if let end, end.code != .ok {
                        continuation.resume(throwing: Self.error(end))
                    } else {
                        continuation.resume(returning: nil)
                    }
                case .cancelled:
                    continuation.resume(throwing: RPCError(code: .cancelled, message: "the call was cancelled"))
                case .wait:
                    break
                }
            }
        } onCancel: {
            self.cancel()
        }
    }

    func initialMetadata() async throws -> Metadata {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Metadata, any Error>) in
            let result = self.state.withLock { state -> Result<Metadata, any Error>? in
                if let metadata = state.initialMetadata { return .success(metadata) }
                if let end = state.end {
                    return end.code == .ok ? .success(Metadata()) : .failure(Self.error(end))
                }
                state.headerWaiters.append(continuation)
                return nil
            }
            if let result { continuation.resume(with: result) }
        }
    }

    /// The trailers' metadata once the call has ended (successfully or not), nil before.
    var trailingMetadata: Metadata? {
        self.state.withLock { $0.end?.trailingMetadata }
    }

    /// The consumer stops: reset the stream if it still runs, give every byte back to flow control.
    func cancel() {
        let (waiter, credit, returnCredit, cancelStream) = self.state.withLock { state in
            let running = state.end == nil && !state.cancelled
            state.cancelled = true
            let waiter = state.waiter
            state.waiter = nil
            return (waiter, state.takeAllCredit(), state.returnCredit, running ? state.cancelStream : nil)
        }
        cancelStream?()
        if credit > 0 { returnCredit?(credit) }
        waiter?.resume(throwing: RPCError(code: .cancelled, message: "the call was cancelled"))
    }

    private static func error(_ end: End) -> RPCError {
        RPCError(code: end.code, message: end.message, metadata: end.trailingMetadata)
    }
}
