/// Per-call options every ``PlanningEngine`` method accepts.
public struct EngineCallOptions: Sendable, Hashable {
    /// The most the call may take; `nil` means no limit beyond task cancellation.
    /// A stream's timeout covers the whole stream, not each element.
    public var timeout: Duration?

    public init(timeout: Duration? = nil) {
        self.timeout = timeout
    }

    /// No timeout.
    public static var defaults: EngineCallOptions { EngineCallOptions() }
}
