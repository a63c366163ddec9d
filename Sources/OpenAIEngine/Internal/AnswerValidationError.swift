/// Why a model's answer was rejected; the message is sent back to the model on the retry, so it
/// names the JSON path and says what is expected.
struct AnswerValidationError: Error, Sendable, Hashable {
    var message: String

    init(_ message: String) {
        self.message = message
    }
}
