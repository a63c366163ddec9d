/// One OTLP attribute: a key and a string or integer value (the only kinds this daemon records).
public struct SpanAttribute: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case string(String)
        case int(Int64)
    }

    public let key: String
    public let value: Value

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = .string(value)
    }

    public init(_ key: String, _ value: Int64) {
        self.key = key
        self.value = .int(value)
    }
}
