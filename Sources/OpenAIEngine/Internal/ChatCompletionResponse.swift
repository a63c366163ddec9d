/// The parts of a Chat Completions response the engine reads; everything else is ignored.
struct ChatCompletionResponse: Sendable, Decodable {
    struct Choice: Sendable, Decodable {
        struct Message: Sendable, Decodable {
            var content: String?
            /// OpenAI's structured-output refusal, when the model declines.
            var refusal: String?
        }

        var message: Message?
        var finishReason: String?

        enum CodingKeys: String, CodingKey {
            case message
            case finishReason = "finish_reason"
        }
    }

    struct Usage: Sendable, Decodable {
        var promptTokens: Int?
        var completionTokens: Int?

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
        }
    }

    var choices: [Choice]
    var usage: Usage?
}
