/// A TLS file that cannot be used, with a message that names the file and what is wrong with it.
public struct TLSConfigurationError: Error, CustomStringConvertible, Sendable {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { self.message }
}
