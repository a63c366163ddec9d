/// A physical data element: one column of a source system.
public struct PDEDescriptor: Sendable, Hashable, Codable, Identifiable {
    public var id: String
    /// Source system, e.g. "LNS".
    public var system: String
    public var table: String
    public var column: String
    /// The physical type as the source system declares it, e.g. "DECIMAL(18,2)", "DATE", "VARCHAR(20)".
    public var dataType: String
    /// Free-text description; may be empty.
    public var description: String
    public var sampleValues: [String]

    public init(
        id: String,
        system: String,
        table: String,
        column: String,
        dataType: String,
        description: String = "",
        sampleValues: [String] = []
    ) {
        self.id = id
        self.system = system
        self.table = table
        self.column = column
        self.dataType = dataType
        self.description = description
        self.sampleValues = sampleValues
    }
}
