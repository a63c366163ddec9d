/// Which payload a stored job event carries, kept in its own column so that queries (e.g. "the terminal
/// event") need not decode the protobuf bytes.
public enum EventPayloadKind: String, Sendable, CaseIterable, Codable {
    /// `JobEvent.accepted`.
    case accepted
    /// `JobEvent.progress`.
    case progress
    /// `JobEvent.attribute_generated`.
    case attributeGenerated = "attribute_generated"
    /// `JobEvent.mapping_suggested`.
    case mappingSuggested = "mapping_suggested"
    /// `JobEvent.pde_classified`.
    case pdeClassified = "pde_classified"
    /// `JobEvent.result`: the last event of a job that succeeded.
    case result
    /// `JobEvent.error`: the last event of a job that failed or was cancelled.
    case error
    /// `JobEvent.heartbeat`; never stored, listed for completeness.
    case heartbeat
    /// `JobEvent.server_draining`: the last event of a stream (not of the job) when the server shuts down; never
    /// stored.
    case serverDraining = "server_draining"

    /// Whether events of this kind may be coalesced for a slow watcher (only the latest one matters).
    public var isCoalescable: Bool { self == .progress || self == .heartbeat }

    /// Whether this kind ends a job's event stream.
    public var isTerminal: Bool { self == .result || self == .error }
}
