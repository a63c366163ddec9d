/// Wraps an engine and waits a fixed time before each item, as a language model would take.
///
/// The built-in engine answers in microseconds, so a demo job is over before a progress bar can be seen
/// and a test cannot interrupt a job halfway. `planning-rpcd --simulated-model-latency-ms` puts this in
/// front of it; it is off unless asked for.
public struct SimulatedLatencyEngine: PlanningEngine {
    public let base: any PlanningEngine
    public let latency: Duration

    public init(base: any PlanningEngine, latency: Duration) {
        self.base = base
        self.latency = latency
    }

    public func generateAttributes(
        from documents: [SourceDocument],
        options: EngineCallOptions
    ) -> AsyncThrowingStream<AttributeGenerationEvent, any Error> {
        let upstream = self.base.generateAttributes(from: documents, options: options)
        let latency = self.latency
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: AttributeGenerationEvent.self)
        let task = Task {
            do {
                for try await event in upstream {
                    if case .attribute = event {
                        try await Task.sleep(for: latency)
                    }
                    continuation.yield(event)
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    public func suggestMappings(
        for attribute: AttributeQuery,
        among catalog: PDECatalog,
        topK: Int,
        options: EngineCallOptions
    ) async throws -> [MappingSuggestion] {
        try await Task.sleep(for: self.latency)
        return try await self.base.suggestMappings(for: attribute, among: catalog, topK: topK, options: options)
    }

    public func classify(_ pde: PDEDescriptor, options: EngineCallOptions) async throws -> PDEClassification {
        try await Task.sleep(for: self.latency)
        return try await self.base.classify(pde, options: options)
    }
}
