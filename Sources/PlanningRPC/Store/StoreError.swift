/// An error of a store, independent of the database behind it; the service layer maps it to a gRPC status.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The record `what` (e.g. "cycle") with this id does not exist. Maps to NOT_FOUND.
    case notFound(what: String, id: String)
    /// A record with the same natural key exists; the message says which. Maps to ALREADY_EXISTS.
    case alreadyExists(String)
    /// The input is malformed (empty name, bad page token, ...). Maps to INVALID_ARGUMENT.
    case invalid(String)
    /// The record is in a state that does not allow the change, e.g. an event for a job that has ended.
    /// Maps to FAILED_PRECONDITION.
    case failedPrecondition(String)
    /// The database cannot be reached, or did not answer in time; the call may be retried. Maps to UNAVAILABLE.
    case unavailable(String)

    public var description: String {
        switch self {
        case .notFound(let what, let id): "\(what) \(id) not found"
        case .alreadyExists(let message): message
        case .invalid(let message): message
        case .failedPrecondition(let message): message
        case .unavailable(let message): message
        }
    }
}
