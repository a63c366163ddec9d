/// How the tracer batches, bounds and sends its spans. The defaults are OpenTelemetry's batch span processor's
/// (`OTEL_BSP_*`), with a shorter schedule delay so that a trace shows up while one still looks for it.
public struct TracerConfiguration: Sendable {
    /// Where the spans go.
    public var endpoint: OTLPEndpoint
    /// The `service.name` resource attribute.
    public var serviceName = "planning-rpcd"
    /// Spans waiting for export at most; more are dropped and counted.
    public var queueCapacity = 2048
    /// Spans per export request at most; a queue holding this many is exported at once.
    public var batchSize = 512
    /// How long a span waits at most for a batch to fill.
    public var interval: Duration = .seconds(1)
    /// One request's budget: connect, send, response.
    public var exportTimeout: Duration = .seconds(5)
    /// Tries per batch (the first and the retries) on a retryable failure, then the batch is dropped and counted.
    public var maxAttempts = 3
    /// The first retry's wait; each further one doubles it, up to ``maxBackoff``.
    public var initialBackoff: Duration = .milliseconds(250)
    public var maxBackoff: Duration = .seconds(5)

    public init(endpoint: OTLPEndpoint) {
        self.endpoint = endpoint
    }
}
