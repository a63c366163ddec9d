import Metrics
import PlanningEngine

/// Wraps the planning engine with the metrics of its calls: `planning_engine_call_seconds` (a histogram) and
/// `planning_engine_errors_total`, by operation and provider. A cancelled call is neither an error nor timed.
struct MeteredEngine: PlanningEngine {
    let base: any PlanningEngine
    private let generate: Instruments
    private let suggest: Instruments
    private let classify: Instruments

    private struct Instruments: Sendable {
        let latency: Timer
        let errors: Counter

        init(operation: String, provider: String) {
            let dimensions = [("operation", operation), ("provider", provider)]
            self.latency = Timer(label: "planning_engine_call_seconds", dimensions: dimensions)
            self.errors = Counter(label: "planning_engine_errors_total", dimensions: dimensions)
        }

        func measure<T>(_ body: () async throws -> T) async throws -> T {
            let start = ContinuousClock.now
            do {
                let value = try await body()
                self.latency.recordNanoseconds((ContinuousClock.now - start).nanoseconds)
                return value
            } catch {
                if !(error is CancellationError) && !Task.isCancelled { self.errors.increment() }
                throw error
            }
        }
    }

    init(base: any PlanningEngine, provider: String) {
        self.base = base
        self.generate = Instruments(operation: "generate_attributes", provider: provider)
        self.suggest = Instruments(operation: "suggest_mappings", provider: provider)
        self.classify = Instruments(operation: "classify", provider: provider)
    }

    func generateAttributes(
        from documents: [SourceDocument], options: EngineCallOptions
    ) -> AsyncThrowingStream<AttributeGenerationEvent, any Error> {
        let upstream = self.base.generateAttributes(from: documents, options: options)
        let instruments = self.generate
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: AttributeGenerationEvent.self)
        // The call lasts from the request to the stream's end.
        let task = Task {
            do {
                try await instruments.measure {
                    for try await event in upstream { continuation.yield(event) }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    func suggestMappings(
        for attribute: AttributeQuery, among catalog: PDECatalog, topK: Int, options: EngineCallOptions
    ) async throws -> [MappingSuggestion] {
        try await self.suggest.measure {
            try await self.base.suggestMappings(for: attribute, among: catalog, topK: topK, options: options)
        }
    }

    func classify(_ pde: PDEDescriptor, options: EngineCallOptions) async throws -> PDEClassification {
        try await self.classify.measure { try await self.base.classify(pde, options: options) }
    }
}

extension Duration {
    /// The whole nanoseconds, for swift-metrics' timers.
    fileprivate var nanoseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
