/// Information-security class of a PDE, stored as its raw value.
public enum SecurityClass: String, Sendable, CaseIterable, Codable {
    /// May be published.
    case `public`
    /// For use inside the organisation.
    case `internal`
    /// Harm if disclosed.
    case confidential
    /// Serious harm if disclosed.
    case restricted
}
