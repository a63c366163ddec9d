/// Errors a ``PlanningEngine`` throws besides `CancellationError`.
public enum PlanningEngineError: Error, Sendable, Hashable {
    /// The call's ``EngineCallOptions/timeout`` elapsed.
    case timedOut(Duration)
    /// An argument is unusable; the message names it and says why (safe to show to clients).
    case invalidArgument(String)
}
