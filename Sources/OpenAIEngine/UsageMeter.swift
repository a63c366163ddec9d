internal import Synchronization

/// A thread-safe running total of ``TokenUsage``.
///
/// The engine keeps one for all its calls (``OpenAIEngine/usage``). A job that wants its own total
/// runs its engine calls inside ``OpenAIEngine/measuringUsage(_:)``, which binds a meter to the task
/// (a task-local, so it follows child tasks and the engine's own streaming tasks).
public final class UsageMeter: Sendable {
    private let total = Mutex(TokenUsage.zero)

    public init() {}

    /// The usage recorded so far.
    public var usage: TokenUsage { total.withLock { $0 } }

    func record(_ usage: TokenUsage) {
        total.withLock { $0 += usage }
    }

    /// The meter of the current task's ``OpenAIEngine/measuringUsage(_:)`` scope, if any.
    @TaskLocal static var current: UsageMeter?
}
