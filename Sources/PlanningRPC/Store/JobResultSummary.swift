/// What a job that succeeded did. Counters a kind does not use stay 0.
public struct JobResultSummary: Sendable, Equatable {
    /// Items produced (attributes, mappings or classifications).
    public var generated: Int64
    /// Attributes stored.
    public var created: Int64
    /// Mappings stored.
    public var mapped: Int64
    /// PDEs classified.
    public var classified: Int64
    /// Items left out.
    public var skipped: Int64

    /// A summary with the given counters.
    public init(generated: Int64 = 0, created: Int64 = 0, mapped: Int64 = 0, classified: Int64 = 0, skipped: Int64 = 0)
    {
        self.generated = generated
        self.created = created
        self.mapped = mapped
        self.classified = classified
        self.skipped = skipped
    }
}
