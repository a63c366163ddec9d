public import Foundation

/// What an event builder knows inside the transaction that appends the event.
public struct JobEventContext: Sendable {
    /// The job with the update of the same call applied; its `lastSequence` is still the one before these events.
    public var job: JobRecord
    /// The sequence number of the first event being appended (the next ones follow by one).
    public var firstSequence: Int64
    /// The time stamped on the events.
    public var time: Date
    /// What the item writes of the same call stored, in order; empty for `appendEvent`.
    public var items: [WrittenItem]

    /// A context with the given values.
    public init(job: JobRecord, firstSequence: Int64, time: Date, items: [WrittenItem]) {
        self.job = job
        self.firstSequence = firstSequence
        self.time = time
        self.items = items
    }
}
