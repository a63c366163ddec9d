/// The outcome of replacing the suggested mappings of a report or an attribute.
public struct MappingReplacement: Sendable, Equatable {
    /// How many suggested mappings were deleted.
    public var removed: Int
    /// The new suggested mappings, stored, in input order.
    public var inserted: [MappingRecord]
    /// How many new mappings were left out because the attribute already has an accepted or rejected mapping
    /// to the same PDE (or the input named the same pair twice).
    public var skipped: Int

    /// A replacement outcome with the given values.
    public init(removed: Int, inserted: [MappingRecord], skipped: Int) {
        self.removed = removed
        self.inserted = inserted
        self.skipped = skipped
    }
}
