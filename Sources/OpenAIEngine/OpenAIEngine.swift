public import AsyncHTTPClient
public import Logging
public import PlanningEngine

/// A ``PlanningEngine`` backed by an OpenAI-compatible Chat Completions server (OpenAI, vLLM,
/// llama.cpp's server, Ollama), over AsyncHTTPClient.
///
/// - Attributes: each document is cut into chunks of at most
///   ``Configuration/contextBudgetCharacters`` (at headings, then paragraphs); the model lists the
///   attributes of each chunk, and the stream yields them chunk by chunk.
/// - Mappings: the built-in ``MappingRanker`` shortlists ``Configuration/mappingShortlistSize``
///   PDEs lexically; the model ranks them. Only shortlisted ids are accepted.
/// - Classifications: the model classifies one PDE from its names, type, description and (masked,
///   by default) sample shapes.
///
/// Every answer must be JSON of a fixed schema and is validated; an invalid answer is sent back
/// once with the validation error, then the item fails with ``OpenAIEngineError`` (code
/// `invalidAnswer`). Requests are retried with backoff on 408, 429 and 5xx (honouring
/// `Retry-After`), timeouts and dropped connections; at most
/// ``Configuration/maxConcurrentRequests`` are in flight across all callers of one engine.
/// Cancelling the calling task cancels the HTTP request.
///
/// ```swift
/// let engine = try OpenAIEngine(
///     configuration: .init(
///         baseURL: "http://localhost:11434/v1",  // --model-base-url
///         model: "llama3.1:8b",  // --model-name
///         apiKey: APIKey.fromEnvironment(APIKey.defaultEnvironmentVariable)
///     ),
///     httpClient: .shared,
///     logger: logger
/// )
/// ```
public final class OpenAIEngine: PlanningEngine {
    public let configuration: Configuration
    private let client: ChatCompletionsClient
    private let meter = UsageMeter()
    private let analyzer: TermAnalyzer
    private let ranker = MappingRanker()
    private let logger: Logger

    /// An engine that sends its requests through `httpClient`, which the caller owns and shuts down.
    ///
    /// Throws ``OpenAIEngineError`` (`invalidConfiguration`) when the configuration is unusable.
    public init(
        configuration: Configuration,
        httpClient: HTTPClient = .shared,
        logger: Logger = Logger(label: "planning.engine.openai")
    ) throws(OpenAIEngineError) {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        self.analyzer = TermAnalyzer(abbreviations: configuration.abbreviations)
        self.client = ChatCompletionsClient(
            configuration: configuration,
            httpClient: httpClient,
            logger: logger,
            semaphore: AsyncSemaphore(permits: configuration.maxConcurrentRequests),
            meter: meter
        )
    }

    /// Tokens and requests of every call made through this engine so far.
    public var usage: TokenUsage { meter.usage }

    /// Runs `body` and returns, with its result, the usage of the engine calls made inside it
    /// (on any engine of this module), so a job can report its own tokens while other jobs share
    /// the engine. Calls finished inside `body` are counted; stream tasks still running are
    /// counted as their requests complete.
    public static func measuringUsage<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> T
    ) async rethrows -> (result: T, usage: TokenUsage) {
        let meter = UsageMeter()
        let result = try await UsageMeter.$current.withValue(meter, operation: body, isolation: isolation)
        return (result, meter.usage)
    }

    // MARK: - Attributes

    public func generateAttributes(
        from documents: [SourceDocument],
        options: EngineCallOptions
    ) -> AsyncThrowingStream<AttributeGenerationEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: AttributeGenerationEvent.self)
        let budget = CallBudget(options)
        let task = Task {
            do {
                try await self.generate(documents, budget: budget) { continuation.yield($0) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private func generate(
        _ documents: [SourceDocument],
        budget: CallBudget,
        yield: (AttributeGenerationEvent) -> Void
    ) async throws {
        let chunker = DocumentChunker(budget: configuration.contextBudgetCharacters)
        var emitted: Set<String> = []
        var failures: [OpenAIEngineError] = []
        var chunkTotal = 0
        for (index, document) in documents.enumerated() {
            try budget.check()
            yield(.documentStarted(documentId: document.id, index: index, count: documents.count))
            let chunks = chunker.chunks(document.text)
            chunkTotal += chunks.count
            var section: String?
            var count = 0
            try await forEachChunkResult(of: document, chunks: chunks, budget: budget) { result in
                let attributes: [GeneratedAttribute]
                switch result {
                case .success(let found):
                    attributes = found
                case .failure(let error):
                    logger.debug("chunk failed", metadata: ["error": "\(error.message)"])
                    if configuration.failedChunkPolicy == .failImmediately { throw error }
                    failures.append(error)
                    return
                }
                for attribute in attributes {
                    if let current = attribute.section, current != section {
                        section = current
                        yield(.sectionStarted(documentId: document.id, section: current))
                    }
                    if emitted.insert(analyzer.normalizedName(attribute.name)).inserted {
                        count += 1
                        yield(.attribute(attribute))
                    } else {
                        yield(.duplicate(name: attribute.name, documentId: document.id, section: attribute.section))
                    }
                }
            }
            yield(.documentFinished(documentId: document.id, attributeCount: count))
        }
        if configuration.failedChunkPolicy == .failAtEnd, !failures.isEmpty {
            throw OpenAIEngineError(
                code: .invalidAnswer,
                message: "\(failures.count) of \(chunkTotal) chunk(s) failed: "
                    + failures.map(\.message).joined(separator: "; "),
                attempts: failures.reduce(0) { $0 + $1.attempts })
        }
    }

    /// Calls `handle` with each chunk's attributes (or its item failure) in chunk order, while up to
    /// ``Configuration/chunkConcurrency`` chunks are being asked about at once. Other errors end the
    /// work and are thrown.
    private func forEachChunkResult(
        of document: SourceDocument,
        chunks: [DocumentChunk],
        budget: CallBudget,
        handle: (Result<[GeneratedAttribute], OpenAIEngineError>) throws -> Void
    ) async throws {
        typealias ChunkResult = (index: Int, result: Result<[GeneratedAttribute], OpenAIEngineError>)
        try await withThrowingTaskGroup(of: ChunkResult.self) { group in
            var next = 0
            var nextToHandle = 0
            var ready: [Int: Result<[GeneratedAttribute], OpenAIEngineError>] = [:]
            while next < chunks.count || nextToHandle < chunks.count {
                while next < chunks.count, next - nextToHandle < configuration.chunkConcurrency {
                    try budget.check()
                    let index = next
                    group.addTask {
                        (
                            index,
                            try await self.ask(
                                chunk: chunks[index], index: index, of: chunks.count, in: document, budget)
                        )
                    }
                    next += 1
                }
                guard let finished = try await group.next() else { break }
                ready[finished.index] = finished.result
                while let result = ready.removeValue(forKey: nextToHandle) {
                    try handle(result)
                    nextToHandle += 1
                }
            }
        }
    }

    /// The attributes of one chunk; an invalid answer is returned as a failure, anything else thrown.
    private func ask(
        chunk: DocumentChunk,
        index: Int,
        of count: Int,
        in document: SourceDocument,
        _ budget: CallBudget
    ) async throws -> Result<[GeneratedAttribute], OpenAIEngineError> {
        let item = "document '\(document.id)' chunk \(index + 1) of \(count)"
        let messages = [
            ChatMessage.system(systemPrompt(AttributePrompt.system, output: AttributePrompt.output)),
            .user(AttributePrompt.user(document: document, chunk: chunk, index: index, count: count)),
        ]
        do {
            return .success(
                try await ask(messages, output: AttributePrompt.output, item: item, budget: budget) {
                    content throws(AnswerValidationError) in
                    try AttributePrompt.parse(content, documentId: document.id, section: chunk.section)
                })
        } catch let error as OpenAIEngineError where error.isItemFailure {
            return .failure(error)
        }
    }

    // MARK: - Mappings

    public func suggestMappings(
        for attribute: AttributeQuery,
        among catalog: PDECatalog,
        topK: Int,
        options: EngineCallOptions
    ) async throws -> [MappingSuggestion] {
        guard topK > 0 else { throw PlanningEngineError.invalidArgument("topK must be positive, got \(topK)") }
        guard !attribute.name.allSatisfy(\.isWhitespace) else {
            throw PlanningEngineError.invalidArgument("attribute name must not be empty")
        }
        let budget = CallBudget(options)
        try budget.check()
        let shortlist = ranker.rank(attribute, in: catalog, topK: max(configuration.mappingShortlistSize, topK))
        // Nothing shares a word with the attribute: the model would have nothing valid to choose.
        guard !shortlist.isEmpty else { return [] }
        let candidates = shortlist.compactMap { catalog.descriptor(id: $0.pdeId) }
        let output = MappingPrompt.output(ids: candidates.map(\.id))
        let messages = [
            ChatMessage.system(systemPrompt(MappingPrompt.system, output: output)),
            .user(MappingPrompt.user(attribute: attribute, candidates: candidates, topK: topK)),
        ]
        return try await ask(messages, output: output, item: "mapping of '\(attribute.name)'", budget: budget) {
            content throws(AnswerValidationError) in
            try MappingPrompt.parse(content, shortlist: shortlist, topK: topK)
        }
    }

    // MARK: - Classification

    public func classify(_ pde: PDEDescriptor, options: EngineCallOptions) async throws -> PDEClassification {
        let budget = CallBudget(options)
        try budget.check()
        let output = ClassificationPrompt.output
        let messages = [
            ChatMessage.system(systemPrompt(ClassificationPrompt.system, output: output)),
            .user(ClassificationPrompt.user(pde: pde, policy: configuration.sampleValuePolicy)),
        ]
        return try await ask(messages, output: output, item: "classification of PDE '\(pde.id)'", budget: budget) {
            content throws(AnswerValidationError) in
            try ClassificationPrompt.parse(content)
        }
    }

    // MARK: - Asking

    /// The system prompt with the answer format: the schema itself unless the server enforces it.
    private func systemPrompt(_ task: String, output: OutputSchema) -> String {
        switch configuration.responseFormat {
        case .jsonSchema:
            return task + "\n\nAnswer with a JSON object only."
        case .jsonObject, .instructions:
            return task + """


                Answer with one JSON object only, no prose and no code fences, matching this JSON schema:
                \(output.schema.jsonText)
                """
        }
    }

    /// Asks until `parse` accepts the answer, telling the model what was wrong, at most
    /// ``Configuration/invalidAnswerRetries`` extra times.
    private func ask<Output>(
        _ messages: [ChatMessage],
        output: OutputSchema,
        item: String,
        budget: CallBudget,
        parse: (String) throws(AnswerValidationError) -> Output
    ) async throws -> Output {
        var conversation = messages
        var attempts = 0
        var rounds = 0
        while true {
            rounds += 1
            let reply = try await client.complete(conversation, output: output, item: item, budget: budget)
            attempts += reply.attempts
            if let refusal = reply.refusal, !refusal.isEmpty {
                throw OpenAIEngineError(
                    code: .incompleteAnswer,
                    message: "\(item): the model refused: \(client.redact(String(refusal.prefix(300))))",
                    attempts: attempts)
            }
            let problem: String
            do {
                return try parse(reply.content)
            } catch {
                problem =
                    reply.finishReason == "length"
                    ? "the answer was cut off at the token limit (\(error.message))" : error.message
            }
            guard rounds <= configuration.invalidAnswerRetries else {
                throw OpenAIEngineError(
                    code: .invalidAnswer,
                    message: "\(item): invalid answer from model '\(configuration.model)' after \(rounds) "
                        + "tries: \(client.redact(problem))",
                    attempts: attempts)
            }
            logger.debug("invalid answer, asking again", metadata: ["openai.item": "\(item)", "reason": "\(problem)"])
            conversation += [
                .assistant(String(reply.content.prefix(configuration.contextBudgetCharacters))),
                .user(
                    "Your answer was rejected: \(problem). Answer again with the complete corrected JSON object only."
                ),
            ]
        }
    }
}
