public import Foundation

/// A link from an attribute to a PDE that feeds it. (attribute, PDE) is unique.
public struct MappingRecord: Sendable, Equatable {
    /// Increasing integer key used for keyset pagination; 0 before the record is stored.
    public var rowID: Int64
    /// Resource id, "map_...".
    public var id: String
    /// The mapped attribute.
    public var attributeID: String
    /// The attribute's report, kept here so that a report's mappings list without a join.
    public var reportID: String
    /// The PDE.
    public var pdeID: String
    /// Confidence of the match, 0...1.
    public var confidence: Double
    /// Why the PDE matches.
    public var rationale: String
    /// Review state.
    public var state: MappingState
    /// The job that created the mapping; empty when created by hand.
    public var jobID: String
    /// The team it belongs to (its job's or its creator's); empty for one shared by every team.
    public var team: String
    /// When the mapping was created.
    public var createTime: Date
    /// When its state last changed.
    public var updateTime: Date
    /// The PDE itself, filled in by list and get calls (nil in inputs).
    public var pde: PDERecord?

    /// A mapping with every field given; `reportID` is filled in by the store from the attribute.
    public init(
        rowID: Int64 = 0, id: String = "", attributeID: String, reportID: String = "", pdeID: String,
        confidence: Double, rationale: String = "", state: MappingState = .suggested, jobID: String = "",
        team: String = "",
        createTime: Date = Date(), updateTime: Date? = nil, pde: PDERecord? = nil
    ) {
        self.rowID = rowID
        self.id = id
        self.attributeID = attributeID
        self.reportID = reportID
        self.pdeID = pdeID
        self.confidence = confidence
        self.rationale = rationale
        self.state = state
        self.jobID = jobID
        self.team = team
        self.createTime = createTime
        self.updateTime = updateTime ?? createTime
        self.pde = pde
    }
}
