/// What a watcher's live buffer hands to its reader.
enum JobEventDelivery: Sendable {
    /// The next event (in sequence order; progress events may have been coalesced).
    case event(JobEventRecord)
    /// The watcher fell too far behind and stopped receiving: it must re-read from the store after the last
    /// sequence it delivered, then rejoin.
    case lagged
    /// No event for a heartbeat interval.
    case heartbeat
    /// The hub was closed without a terminal event (shutdown): the watch ends.
    case closed
}
