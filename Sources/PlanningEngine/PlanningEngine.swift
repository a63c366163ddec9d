/// The planning model behind planning-rpcd: generates test attributes, maps them to PDEs and
/// classifies PDEs.
///
/// Implementations honour task cancellation between items (a cancelled call throws
/// `CancellationError`) and the per-call ``EngineCallOptions/timeout`` (throwing
/// ``PlanningEngineError/timedOut(_:)``), so the jobs layer can stop work between any two items.
public protocol PlanningEngine: Sendable {
    /// Attributes as they are found, document by document, with progress events.
    ///
    /// The stream ends after the last ``AttributeGenerationEvent/documentFinished(documentId:attributeCount:)``
    /// or with an error. Ending the iteration early (or cancelling the consuming task) stops the work.
    func generateAttributes(
        from documents: [SourceDocument],
        options: EngineCallOptions
    ) -> AsyncThrowingStream<AttributeGenerationEvent, any Error>

    /// Up to `topK` PDEs of `catalog` ranked for `attribute`, best first, with confidences in 0...1.
    func suggestMappings(
        for attribute: AttributeQuery,
        among catalog: PDECatalog,
        topK: Int,
        options: EngineCallOptions
    ) async throws -> [MappingSuggestion]

    /// Criticality, security class and personal-data flag of one PDE, with the rule that decided.
    func classify(_ pde: PDEDescriptor, options: EngineCallOptions) async throws -> PDEClassification
}

extension PlanningEngine {
    /// ``generateAttributes(from:options:)`` without a timeout.
    public func generateAttributes(from documents: [SourceDocument]) -> AsyncThrowingStream<
        AttributeGenerationEvent, any Error
    > {
        generateAttributes(from: documents, options: .defaults)
    }

    /// ``suggestMappings(for:among:topK:options:)`` without a timeout.
    public func suggestMappings(
        for attribute: AttributeQuery,
        among catalog: PDECatalog,
        topK: Int = 5
    ) async throws -> [MappingSuggestion] {
        try await suggestMappings(for: attribute, among: catalog, topK: topK, options: .defaults)
    }

    /// ``classify(_:options:)`` without a timeout.
    public func classify(_ pde: PDEDescriptor) async throws -> PDEClassification {
        try await classify(pde, options: .defaults)
    }

    /// All new attributes of `documents`, in order; progress events are dropped.
    public func collectAttributes(
        from documents: [SourceDocument],
        options: EngineCallOptions = .defaults
    ) async throws -> [GeneratedAttribute] {
        var result: [GeneratedAttribute] = []
        for try await event in generateAttributes(from: documents, options: options) {
            if case .attribute(let attribute) = event {
                result.append(attribute)
            }
        }
        return result
    }
}
