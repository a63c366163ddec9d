public import Foundation

/// A regulatory report planned in a cycle, e.g. "FR Y-14Q Schedule H.1".
public struct ReportRecord: Sendable, Equatable {
    /// Increasing integer key used for keyset pagination; 0 before the record is stored.
    public var rowID: Int64
    /// Resource id, "rep_...".
    public var id: String
    /// The cycle that holds the report.
    public var cycleID: String
    /// Display name, unique within the cycle.
    public var name: String
    /// Free-form description.
    public var description: String
    /// When the report was created.
    public var createTime: Date

    /// A report with every field given.
    public init(
        rowID: Int64 = 0, id: String = "", cycleID: String, name: String, description: String = "",
        createTime: Date = Date()
    ) {
        self.rowID = rowID
        self.id = id
        self.cycleID = cycleID
        self.name = name
        self.description = description
        self.createTime = createTime
    }
}
