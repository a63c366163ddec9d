internal import AsyncHTTPClient
internal import Foundation
internal import Logging
internal import NIOCore
internal import NIOHTTP1

/// One logical Chat Completions call: the HTTP request with its retries, backoff, per-request
/// timeout, concurrency permit and usage accounting. Knows nothing of planning.
struct ChatCompletionsClient: Sendable {
    /// What the model said, with how many HTTP requests it took.
    struct Reply: Sendable {
        var content: String
        var finishReason: String?
        var refusal: String?
        var attempts: Int
    }

    let configuration: OpenAIEngine.Configuration
    let httpClient: HTTPClient
    let logger: Logger
    let semaphore: AsyncSemaphore
    let meter: UsageMeter

    private var retryPolicy: RetryPolicy {
        RetryPolicy(
            maxRetries: configuration.maxRetries,
            initialBackoff: configuration.initialBackoff,
            maxBackoff: configuration.maxBackoff,
            maxRetryAfter: configuration.maxRetryAfter
        )
    }

    /// Sends `messages` and returns the first choice, retrying what may succeed later.
    ///
    /// Throws `CancellationError`, `PlanningEngineError.timedOut` when `budget` runs out, or
    /// ``OpenAIEngineError``.
    func complete(
        _ messages: [ChatMessage],
        output: OutputSchema,
        item: String,
        budget: CallBudget
    ) async throws -> Reply {
        let body = try encodeRequest(messages, output: output)
        let policy = retryPolicy
        var attempt = 0
        while true {
            attempt += 1
            try budget.check()
            var failure: OpenAIEngineError
            var retryAfter: Duration?
            do {
                let raw = try await semaphore.withPermit {
                    try await send(body, timeout: budget.capped(configuration.requestTimeout))
                }
                if (200..<300).contains(raw.status) {
                    return try decodeReply(raw, item: item, attempt: attempt)
                }
                meter.record(TokenUsage(requests: 1))
                UsageMeter.current?.record(TokenUsage(requests: 1))
                failure = statusError(raw, item: item, attempt: attempt)
                guard RetryPolicy.isRetryable(status: raw.status) else { throw failure }
                retryAfter = raw.headers.first(name: "retry-after").flatMap { RetryPolicy.parseRetryAfter($0) }
            } catch let error as OpenAIEngineError {
                throw error
            } catch {
                if Task.isCancelled { throw CancellationError() }
                try budget.check()
                failure = transportError(error, item: item, attempt: attempt)
                if failure.code == .malformedResponse { throw failure }
            }
            guard attempt <= policy.maxRetries else { throw failure }
            let delay = policy.delay(beforeRetry: attempt, retryAfter: retryAfter)
            logger.debug(
                "retrying chat completion",
                metadata: [
                    "openai.item": "\(item)", "openai.attempt": "\(attempt)", "openai.delay": "\(delay)",
                    "openai.reason": "\(failure.message)",
                ])
            try await Task.sleep(for: budget.capped(delay))
        }
    }

    // MARK: - HTTP

    private struct RawResponse: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: ByteBuffer
    }

    /// Thrown by the timer that bounds one request, head and body together.
    private struct RequestTimeout: Error {}

    private func send(_ body: ByteBuffer, timeout: Duration) async throws -> RawResponse {
        var request = HTTPClientRequest(url: configuration.chatCompletionsURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "planning-rpcd")
        for (name, value) in configuration.additionalHeaders.sorted(by: { $0.key < $1.key }) {
            request.headers.replaceOrAdd(name: name, value: value)
        }
        if let apiKey = configuration.apiKey {
            request.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(apiKey.secret)")
        }
        request.body = .bytes(body)
        let prepared = request
        let client = httpClient
        let limit = configuration.maxResponseBytes
        let logger = logger
        // AsyncHTTPClient's deadline stops at the response head; the timer covers the body too.
        return try await withThrowingTaskGroup(of: RawResponse.self) { group in
            group.addTask {
                let response = try await client.execute(
                    prepared, deadline: .now() + TimeAmount(timeout), logger: logger)
                let body = try await response.body.collect(upTo: limit)
                return RawResponse(status: Int(response.status.code), headers: response.headers, body: body)
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw RequestTimeout()
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            return first
        }
    }

    private func encodeRequest(_ messages: [ChatMessage], output: OutputSchema) throws -> ByteBuffer {
        var request = ChatCompletionRequest(
            model: configuration.model,
            messages: messages,
            temperature: configuration.temperature,
            maxTokens: configuration.maxCompletionTokens,
            seed: configuration.seed
        )
        switch configuration.responseFormat {
        case .jsonSchema:
            request.responseFormat = .init(
                type: "json_schema", jsonSchema: .init(name: output.name, strict: true, schema: output.schema))
        case .jsonObject:
            request.responseFormat = .init(type: "json_object")
        case .instructions:
            break
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return ByteBuffer(bytes: try encoder.encode(request))
    }

    // MARK: - Answers and errors

    private func decodeReply(_ raw: RawResponse, item: String, attempt: Int) throws -> Reply {
        let response: ChatCompletionResponse
        do {
            response = try JSONDecoder().decode(ChatCompletionResponse.self, from: Data(raw.body.readableBytesView))
        } catch {
            throw OpenAIEngineError(
                code: .malformedResponse,
                message: "\(item): the server's answer is not a Chat Completions response: "
                    + excerpt(raw.body),
                httpStatus: raw.status, attempts: attempt)
        }
        let usage = TokenUsage(
            promptTokens: response.usage?.promptTokens ?? 0,
            completionTokens: response.usage?.completionTokens ?? 0,
            requests: 1
        )
        meter.record(usage)
        UsageMeter.current?.record(usage)
        guard let choice = response.choices.first, let message = choice.message else {
            throw OpenAIEngineError(
                code: .malformedResponse, message: "\(item): the server's answer has no choices",
                httpStatus: raw.status, attempts: attempt)
        }
        logger.debug(
            "chat completion",
            metadata: [
                "openai.item": "\(item)", "openai.attempt": "\(attempt)",
                "openai.prompt_tokens": "\(usage.promptTokens)",
                "openai.completion_tokens": "\(usage.completionTokens)",
                "openai.finish_reason": "\(choice.finishReason ?? "-")",
            ])
        return Reply(
            content: message.content ?? "", finishReason: choice.finishReason, refusal: message.refusal,
            attempts: attempt)
    }

    private func statusError(_ raw: RawResponse, item: String, attempt: Int) -> OpenAIEngineError {
        let hint: String =
            switch raw.status {
            case 401, 403: " (check the API key and its permissions)"
            case 404: " (check the base URL and the model name '\(configuration.model)')"
            case 429: " (rate limited)"
            case 400 where configuration.responseFormat != .instructions,
                422 where configuration.responseFormat != .instructions:
                " (a server that rejects response_format needs responseFormat .jsonObject or .instructions)"
            default: ""
            }
        return OpenAIEngineError(
            code: .httpStatus,
            message: "\(item): HTTP \(raw.status)\(hint) after \(attempt) attempt(s): \(excerpt(raw.body))",
            httpStatus: raw.status, attempts: attempt)
    }

    private func transportError(_ error: any Error, item: String, attempt: Int) -> OpenAIEngineError {
        let timeouts: [HTTPClientError] = [
            .deadlineExceeded, .readTimeout, .connectTimeout, .getConnectionFromPoolTimeout,
        ]
        if error is RequestTimeout || (error as? HTTPClientError).map(timeouts.contains) == true {
            return OpenAIEngineError(
                code: .requestTimedOut,
                message: "\(item): no complete answer within \(configuration.requestTimeout) "
                    + "after \(attempt) attempt(s)",
                attempts: attempt)
        }
        if error is NIOTooManyBytesError {
            return OpenAIEngineError(
                code: .malformedResponse,
                message: "\(item): the answer exceeds \(configuration.maxResponseBytes) bytes", attempts: attempt)
        }
        return OpenAIEngineError(
            code: .transport,
            message: "\(item): request to \(configuration.chatCompletionsURL) failed after \(attempt) attempt(s): "
                + redact(String(describing: error)),
            attempts: attempt)
    }

    /// The start of a response body for an error message, one line, key redacted.
    private func excerpt(_ body: ByteBuffer) -> String {
        let text = String(buffer: body).split(whereSeparator: \.isNewline).joined(separator: " ")
        let short = text.count > 300 ? text.prefix(300) + "..." : Substring(text)
        return short.isEmpty ? "(empty body)" : redact(String(short))
    }

    func redact(_ text: String) -> String {
        configuration.apiKey?.redact(text) ?? text
    }
}
