/// Cancellation and timeout checks for one engine call, done between items.
struct CallDeadline: Sendable {
    private let timeout: Duration?
    private let instant: ContinuousClock.Instant?

    init(_ options: EngineCallOptions, clock: ContinuousClock = ContinuousClock()) {
        self.timeout = options.timeout
        self.instant = options.timeout.map { clock.now.advanced(by: $0) }
    }

    /// Throws `CancellationError` when the task is cancelled, ``PlanningEngineError/timedOut(_:)`` when late.
    func check() throws {
        try Task.checkCancellation()
        if let instant, let timeout, ContinuousClock.now >= instant {
            throw PlanningEngineError.timedOut(timeout)
        }
    }
}
