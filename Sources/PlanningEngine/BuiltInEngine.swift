/// The default planning engine: offline, deterministic, rule- and lexicon-based.
///
/// - Attributes come from ``InstructionParser`` (numbered lists, Markdown/CSV tables, definitions),
///   typed by ``DataTypeInference`` and flagged by ``CDERules``.
/// - Mappings come from ``MappingRanker`` over a ``PDECatalog``.
/// - Classifications come from ``PDEClassifier``.
///
/// All work is CPU-bound and quick (microseconds per item), so the calls run on the caller's task;
/// they check cancellation and the deadline between items.
public struct BuiltInEngine: PlanningEngine {
    /// What a deployment may tune.
    public struct Configuration: Sendable {
        public var abbreviations: AbbreviationTable
        public var cdeRules: CDERules
        public var rankingWeights: MappingRanker.Weights

        public init(
            abbreviations: AbbreviationTable = .default,
            cdeRules: CDERules = .default,
            rankingWeights: MappingRanker.Weights = .defaults
        ) {
            self.abbreviations = abbreviations
            self.cdeRules = cdeRules
            self.rankingWeights = rankingWeights
        }

        public static var defaults: Configuration { Configuration() }
    }

    public let configuration: Configuration
    /// The analyzer for names (dedup keys, CDE keywords); catalogs built by ``makeCatalog(_:)`` share it.
    public let analyzer: TermAnalyzer
    private let parser = InstructionParser()
    private let ranker: MappingRanker
    private let classifier: PDEClassifier

    public init(configuration: Configuration = .defaults) {
        self.configuration = configuration
        self.analyzer = TermAnalyzer(abbreviations: configuration.abbreviations)
        self.ranker = MappingRanker(weights: configuration.rankingWeights)
        self.classifier = PDEClassifier(cdeRules: configuration.cdeRules, analyzer: analyzer)
    }

    /// A catalog indexed with this engine's abbreviations.
    public func makeCatalog(_ pdes: [PDEDescriptor]) -> PDECatalog {
        PDECatalog(pdes, analyzer: analyzer)
    }

    // MARK: - Attributes

    /// The attributes of one document, in document order, duplicates within it merged.
    ///
    /// Synchronous and cheap; ``generateAttributes(from:options:)`` calls it per document.
    public func extractAttributes(from document: SourceDocument) -> [GeneratedAttribute] {
        var attributes: [GeneratedAttribute] = []
        var indexByKey: [String: Int] = [:]
        for field in parser.parse(document.text) {
            let attribute = makeAttribute(field, documentId: document.id)
            let key = analyzer.normalizedName(attribute.name)
            if let existing = indexByKey[key] {
                attributes[existing] = Self.merged(attributes[existing], with: attribute)
            } else {
                indexByKey[key] = attributes.count
                attributes.append(attribute)
            }
        }
        return attributes
    }

    public func generateAttributes(
        from documents: [SourceDocument],
        options: EngineCallOptions
    ) -> AsyncThrowingStream<AttributeGenerationEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: AttributeGenerationEvent.self)
        let deadline = CallDeadline(options)
        let engine = self
        let task = Task {
            do {
                var emitted: Set<String> = []
                for (index, document) in documents.enumerated() {
                    try deadline.check()
                    continuation.yield(.documentStarted(documentId: document.id, index: index, count: documents.count))
                    var section: String?
                    var count = 0
                    for attribute in engine.extractAttributes(from: document) {
                        try deadline.check()
                        if let current = attribute.section, current != section {
                            section = current
                            continuation.yield(.sectionStarted(documentId: document.id, section: current))
                        }
                        let key = engine.analyzer.normalizedName(attribute.name)
                        if emitted.insert(key).inserted {
                            count += 1
                            continuation.yield(.attribute(attribute))
                        } else {
                            continuation.yield(
                                .duplicate(name: attribute.name, documentId: document.id, section: attribute.section))
                        }
                    }
                    continuation.yield(.documentFinished(documentId: document.id, attributeCount: count))
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private func makeAttribute(_ field: InstructionParser.Field, documentId: String) -> GeneratedAttribute {
        GeneratedAttribute(
            name: field.name,
            description: field.description,
            dataType: DataTypeInference.infer(
                name: field.name, description: field.description, allowableValues: field.allowableValues),
            isCriticalDataElement: configuration.cdeRules.isCritical(
                name: field.name, description: field.description, analyzer: analyzer),
            allowableValues: field.allowableValues,
            documentId: documentId,
            section: field.section,
            fieldNumber: field.fieldNumber
        )
    }

    /// Keeps the first occurrence's identity and fills in what the later one adds.
    static func merged(_ first: GeneratedAttribute, with later: GeneratedAttribute) -> GeneratedAttribute {
        var result = first
        if later.description.count > first.description.count { result.description = later.description }
        for value in later.allowableValues where !result.allowableValues.contains(value) {
            result.allowableValues.append(value)
        }
        if result.dataType == .text { result.dataType = later.dataType }
        result.isCriticalDataElement = first.isCriticalDataElement || later.isCriticalDataElement
        result.fieldNumber = first.fieldNumber ?? later.fieldNumber
        return result
    }

    // MARK: - Mappings

    public func suggestMappings(
        for attribute: AttributeQuery,
        among catalog: PDECatalog,
        topK: Int,
        options: EngineCallOptions
    ) async throws -> [MappingSuggestion] {
        guard topK > 0 else { throw PlanningEngineError.invalidArgument("topK must be positive, got \(topK)") }
        guard !attribute.name.trimmed().isEmpty else {
            throw PlanningEngineError.invalidArgument("attribute name must not be empty")
        }
        let deadline = CallDeadline(options)
        try deadline.check()
        let suggestions = ranker.rank(attribute, in: catalog, topK: topK)
        try deadline.check()
        return suggestions
    }

    /// Synchronous ranking for callers that are not in an async context (no cancellation checks).
    public func rankMappings(for attribute: AttributeQuery, among catalog: PDECatalog, topK: Int)
        -> [MappingSuggestion]
    {
        ranker.rank(attribute, in: catalog, topK: topK)
    }

    // MARK: - Classification

    public func classify(_ pde: PDEDescriptor, options: EngineCallOptions) async throws -> PDEClassification {
        let deadline = CallDeadline(options)
        try deadline.check()
        return classifier.classify(pde)
    }
}
