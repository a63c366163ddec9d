/// Information security classification of a PDE, from least to most protected.
public enum SecurityClass: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case `public`
    case `internal`
    case confidential
    case restricted

    private var rank: Int {
        switch self {
        case .public: 0
        case .internal: 1
        case .confidential: 2
        case .restricted: 3
        }
    }

    public static func < (lhs: SecurityClass, rhs: SecurityClass) -> Bool { lhs.rank < rhs.rank }
}
