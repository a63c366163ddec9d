public import Foundation

/// A physical data element: one column of a source system. (system, table, column) is its natural key.
public struct PDERecord: Sendable, Equatable {
    /// Increasing integer key used for keyset pagination; 0 before the record is stored.
    public var rowID: Int64
    /// Resource id, "pde_...".
    public var id: String
    /// Source system.
    public var system: String
    /// Table (or file, or view) in the system.
    public var table: String
    /// Column name.
    public var column: String
    /// Physical data type.
    public var dataType: String
    /// Business description.
    public var description: String
    /// A few example values.
    public var sampleValues: [String]
    /// When the PDE was first imported.
    public var createTime: Date
    /// When an import last changed it.
    public var updateTime: Date

    /// A PDE with every field given.
    public init(
        rowID: Int64 = 0, id: String = "", system: String, table: String, column: String, dataType: String = "",
        description: String = "", sampleValues: [String] = [], createTime: Date = Date(), updateTime: Date? = nil
    ) {
        self.rowID = rowID
        self.id = id
        self.system = system
        self.table = table
        self.column = column
        self.dataType = dataType
        self.description = description
        self.sampleValues = sampleValues
        self.createTime = createTime
        self.updateTime = updateTime ?? createTime
    }
}
