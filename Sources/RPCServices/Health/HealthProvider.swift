internal import Synchronization

/// The serving status of each service, as the daemon sets it; ``HealthService`` answers from it.
///
/// The empty service name is the server as a whole. A provider starts with that one SERVING; the daemon adds the
/// services it registers. ``beginGracefulShutdown()`` turns everything NOT_SERVING for good, as grpc-go's
/// `health.Server.Shutdown` does, so load balancers stop sending calls while the server drains.
public final class HealthProvider: Sendable {
    private struct State {
        var statuses: [String: ServingStatus] = [:]
        var watchers: [String: [Int: AsyncStream<ServingStatus>.Continuation]] = [:]
        var nextWatcherID = 0
        var shuttingDown = false
    }

    private let state: Mutex<State>

    /// A provider with the server as a whole ("") and each of `services` SERVING.
    public init(services: [String] = []) {
        var state = State()
        state.statuses[""] = .serving
        for service in services {
            state.statuses[service] = .serving
        }
        self.state = Mutex(state)
    }

    /// Sets the status of one service ("" for the server), telling its watchers when it changes. Ignored once the
    /// graceful shutdown has begun: a draining server stays NOT_SERVING whatever a component reports.
    public func setStatus(_ status: ServingStatus, forService service: String) {
        let watchers = self.state.withLock { state -> [AsyncStream<ServingStatus>.Continuation] in
            guard !state.shuttingDown, state.statuses[service] != status else { return [] }
            state.statuses[service] = status
            return Array(state.watchers[service, default: [:]].values)
        }
        for watcher in watchers {
            watcher.yield(status)
        }
    }

    /// The status of a service, or nil when it was never set.
    public func status(forService service: String) -> ServingStatus? {
        self.state.withLock { $0.statuses[service] }
    }

    /// Every known service and its status.
    public var statuses: [String: ServingStatus] {
        self.state.withLock { $0.statuses }
    }

    /// True once ``beginGracefulShutdown()`` was called.
    public var isShuttingDown: Bool {
        self.state.withLock { $0.shuttingDown }
    }

    /// Turns every service NOT_SERVING for good and ends the watches once they have delivered it, so that a Watch
    /// call does not hold the server's drain open until its timeout.
    public func beginGracefulShutdown() {
        let watchers = self.state.withLock { state -> [AsyncStream<ServingStatus>.Continuation] in
            guard !state.shuttingDown else { return [] }
            state.shuttingDown = true
            for service in state.statuses.keys {
                state.statuses[service] = .notServing
            }
            let watchers = state.watchers.values.flatMap(\.values)
            state.watchers = [:]
            return watchers
        }
        for watcher in watchers {
            watcher.yield(.notServing)
            watcher.finish()
        }
    }

    /// The statuses of one service: the current one at once (SERVICE_UNKNOWN when not set), then each change.
    ///
    /// Changes a slow reader has not taken yet are coalesced to the latest, as in grpc-go: a watcher wants the
    /// current state, not the history. The sequence ends after the shutdown's NOT_SERVING, or when the iterating
    /// task is cancelled.
    public func watch(service: String) -> AsyncStream<ServingStatus> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: ServingStatus.self,
            bufferingPolicy: .bufferingNewest(1)
        )
        let registered = self.state.withLock { state -> (id: Int, current: ServingStatus)? in
            let current = state.statuses[service] ?? .serviceUnknown
            guard !state.shuttingDown else { return nil }
            let id = state.nextWatcherID
            state.nextWatcherID += 1
            state.watchers[service, default: [:]][id] = continuation
            return (id, current)
        }
        guard let registered else {
            continuation.yield(self.status(forService: service) ?? .serviceUnknown)
            continuation.finish()
            return stream
        }
        continuation.yield(registered.current)
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.watchers[service]?.removeValue(forKey: registered.id) }
        }
        return stream
    }
}
