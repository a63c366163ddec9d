/// The body of `POST /chat/completions`: only the fields every compatible server understands.
struct ChatCompletionRequest: Sendable, Encodable {
    struct ResponseFormat: Sendable, Encodable {
        struct Schema: Sendable, Encodable {
            var name: String
            var strict: Bool
            var schema: JSONValue
        }

        var type: String
        var jsonSchema: Schema?

        enum CodingKeys: String, CodingKey {
            case type
            case jsonSchema = "json_schema"
        }
    }

    var model: String
    var messages: [ChatMessage]
    var temperature: Double
    var maxTokens: Int?
    var seed: Int?
    var responseFormat: ResponseFormat?
    var stream = false

    enum CodingKeys: String, CodingKey {
        case model, messages, temperature, seed, stream
        case maxTokens = "max_tokens"
        case responseFormat = "response_format"
    }
}
