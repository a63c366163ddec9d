import Synchronization

/// The bounded buffer between the call path and the exporter: appending never waits and never grows it past its
/// capacity. When it is full the new span is dropped (and counted), so that a collector that is down or slow costs
/// the calls nothing but a lock and a counter.
final class SpanQueue: Sendable {
    private struct State {
        var spans: [Span] = []
        var dropped = 0
    }

    let capacity: Int
    /// Queued spans at which ``append(_:)`` tells its caller to wake the exporter.
    let batchSize: Int
    private let state: Mutex<State>

    init(capacity: Int, batchSize: Int) {
        precondition(capacity > 0 && batchSize > 0, "a span queue needs a positive capacity and batch size")
        self.capacity = capacity
        self.batchSize = batchSize
        var state = State()
        state.spans.reserveCapacity(capacity)
        self.state = Mutex(state)
    }

    /// What an append did.
    enum Appended: Equatable {
        case queued
        /// The queue now holds a full batch: the exporter should send without waiting for its interval.
        case batchReady
        case dropped
    }

    func append(_ span: Span) -> Appended {
        self.state.withLock { state in
            guard state.spans.count < self.capacity else {
                state.dropped += 1
                return .dropped
            }
            state.spans.append(span)
            return state.spans.count == self.batchSize ? .batchReady : .queued
        }
    }

    /// Takes up to `limit` spans, oldest first.
    func take(upTo limit: Int) -> [Span] {
        self.state.withLock { state in
            guard !state.spans.isEmpty else { return [] }
            let count = min(limit, state.spans.count)
            let batch = Array(state.spans.prefix(count))
            state.spans.removeFirst(count)
            return batch
        }
    }

    var count: Int { self.state.withLock { $0.spans.count } }

    /// Spans dropped because the queue was full, since it was made.
    var dropped: Int { self.state.withLock { $0.dropped } }
}
