/// The JSON shape an answer must have: sent as `response_format` or written into the instructions,
/// depending on ``OpenAIEngine/ResponseFormat``.
struct OutputSchema: Sendable, Hashable {
    /// The schema's name in `response_format.json_schema.name` (letters, digits, `_`, `-`).
    var name: String
    var schema: JSONValue

    /// A strict object schema: every property required, no others allowed (what OpenAI's strict
    /// mode demands; optional values are typed `["string", "null"]` instead).
    static func object(_ properties: [String: JSONValue]) -> JSONValue {
        [
            "type": "object",
            "additionalProperties": false,
            "required": .array(properties.keys.sorted().map { .string($0) }),
            "properties": .object(properties),
        ]
    }

    static func string(enum values: [String]) -> JSONValue {
        ["type": "string", "enum": .array(values.map { .string($0) })]
    }

    static func array(of items: JSONValue) -> JSONValue {
        ["type": "array", "items": items]
    }

    static let string: JSONValue = ["type": "string"]
    static let nullableString: JSONValue = ["type": ["string", "null"]]
    static let boolean: JSONValue = ["type": "boolean"]
    static let number: JSONValue = ["type": "number"]
}
