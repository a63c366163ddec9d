/// A domain write a job commits together with its event (see `JobStore.commitItem`). The store gives every record
/// the job's id (unless it names one) and the job's team, whatever the record says: a job's records are its team's.
///
/// The writes are idempotent so that a job re-run after a restart creates nothing twice: an attribute whose
/// name the team sees in the report, or a mapping whose (attribute, PDE) pair the team sees, is returned as it is
/// stored.
public enum ItemWrite: Sendable, Equatable {
    /// Insert an attribute, unless the report has one with the same name.
    case insertAttribute(AttributeRecord)
    /// Insert a mapping, unless the pair exists.
    case insertMapping(MappingRecord)
    /// Replace the suggested mappings of a report or attribute (see `PlanningStore.replaceSuggestedMappings`).
    case replaceSuggestedMappings(MappingScope, [MappingRecord])
    /// Create or replace the classification of a PDE.
    case upsertClassification(ClassificationRecord)
}
