/// A plain error with a message, for failures before any call (unreadable files, bad CSV).
struct CommandError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
