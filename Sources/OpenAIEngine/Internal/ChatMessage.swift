/// One message of a Chat Completions conversation.
struct ChatMessage: Sendable, Hashable, Codable {
    enum Role: String, Sendable, Hashable, Codable {
        case system, user, assistant
    }

    var role: Role
    var content: String

    static func system(_ content: String) -> ChatMessage { ChatMessage(role: .system, content: content) }
    static func user(_ content: String) -> ChatMessage { ChatMessage(role: .user, content: content) }
    static func assistant(_ content: String) -> ChatMessage { ChatMessage(role: .assistant, content: content) }
}
