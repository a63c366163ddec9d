internal import PlanningEngine

/// The time an engine call may still spend: its ``EngineCallOptions/timeout`` counted from the start.
struct CallBudget: Sendable {
    let timeout: Duration?
    private let end: ContinuousClock.Instant?

    init(_ options: EngineCallOptions) {
        timeout = options.timeout
        end = options.timeout.map { ContinuousClock.now.advanced(by: $0) }
    }

    /// What is left, `nil` when the call has no timeout.
    var remaining: Duration? {
        end.map { max(.zero, $0 - ContinuousClock.now) }
    }

    var isExpired: Bool {
        remaining.map { $0 <= .zero } ?? false
    }

    /// Throws `CancellationError` when the task is cancelled, `PlanningEngineError.timedOut` when late.
    func check() throws {
        try Task.checkCancellation()
        if let timeout, isExpired { throw PlanningEngineError.timedOut(timeout) }
    }

    /// `duration`, shortened to what is left of the call.
    func capped(_ duration: Duration) -> Duration {
        remaining.map { min($0, duration) } ?? duration
    }
}
