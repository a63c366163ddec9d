/// A trace-export option that cannot work, said so that the daemon can refuse to start with it.
public struct OTLPConfigurationError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
