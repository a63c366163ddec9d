/// The outcome of a PDE import batch.
public struct PDEImportResult: Sendable, Equatable {
    /// The stored PDEs, in input order.
    public var pdes: [PDERecord]
    /// How many were created.
    public var created: Int
    /// How many existed and were updated (a key repeated in the batch counts once as created, then as updated).
    public var updated: Int

    /// A result with the given values.
    public init(pdes: [PDERecord], created: Int, updated: Int) {
        self.pdes = pdes
        self.created = created
        self.updated = updated
    }
}
