/// Whose mappings a call reads or replaces.
public enum MappingScope: Sendable, Equatable {
    /// Every mapping of the attributes of a report.
    case report(String)
    /// The mappings of one attribute.
    case attribute(String)
}
