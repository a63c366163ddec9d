public import Foundation

/// A test attribute of a report: one data point the report requires.
public struct AttributeRecord: Sendable, Equatable {
    /// Increasing integer key used for keyset pagination; 0 before the record is stored.
    public var rowID: Int64
    /// Resource id, "att_...".
    public var id: String
    /// The report the attribute belongs to.
    public var reportID: String
    /// Name, unique within the report.
    public var name: String
    /// What the attribute holds.
    public var description: String
    /// Logical data type, e.g. "decimal".
    public var dataType: String
    /// Whether the attribute is a critical data element.
    public var isCriticalDataElement: Bool
    /// The document the attribute came from; empty when entered by hand.
    public var sourceDocumentID: String
    /// The section of that document.
    public var sourceSection: String
    /// The job that created the attribute; empty when created by hand.
    public var jobID: String
    /// The team it belongs to (its job's or its creator's); empty for one shared by every team.
    public var team: String
    /// When the attribute was created.
    public var createTime: Date

    /// An attribute with every field given.
    public init(
        rowID: Int64 = 0, id: String = "", reportID: String, name: String, description: String = "",
        dataType: String = "", isCriticalDataElement: Bool = false, sourceDocumentID: String = "",
        sourceSection: String = "", jobID: String = "", team: String = "", createTime: Date = Date()
    ) {
        self.rowID = rowID
        self.id = id
        self.reportID = reportID
        self.name = name
        self.description = description
        self.dataType = dataType
        self.isCriticalDataElement = isCriticalDataElement
        self.sourceDocumentID = sourceDocumentID
        self.sourceSection = sourceSection
        self.jobID = jobID
        self.team = team
        self.createTime = createTime
    }
}
