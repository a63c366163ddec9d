/// The catalog: cycles, reports, documents, attributes, PDEs, mappings and classifications.
///
/// Implementations keep every write in one transaction and page every list by keyset on the records'
/// increasing row id, oldest first. Inputs are records whose `rowID`, `id` and times are ignored and assigned
/// by the store; the returned records carry them. Errors are `StoreError`s.
///
/// Attributes, mappings and classifications belong to a team (their `team`); reads take the ``RecordVisibility``
/// of the reader, and a record it cannot see is `notFound`, as if it did not exist. Cycles, reports, documents and
/// PDEs are the shared catalog.
public protocol PlanningStore: Sendable {
    // MARK: Cycles and reports

    /// Creates a cycle. Throws `alreadyExists` if the name is taken, `invalid` if it is empty.
    func createCycle(_ cycle: CycleRecord) async throws -> CycleRecord
    /// Returns a cycle, or throws `notFound`.
    func cycle(id: String) async throws -> CycleRecord
    /// Lists cycles.
    func listCycles(page: PageRequest) async throws -> Page<CycleRecord>

    /// Creates a report in `report.cycleID`. Throws `notFound` for the cycle, `alreadyExists` for a name taken
    /// in the cycle.
    func createReport(_ report: ReportRecord) async throws -> ReportRecord
    /// Returns a report, or throws `notFound`.
    func report(id: String) async throws -> ReportRecord
    /// Lists the reports of a cycle. Throws `notFound` for the cycle.
    func listReports(cycleID: String, page: PageRequest) async throws -> Page<ReportRecord>

    // MARK: Documents and attributes

    /// Adds a document to `document.reportID`. Throws `notFound` for the report.
    func addDocument(_ document: DocumentRecord) async throws -> DocumentRecord
    /// Returns a document with its text, or throws `notFound`.
    func document(id: String) async throws -> DocumentRecord
    /// Lists the documents of a report; without `includeText` their text is empty (its size is still given).
    func listDocuments(reportID: String, includeText: Bool, page: PageRequest) async throws -> Page<DocumentRecord>

    /// Creates an attribute of `attribute.team` in `attribute.reportID` (its `jobID` says which job made it, ""
    /// for by hand). Throws `notFound` for the report, `alreadyExists` for a name the team sees in the report.
    func createAttribute(_ attribute: AttributeRecord) async throws -> AttributeRecord
    /// Returns an attribute, or throws `notFound` (for one the reader cannot see too).
    func attribute(id: String, visibleTo visibility: RecordVisibility) async throws -> AttributeRecord
    /// Lists the attributes of a report that the reader sees. Throws `notFound` for the report.
    func listAttributes(reportID: String, visibleTo visibility: RecordVisibility, page: PageRequest) async throws
        -> Page<AttributeRecord>

    // MARK: PDEs

    /// Imports a batch of PDEs in one transaction, upserting by (system, table, column): an existing PDE
    /// gets the new data type, description and sample values and keeps its id.
    func upsertPDEs(_ pdes: [PDERecord]) async throws -> PDEImportResult
    /// Returns a PDE, or throws `notFound`.
    func pde(id: String) async throws -> PDERecord
    /// Returns the PDEs with these ids that exist, in the order of `ids`.
    func pdes(ids: [String]) async throws -> [PDERecord]
    /// Lists PDEs, all or those of one source system.
    func listPDEs(system: String?, page: PageRequest) async throws -> Page<PDERecord>
    /// Returns the ids of the PDEs mapped to attributes of a report in one of `states` by the mappings the reader
    /// sees, each once, in order of first mapping.
    func mappedPDEIDs(reportID: String, states: Set<MappingState>, visibleTo visibility: RecordVisibility)
        async throws -> [String]

    // MARK: Mappings

    /// Creates a mapping of `mapping.team` (usually `suggested`, with the job id of the job that made it). The
    /// report id is taken from the attribute. Throws `notFound` for the PDE or an attribute the team does not see,
    /// `alreadyExists` for a pair the team sees mapped.
    func createMapping(_ mapping: MappingRecord) async throws -> MappingRecord
    /// Returns a mapping with its PDE, or throws `notFound` (for one the reader cannot see too).
    func mapping(id: String, visibleTo visibility: RecordVisibility) async throws -> MappingRecord
    /// Lists the mappings the reader sees of a report or attribute, each with its PDE, optionally only those in
    /// one state. Throws `notFound` for the report or an attribute the reader does not see.
    func listMappings(
        scope: MappingScope, state: MappingState?, visibleTo visibility: RecordVisibility, page: PageRequest
    ) async throws -> Page<MappingRecord>
    /// Sets the state of a mapping (and its rationale, when given). Throws `notFound`, for one the caller cannot
    /// see too.
    func updateMappingState(
        id: String, state: MappingState, rationale: String?, visibleTo visibility: RecordVisibility
    ) async throws -> MappingRecord
    /// In one transaction deletes `team`'s suggested mappings in `scope` and inserts `mappings` (all of `team`) as
    /// suggested; pairs the team sees mapped already (accepted or rejected) are skipped. Every mapping must belong
    /// to the scope. Other teams' mappings, and the shared ones, are left as they are.
    func replaceSuggestedMappings(scope: MappingScope, team: String, with mappings: [MappingRecord]) async throws
        -> MappingReplacement

    // MARK: Classifications

    /// Creates or replaces `classification.team`'s classification of `classification.pdeID`; a replaced one keeps
    /// its id, row id and create time. Throws `notFound` for the PDE.
    func upsertClassification(_ classification: ClassificationRecord) async throws -> ClassificationRecord
    /// Returns the classification of a PDE the reader sees (its team's before a shared one), or nil if none.
    func classification(pdeID: String, visibleTo visibility: RecordVisibility) async throws -> ClassificationRecord?
    /// Lists the classifications the reader sees, all or those of a PDE.
    func listClassifications(pdeID: String?, visibleTo visibility: RecordVisibility, page: PageRequest) async throws
        -> Page<ClassificationRecord>
}
