public import Logging
public import RPCFraming

extension TraceContext {
    /// The trace context of the call whose handler runs in this task, when the call sent a valid `traceparent`.
    @TaskLocal public static var current: TraceContext?

    /// Adds `trace-id` and `span-id` (the caller's span) to every log line written inside a call that sent a
    /// valid `traceparent`; install it with `LoggingSystem.bootstrap(_:metadataProvider:)`.
    public static let loggingMetadataProvider = Logger.MetadataProvider {
        guard let trace = TraceContext.current else { return [:] }
        return ["trace-id": "\(trace.traceID)", "span-id": "\(trace.spanID)"]
    }
}
