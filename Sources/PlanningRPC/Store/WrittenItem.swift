/// What an `ItemWrite` stored, as the store returns it (with ids, row ids and times).
public enum WrittenItem: Sendable, Equatable {
    /// The attribute; `created` is false when one with the same name existed and was returned instead.
    case attribute(AttributeRecord, created: Bool)
    /// The mapping, with its PDE; `created` is false when the pair existed and was returned instead.
    case mapping(MappingRecord, created: Bool)
    /// The outcome of a replacement.
    case mappingsReplaced(MappingReplacement)
    /// The classification.
    case classification(ClassificationRecord)
}
