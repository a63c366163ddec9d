import Synchronization

/// Bounds an operation in time without trusting it to honour cancellation: the caller gets an answer when the
/// operation finishes, when the time is up (`Expired`), or when the caller's task is cancelled, whichever comes
/// first. A database call stuck on a dead connection can thus never hang an RPC past its deadline; the abandoned
/// operation is cancelled and ends on its own.
enum Deadline {
    /// The operation did not finish in time.
    struct Expired: Error {
        let timeout: Duration
    }

    static func run<T: Sendable>(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> T) async throws
        -> T
    {
        let race = Race<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                guard race.wait(continuation) else { return }
                let operation = Task {
                    do { race.finish(.success(try await body())) } catch { race.finish(.failure(error)) }
                }
                let timer = Task {
                    try? await Task.sleep(for: timeout)
                    if !Task.isCancelled { race.finish(.failure(Expired(timeout: timeout))) }
                }
                race.track([operation, timer])
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }

    /// The first of the operation, the timer and the caller's cancellation to finish resumes the caller; the
    /// other two are then cancelled.
    private final class Race<T: Sendable>: Sendable {
        private enum Phase {
            case starting
            case waiting(CheckedContinuation<T, any Error>)
            case cancelledEarly
            case done
        }

        private struct State {
            var phase = Phase.starting
            var tasks: [Task<Void, Never>] = []
        }

        private let state = Mutex(State())

        /// Records the caller's continuation; returns false (having resumed it) if the caller was cancelled first.
        func wait(_ continuation: CheckedContinuation<T, any Error>) -> Bool {
            let cancelled = state.withLock { state in
                if case .cancelledEarly = state.phase {
                    state.phase = .done
                    return true
                }
                state.phase = .waiting(continuation)
                return false
            }
            if cancelled { continuation.resume(throwing: CancellationError()) }
            return !cancelled
        }

        /// Records the racing tasks, cancelling them at once if the race is over.
        func track(_ tasks: [Task<Void, Never>]) {
            let over = state.withLock { state in
                state.tasks = tasks
                if case .done = state.phase { return true }
                return false
            }
            if over { for task in tasks { task.cancel() } }
        }

        func finish(_ result: Result<T, any Error>) {
            let (continuation, tasks): (CheckedContinuation<T, any Error>?, [Task<Void, Never>]) = state.withLock {
                state in
                switch state.phase {
                case .waiting(let continuation):
                    state.phase = .done
                    return (continuation, state.tasks)
                case .starting:
                    state.phase = .cancelledEarly
                    return (nil, [])
                case .cancelledEarly, .done:
                    return (nil, [])
                }
            }
            guard let continuation else { return }
            continuation.resume(with: result)
            for task in tasks { task.cancel() }
        }
    }
}
