/// A configuration source that cannot be used: an unknown key, a value of the wrong shape, an unreadable file.
/// The message names the source (file and line, or environment variable) and the key.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { self.message }
}
