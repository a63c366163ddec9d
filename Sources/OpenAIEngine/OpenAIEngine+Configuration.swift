public import PlanningEngine

extension OpenAIEngine {
    /// How answers are constrained to JSON.
    public enum ResponseFormat: String, Sendable, Hashable, CaseIterable {
        /// `response_format: {"type": "json_schema", ...}` with a strict schema: OpenAI, vLLM,
        /// llama.cpp's server and Ollama (recent versions) enforce it while decoding.
        case jsonSchema = "json_schema"
        /// `response_format: {"type": "json_object"}` plus the schema in the instructions.
        case jsonObject = "json_object"
        /// No `response_format`; the instructions alone ask for JSON with the schema, for servers
        /// that reject the field.
        case instructions
    }

    /// What of a PDE's sample values is sent to the model when classifying.
    public enum SampleValuePolicy: String, Sendable, Hashable, CaseIterable {
        /// Samples are not sent.
        case omit
        /// Each sample's shape only: letters become `x`/`X`, digits `9` ("123-45-6789" -> "999-99-9999").
        case masked
        /// Samples as stored; only for a model the data may be shown to.
        case raw
    }

    /// What ``OpenAIEngine/generateAttributes(from:options:)`` does when a chunk's answer stays invalid.
    public enum FailedChunkPolicy: String, Sendable, Hashable, CaseIterable {
        /// Go on with the next chunks, then end the stream with an ``OpenAIEngineError`` (code
        /// `invalidAnswer`) naming every failed chunk, after all other attributes were yielded.
        case failAtEnd
        /// Go on with the next chunks and end normally; failures are only logged.
        case skip
        /// End the stream with the error at once.
        case failImmediately
    }

    /// Everything a deployment sets for the provider. Defaults suit a hosted model; tests shrink
    /// the timeouts and backoffs.
    public struct Configuration: Sendable, Hashable {
        /// The API root, e.g. `https://api.openai.com/v1`, `http://localhost:11434/v1` (Ollama),
        /// `http://localhost:8000/v1` (vLLM, llama.cpp). Requests go to `{baseURL}/chat/completions`.
        public var baseURL: String
        /// The model name the server knows, e.g. `gpt-4o-mini`, `llama3.1:8b`.
        public var model: String
        /// Sent as `Authorization: Bearer ...` when set; local servers usually need none.
        public var apiKey: APIKey?
        /// The most one HTTP request may take, body included. The call's own timeout
        /// (``EngineCallOptions/timeout``) also bounds it.
        public var requestTimeout: Duration
        /// Extra attempts after a 408, 429 or 5xx answer, a request timeout or a dropped connection.
        public var maxRetries: Int
        /// The first backoff; each retry doubles it, up to ``maxBackoff``, with jitter (50–100 %).
        public var initialBackoff: Duration
        public var maxBackoff: Duration
        /// The longest `Retry-After` honoured; longer requests are shortened to this.
        public var maxRetryAfter: Duration
        /// Requests in flight at once, over all calls and jobs sharing this engine.
        public var maxConcurrentRequests: Int
        /// The most characters of document text in one attribute-generation request; longer
        /// documents are split on section headings, then paragraphs, then lines.
        public var contextBudgetCharacters: Int
        /// How many chunks of one document are asked about at once (results are still yielded in
        /// document order); the requests also count against ``maxConcurrentRequests``.
        public var chunkConcurrency: Int
        public var temperature: Double
        /// `max_tokens` of each request; `nil` leaves it to the server.
        public var maxCompletionTokens: Int?
        /// `seed` of each request, for servers that make sampling reproducible with it.
        public var seed: Int?
        public var responseFormat: ResponseFormat
        /// How many times an invalid answer is sent back with the validation error before the item fails.
        public var invalidAnswerRetries: Int
        /// How many lexically best PDEs the model chooses among when mapping.
        public var mappingShortlistSize: Int
        public var sampleValuePolicy: SampleValuePolicy
        public var failedChunkPolicy: FailedChunkPolicy
        /// The largest response body accepted.
        public var maxResponseBytes: Int
        /// Headers added to every request (e.g. `OpenAI-Organization`); never logged.
        public var additionalHeaders: [String: String]
        /// Used for the lexical shortlist when a catalog is not given, and for duplicate names.
        public var abbreviations: AbbreviationTable

        public init(
            baseURL: String,
            model: String,
            apiKey: APIKey? = nil,
            requestTimeout: Duration = .seconds(120),
            maxRetries: Int = 3,
            initialBackoff: Duration = .milliseconds(500),
            maxBackoff: Duration = .seconds(30),
            maxRetryAfter: Duration = .seconds(60),
            maxConcurrentRequests: Int = 4,
            contextBudgetCharacters: Int = 24_000,
            chunkConcurrency: Int = 2,
            temperature: Double = 0,
            maxCompletionTokens: Int? = nil,
            seed: Int? = nil,
            responseFormat: ResponseFormat = .jsonSchema,
            invalidAnswerRetries: Int = 1,
            mappingShortlistSize: Int = 30,
            sampleValuePolicy: SampleValuePolicy = .masked,
            failedChunkPolicy: FailedChunkPolicy = .failAtEnd,
            maxResponseBytes: Int = 4 << 20,
            additionalHeaders: [String: String] = [:],
            abbreviations: AbbreviationTable = .default
        ) {
            self.baseURL = baseURL
            self.model = model
            self.apiKey = apiKey
            self.requestTimeout = requestTimeout
            self.maxRetries = maxRetries
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
            self.maxRetryAfter = maxRetryAfter
            self.maxConcurrentRequests = maxConcurrentRequests
            self.contextBudgetCharacters = contextBudgetCharacters
            self.chunkConcurrency = chunkConcurrency
            self.temperature = temperature
            self.maxCompletionTokens = maxCompletionTokens
            self.seed = seed
            self.responseFormat = responseFormat
            self.invalidAnswerRetries = invalidAnswerRetries
            self.mappingShortlistSize = mappingShortlistSize
            self.sampleValuePolicy = sampleValuePolicy
            self.failedChunkPolicy = failedChunkPolicy
            self.maxResponseBytes = maxResponseBytes
            self.additionalHeaders = additionalHeaders
            self.abbreviations = abbreviations
        }

        /// The endpoint: ``baseURL`` without trailing slashes, then `/chat/completions`.
        public var chatCompletionsURL: String {
            var base = Substring(baseURL)
            while base.hasSuffix("/") { base = base.dropLast() }
            return base + "/chat/completions"
        }

        /// Throws ``OpenAIEngineError`` (`invalidConfiguration`) naming the first unusable setting.
        public func validate() throws(OpenAIEngineError) {
            func fail(_ message: String) -> OpenAIEngineError {
                OpenAIEngineError(code: .invalidConfiguration, message: message)
            }
            let lower = baseURL.lowercased()
            let host = lower.drop { $0 != ":" }.dropFirst(3).prefix { $0 != "/" }
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), !host.isEmpty else {
                throw fail("model base URL must be http:// or https:// with a host, got '\(baseURL)'")
            }
            guard !model.allSatisfy(\.isWhitespace) else { throw fail("model name must not be empty") }
            guard maxRetries >= 0 else { throw fail("maxRetries must not be negative") }
            guard invalidAnswerRetries >= 0 else { throw fail("invalidAnswerRetries must not be negative") }
            guard maxConcurrentRequests > 0 else { throw fail("maxConcurrentRequests must be positive") }
            guard contextBudgetCharacters >= 200 else { throw fail("contextBudgetCharacters must be at least 200") }
            guard chunkConcurrency > 0 else { throw fail("chunkConcurrency must be positive") }
            guard mappingShortlistSize > 0 else { throw fail("mappingShortlistSize must be positive") }
            guard requestTimeout > .zero else { throw fail("requestTimeout must be positive") }
            guard (0...2).contains(temperature) else { throw fail("temperature must be in 0...2") }
            guard maxResponseBytes > 0 else { throw fail("maxResponseBytes must be positive") }
        }
    }
}
