public import Foundation

/// The classification of a PDE; a PDE has at most one, and a new one replaces it (keeping id and row id).
public struct ClassificationRecord: Sendable, Equatable {
    /// Increasing integer key used for keyset pagination; 0 before the record is stored.
    public var rowID: Int64
    /// Resource id, "cls_...".
    public var id: String
    /// The classified PDE.
    public var pdeID: String
    /// Criticality.
    public var criticality: Criticality
    /// Information-security class.
    public var securityClass: SecurityClass
    /// Whether the PDE holds personal data.
    public var hasPersonalData: Bool
    /// Why it was classified so.
    public var rationale: String
    /// The job that last classified the PDE; empty when classified by hand.
    public var jobID: String
    /// The team it belongs to (its job's): each team classifies a PDE for itself. Empty for one shared by every team.
    public var team: String
    /// When the PDE was first classified.
    public var createTime: Date
    /// When the classification last changed.
    public var updateTime: Date

    /// A classification with every field given.
    public init(
        rowID: Int64 = 0, id: String = "", pdeID: String, criticality: Criticality, securityClass: SecurityClass,
        hasPersonalData: Bool, rationale: String = "", jobID: String = "", team: String = "",
        createTime: Date = Date(),
        updateTime: Date? = nil
    ) {
        self.rowID = rowID
        self.id = id
        self.pdeID = pdeID
        self.criticality = criticality
        self.securityClass = securityClass
        self.hasPersonalData = hasPersonalData
        self.rationale = rationale
        self.jobID = jobID
        self.team = team
        self.createTime = createTime
        self.updateTime = updateTime ?? createTime
    }
}
