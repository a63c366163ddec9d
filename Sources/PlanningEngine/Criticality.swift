/// How critical a PDE is to the accuracy of the report.
public enum Criticality: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case low
    case medium
    case high

    private var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        }
    }

    public static func < (lhs: Criticality, rhs: Criticality) -> Bool { lhs.rank < rhs.rank }
}
