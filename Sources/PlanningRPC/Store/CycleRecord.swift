public import Foundation

/// A test cycle, e.g. "2026 Q4".
public struct CycleRecord: Sendable, Equatable {
    /// Increasing integer key used for keyset pagination; 0 before the record is stored.
    public var rowID: Int64
    /// Resource id, "cyc_...".
    public var id: String
    /// Display name, unique among cycles.
    public var name: String
    /// Free-form description.
    public var description: String
    /// When the cycle was created (stored to the millisecond).
    public var createTime: Date

    /// A cycle with every field given.
    public init(rowID: Int64 = 0, id: String = "", name: String, description: String = "", createTime: Date = Date()) {
        self.rowID = rowID
        self.id = id
        self.name = name
        self.description = description
        self.createTime = createTime
    }
}
