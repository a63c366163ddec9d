/// The logical data type of a test attribute, independent of any physical column type.
public enum AttributeDataType: String, Sendable, Hashable, Codable, CaseIterable {
    case date
    case amount
    case percent
    case code
    case identifier
    case text
    case number
    case flag
}
