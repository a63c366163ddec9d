/// How critical a PDE is, stored as its raw value.
public enum Criticality: String, Sendable, CaseIterable, Codable {
    /// Informational.
    case low
    /// Feeds reported values indirectly.
    case medium
    /// Feeds critical data elements directly.
    case high
}
