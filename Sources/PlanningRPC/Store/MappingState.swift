/// Review state of a mapping, stored as its raw value.
public enum MappingState: String, Sendable, CaseIterable, Codable {
    /// Proposed by a job or a suggestion; a regeneration replaces it.
    case suggested
    /// Confirmed by a person; a regeneration keeps it.
    case accepted
    /// Refused by a person; a regeneration keeps it so that the PDE is not proposed again.
    case rejected
}
