import Foundation
public import PlanningRPC
import PostgresNIO

extension PostgresStore: PlanningStore {
    // MARK: Cycles and reports

    public func createCycle(_ cycle: CycleRecord) async throws -> CycleRecord {
        let name = cycle.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw StoreError.invalid("cycle name must not be empty") }
        var stored = cycle
        stored.id = RecordID.make(RecordID.cycle)
        stored.name = name
        stored.createTime = timestamp()
        let prepared = stored
        return try await write { session in
            var stored = prepared
            // ON CONFLICT: two instances creating the same name at once both pass a check; one insert wins.
            guard
                let row = try await session.row(
                    """
                    INSERT INTO cycles (id, name, description, create_time)
                    VALUES (\(stored.id), \(stored.name), \(stored.description), \(stored.createTime.storeMillis))
                    ON CONFLICT (name) DO NOTHING RETURNING seq
                    """
                )
            else { throw StoreError.alreadyExists("a cycle named '\(name)' exists") }
            stored.rowID = try row.int64("seq")
            return stored
        }
    }

    public func cycle(id: String) async throws -> CycleRecord {
        try await read { session in
            guard let row = try await session.row("SELECT * FROM cycles WHERE id = \(id)") else {
                throw StoreError.notFound(what: "cycle", id: id)
            }
            return try CycleRecord(row: row)
        }
    }

    public func listCycles(page: PageRequest) async throws -> Page<CycleRecord> {
        try await read { session in
            try await self.fetchPage(
                session,
                sql: "SELECT * FROM cycles WHERE TRUE",
                binds: PostgresBindings(),
                page: page
            ) {
                try CycleRecord(row: $0)
            }
        }
    }

    public func createReport(_ report: ReportRecord) async throws -> ReportRecord {
        let name = report.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw StoreError.invalid("report name must not be empty") }
        var stored = report
        stored.id = RecordID.make(RecordID.report)
        stored.name = name
        stored.createTime = timestamp()
        let prepared = stored
        return try await write { session in
            var stored = prepared
            try await self.requireExists(session, table: "cycles", what: "cycle", id: stored.cycleID)
            guard
                let row = try await session.row(
                    """
                    INSERT INTO reports (id, cycle_id, name, description, create_time)
                    VALUES (\(stored.id), \(stored.cycleID), \(name), \(stored.description),
                        \(stored.createTime.storeMillis))
                    ON CONFLICT (cycle_id, name) DO NOTHING RETURNING seq
                    """
                )
            else { throw StoreError.alreadyExists("cycle \(stored.cycleID) has a report named '\(name)'") }
            stored.rowID = try row.int64("seq")
            return stored
        }
    }

    public func report(id: String) async throws -> ReportRecord {
        try await read { session in
            guard let row = try await session.row("SELECT * FROM reports WHERE id = \(id)") else {
                throw StoreError.notFound(what: "report", id: id)
            }
            return try ReportRecord(row: row)
        }
    }

    public func listReports(cycleID: String, page: PageRequest) async throws -> Page<ReportRecord> {
        try await read { session in
            try await self.requireExists(session, table: "cycles", what: "cycle", id: cycleID)
            var binds = PostgresBindings()
            binds.append(cycleID)
            return try await self.fetchPage(
                session,
                sql: "SELECT * FROM reports WHERE cycle_id = $1",
                binds: binds,
                page: page
            ) { try ReportRecord(row: $0) }
        }
    }

    // MARK: Documents and attributes

    public func addDocument(_ document: DocumentRecord) async throws -> DocumentRecord {
        var stored = document
        stored.id = RecordID.make(RecordID.document)
        stored.textSize = Int64(document.text.utf8.count)
        stored.createTime = timestamp()
        let prepared = stored
        return try await write { session in
            var stored = prepared
            try await self.requireExists(session, table: "reports", what: "report", id: stored.reportID)
            let row = try await session.row(
                """
                INSERT INTO documents (id, report_id, title, text, text_size, job_id, create_time)
                VALUES (\(stored.id), \(stored.reportID), \(stored.title), \(stored.text), \(stored.textSize),
                    \(stored.jobID), \(stored.createTime.storeMillis))
                RETURNING seq
                """
            )
            stored.rowID = try row?.int64("seq") ?? 0
            return stored
        }
    }

    public func document(id: String) async throws -> DocumentRecord {
        try await read { session in
            guard let row = try await session.row("SELECT * FROM documents WHERE id = \(id)") else {
                throw StoreError.notFound(what: "document", id: id)
            }
            return try DocumentRecord(row: row)
        }
    }

    public func listDocuments(reportID: String, includeText: Bool, page: PageRequest) async throws
        -> Page<DocumentRecord>
    {
        // Without the text, the column is not even read: documents can be megabytes each.
        let columns = includeText ? "*" : "seq, id, report_id, title, '' AS text, text_size, job_id, create_time"
        return try await read { session in
            try await self.requireExists(session, table: "reports", what: "report", id: reportID)
            var binds = PostgresBindings()
            binds.append(reportID)
            return try await self.fetchPage(
                session,
                sql: "SELECT \(columns) FROM documents WHERE report_id = $1",
                binds: binds,
                page: page
            ) { try DocumentRecord(row: $0) }
        }
    }

    public func createAttribute(_ attribute: AttributeRecord) async throws -> AttributeRecord {
        let prepared = try prepareAttribute(attribute)
        return try await write { session in
            let (stored, created) = try await self.insertAttribute(session, prepared)
            if !created {
                throw StoreError.alreadyExists("report \(stored.reportID) has an attribute named '\(stored.name)'")
            }
            return stored
        }
    }

    public func attribute(id: String, visibleTo visibility: RecordVisibility) async throws -> AttributeRecord {
        try await read { session in try await self.visibleAttribute(session, id: id, visibility) }
    }

    public func listAttributes(reportID: String, visibleTo visibility: RecordVisibility, page: PageRequest)
        async throws -> Page<AttributeRecord>
    {
        try await read { session in
            try await self.requireExists(session, table: "reports", what: "report", id: reportID)
            var binds = PostgresBindings()
            binds.append(reportID)
            var sql = "SELECT * FROM attributes WHERE report_id = $1"
            visibility.appendCondition(to: &sql, binds: &binds)
            return try await self.fetchPage(session, sql: sql, binds: binds, page: page) {
                try AttributeRecord(row: $0)
            }
        }
    }

    /// The attribute, or `notFound` when it does not exist or the reader cannot see it.
    func visibleAttribute(_ session: Session, id: String, _ visibility: RecordVisibility) async throws
        -> AttributeRecord
    {
        let team = visibility.filterTeam
        guard
            let row = try await session.row(
                "SELECT * FROM attributes WHERE id = \(id) AND (\(team)::TEXT IS NULL OR team = \(team) OR team = '')"
            )
        else { throw StoreError.notFound(what: "attribute", id: id) }
        return try AttributeRecord(row: row)
    }

    /// Validates an attribute and gives it an id and a time, outside the transaction.
    func prepareAttribute(_ attribute: AttributeRecord) throws -> AttributeRecord {
        let name = attribute.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw StoreError.invalid("attribute name must not be empty") }
        var stored = attribute
        stored.id = RecordID.make(RecordID.attribute)
        stored.name = name
        stored.createTime = timestamp()
        return stored
    }

    /// Inserts an attribute, or returns the one of the same report with the same name that its team sees
    /// (`created` false).
    func insertAttribute(_ session: Session, _ attribute: AttributeRecord) async throws
        -> (AttributeRecord, created: Bool)
    {
        try await requireExists(session, table: "reports", what: "report", id: attribute.reportID)
        // A shared attribute of that name counts as the team's; ON CONFLICT settles two inserts of the team at once.
        if let existing = try await sameNamedAttribute(session, attribute) { return (existing, false) }
        var stored = attribute
        if let row = try await session.row(
            """
            INSERT INTO attributes (id, report_id, name, description, data_type, critical_data_element,
                source_document_id, source_section, job_id, create_time, team)
            VALUES (\(stored.id), \(stored.reportID), \(stored.name), \(stored.description), \(stored.dataType),
                \(stored.isCriticalDataElement), \(stored.sourceDocumentID), \(stored.sourceSection),
                \(stored.jobID), \(stored.createTime.storeMillis), \(stored.team))
            ON CONFLICT (report_id, team, name) DO NOTHING RETURNING seq
            """
        ) {
            stored.rowID = try row.int64("seq")
            return (stored, true)
        }
        guard let existing = try await sameNamedAttribute(session, attribute) else {
            throw StoreError.notFound(what: "attribute", id: attribute.name)
        }
        return (existing, false)
    }

    /// The attribute of the report with the same name that the attribute's team sees, its own before a shared one.
    private func sameNamedAttribute(_ session: Session, _ attribute: AttributeRecord) async throws -> AttributeRecord? {
        try await session.row(
            """
            SELECT * FROM attributes WHERE report_id = \(attribute.reportID) AND name = \(attribute.name)
                AND (team = \(attribute.team) OR team = '')
            ORDER BY team = '' LIMIT 1
            """
        ).map { try AttributeRecord(row: $0) }
    }

    // MARK: PDEs

    public func upsertPDEs(_ pdes: [PDERecord]) async throws -> PDEImportResult {
        for pde in pdes where pde.system.isEmpty || pde.table.isEmpty || pde.column.isEmpty {
            throw StoreError.invalid(
                "a PDE needs a system, a table and a column (got '\(pde.system)'.'\(pde.table)'.'\(pde.column)')"
            )
        }
        let time = timestamp()
        // One statement per round, in input order; a key that occurs again in the batch goes to a later round,
        // since one INSERT ... ON CONFLICT cannot touch a row twice (and the later occurrence must win).
        var rounds: [[Int]] = []
        var occurrences: [String: Int] = [:]
        for (index, pde) in pdes.enumerated() {
            let key = "\(pde.system)\u{0}\(pde.table)\u{0}\(pde.column)"
            let round = occurrences[key, default: 0]
            occurrences[key] = round + 1
            if round == rounds.count { rounds.append([]) }
            rounds[round].append(index)
        }
        let ids = pdes.map { _ in RecordID.make(RecordID.pde) }
        let batches = rounds
        return try await write { session in
            var stored = pdes
            var created = 0
            var updated = 0
            for batch in batches {
                let rows = try await self.upsertPDEBatch(
                    session, batch.map { pdes[$0] }, ids: batch.map { ids[$0] }, time: time)
                for (offset, index) in batch.enumerated() {
                    let row = rows[offset]
                    stored[index].updateTime = time
                    stored[index].rowID = try row.int64("seq")
                    stored[index].id = try row.string("id")
                    stored[index].createTime = try row.date("create_time")
                    if try row.bool("inserted") { created += 1 } else { updated += 1 }
                }
            }
            return PDEImportResult(pdes: stored, created: created, updated: updated)
        }
    }

    /// Upserts PDEs with distinct keys in one statement; returns their rows (seq, id, create time, inserted) in
    /// the order given.
    private func upsertPDEBatch(_ session: Session, _ pdes: [PDERecord], ids: [String], time: Date) async throws
        -> [PostgresRandomAccessRow]
    {
        let millis = time.storeMillis
        // xmax = 0 only for a row this statement inserted: it tells an insert from an update.
        let rows = try await session.rows(
            """
            INSERT INTO pdes (id, system, table_name, column_name, data_type, description, sample_values,
                create_time, update_time)
            SELECT i, s, t, c, d, e, v, \(millis), \(millis)
            FROM unnest(\(ids)::TEXT[], \(pdes.map(\.system))::TEXT[], \(pdes.map(\.table))::TEXT[],
                \(pdes.map(\.column))::TEXT[], \(pdes.map(\.dataType))::TEXT[], \(pdes.map(\.description))::TEXT[],
                \(pdes.map { PDERecord.encodeSamples($0.sampleValues) })::TEXT[])
                WITH ORDINALITY AS input(i, s, t, c, d, e, v, n)
            ORDER BY n
            ON CONFLICT (system, table_name, column_name) DO UPDATE SET
                data_type = EXCLUDED.data_type, description = EXCLUDED.description,
                sample_values = EXCLUDED.sample_values, update_time = EXCLUDED.update_time
            RETURNING seq, id, system, table_name, column_name, create_time, (xmax = 0) AS inserted
            """)
        var byKey: [String: PostgresRandomAccessRow] = [:]
        for row in rows {
            byKey["\(try row.string("system"))\u{0}\(try row.string("table_name"))\u{0}\(try row.string("column_name"))"] =
                row
        }
        return try pdes.map { pde in
            guard let row = byKey["\(pde.system)\u{0}\(pde.table)\u{0}\(pde.column)"] else {
                throw StoreError.invalid("PDE upsert returned no row for \(pde.system).\(pde.table).\(pde.column)")
            }
            return row
        }
    }

    public func pde(id: String) async throws -> PDERecord {
        try await read { session in
            guard let row = try await session.row("SELECT * FROM pdes WHERE id = \(id)") else {
                throw StoreError.notFound(what: "PDE", id: id)
            }
            return try PDERecord(row: row)
        }
    }

    public func pdes(ids: [String]) async throws -> [PDERecord] {
        try await read { session in try await self.fetchPDEs(session, ids: ids) }
    }

    public func listPDEs(system: String?, page: PageRequest) async throws -> Page<PDERecord> {
        try await read { session in
            var binds = PostgresBindings()
            var sql = "SELECT * FROM pdes WHERE TRUE"
            if let system {
                binds.append(system)
                sql = "SELECT * FROM pdes WHERE system = $1"
            }
            return try await self.fetchPage(session, sql: sql, binds: binds, page: page) { try PDERecord(row: $0) }
        }
    }

    public func mappedPDEIDs(reportID: String, states: Set<MappingState>, visibleTo visibility: RecordVisibility)
        async throws -> [String]
    {
        let states = states.map(\.rawValue).sorted()
        guard !states.isEmpty else { return [] }
        let team = visibility.filterTeam
        return try await read { session in
            try await self.requireExists(session, table: "reports", what: "report", id: reportID)
            return try await session.rows(
                """
                SELECT pde_id FROM mappings WHERE report_id = \(reportID) AND state = ANY(\(states))
                    AND (\(team)::TEXT IS NULL OR team = \(team) OR team = '')
                GROUP BY pde_id ORDER BY MIN(seq)
                """
            ).map { try $0.string("pde_id") }
        }
    }

    /// The PDEs with these ids that exist, in the order of `ids` (duplicates kept).
    func fetchPDEs(_ session: Session, ids: [String]) async throws -> [PDERecord] {
        guard !ids.isEmpty else { return [] }
        let unique = Array(Set(ids))
        var byID: [String: PDERecord] = [:]
        for row in try await session.rows("SELECT * FROM pdes WHERE id = ANY(\(unique))") {
            let pde = try PDERecord(row: row)
            byID[pde.id] = pde
        }
        return ids.compactMap { byID[$0] }
    }

    // MARK: Mappings

    public func createMapping(_ mapping: MappingRecord) async throws -> MappingRecord {
        let prepared = try prepareMapping(mapping)
        return try await write { session in
            let (stored, created) = try await self.insertMapping(session, prepared)
            if !created {
                throw StoreError.alreadyExists(
                    "attribute \(stored.attributeID) is already mapped to PDE \(stored.pdeID)"
                )
            }
            return stored
        }
    }

    public func mapping(id: String, visibleTo visibility: RecordVisibility) async throws -> MappingRecord {
        let team = visibility.filterTeam
        return try await read { session in
            guard
                let row = try await session.row(
                    "SELECT * FROM mappings WHERE id = \(id) AND (\(team)::TEXT IS NULL OR team = \(team) OR team = '')"
                )
            else {
                throw StoreError.notFound(what: "mapping", id: id)
            }
            return try await self.withPDEs(session, [try MappingRecord(row: row)])[0]
        }
    }

    public func listMappings(
        scope: MappingScope, state: MappingState?, visibleTo visibility: RecordVisibility, page: PageRequest
    ) async throws -> Page<MappingRecord> {
        try await read { session in
            var sql: String
            var binds = PostgresBindings()
            switch scope {
            case .report(let reportID):
                try await self.requireExists(session, table: "reports", what: "report", id: reportID)
                sql = "SELECT * FROM mappings WHERE report_id = $1"
                binds.append(reportID)
            case .attribute(let attributeID):
                _ = try await self.visibleAttribute(session, id: attributeID, visibility)
                sql = "SELECT * FROM mappings WHERE attribute_id = $1"
                binds.append(attributeID)
            }
            if let state {
                binds.append(state.rawValue)
                sql += " AND state = $2"
            }
            visibility.appendCondition(to: &sql, binds: &binds)
            var result = try await self.fetchPage(session, sql: sql, binds: binds, page: page) {
                try MappingRecord(row: $0)
            }
            result.items = try await self.withPDEs(session, result.items)
            return result
        }
    }

    public func updateMappingState(
        id: String, state: MappingState, rationale: String?, visibleTo visibility: RecordVisibility
    ) async throws -> MappingRecord {
        let time = timestamp()
        let team = visibility.filterTeam
        return try await write { session in
            let row: PostgresRandomAccessRow?
            if let rationale {
                row = try await session.row(
                    """
                    UPDATE mappings SET state = \(state.rawValue), rationale = \(rationale),
                        update_time = \(time.storeMillis)
                    WHERE id = \(id) AND (\(team)::TEXT IS NULL OR team = \(team) OR team = '') RETURNING *
                    """
                )
            } else {
                row = try await session.row(
                    """
                    UPDATE mappings SET state = \(state.rawValue), update_time = \(time.storeMillis)
                    WHERE id = \(id) AND (\(team)::TEXT IS NULL OR team = \(team) OR team = '') RETURNING *
                    """
                )
            }
            guard let row else { throw StoreError.notFound(what: "mapping", id: id) }
            return try await self.withPDEs(session, [try MappingRecord(row: row)])[0]
        }
    }

    public func replaceSuggestedMappings(scope: MappingScope, team: String, with mappings: [MappingRecord])
        async throws -> MappingReplacement
    {
        let prepared = try mappings.map(prepareMapping)
        return try await write { session in
            try await self.replaceSuggested(session, scope: scope, team: team, with: prepared)
        }
    }

    /// Validates a mapping and gives it an id and times, outside the transaction.
    func prepareMapping(_ mapping: MappingRecord) throws -> MappingRecord {
        guard (0...1).contains(mapping.confidence) else {
            throw StoreError.invalid("mapping confidence must be within 0...1, got \(mapping.confidence)")
        }
        var stored = mapping
        stored.id = RecordID.make(RecordID.mapping)
        stored.createTime = timestamp()
        stored.updateTime = stored.createTime
        stored.pde = nil
        return stored
    }

    /// Inserts a mapping (report id from its attribute, which its team must see), or returns the existing one for
    /// the same pair that its team sees.
    func insertMapping(_ session: Session, _ mapping: MappingRecord) async throws -> (MappingRecord, created: Bool) {
        let reportID = try await visibleAttribute(session, id: mapping.attributeID, .team(mapping.team)).reportID
        try await requireExists(session, table: "pdes", what: "PDE", id: mapping.pdeID)
        if let existing = try await samePairMapping(session, mapping) {
            return (try await withPDEs(session, [existing])[0], false)
        }
        var stored = mapping
        stored.reportID = reportID
        if let row = try await session.row(
            """
            INSERT INTO mappings (id, attribute_id, report_id, pde_id, confidence, rationale, state, job_id,
                create_time, update_time, team)
            VALUES (\(stored.id), \(stored.attributeID), \(reportID), \(stored.pdeID), \(stored.confidence),
                \(stored.rationale), \(stored.state.rawValue), \(stored.jobID), \(stored.createTime.storeMillis),
                \(stored.updateTime.storeMillis), \(stored.team))
            ON CONFLICT (attribute_id, pde_id, team) DO NOTHING RETURNING seq
            """
        ) {
            stored.rowID = try row.int64("seq")
            return (try await withPDEs(session, [stored])[0], true)
        }
        guard let existing = try await samePairMapping(session, mapping) else {
            throw StoreError.notFound(what: "mapping", id: mapping.attributeID)
        }
        return (try await withPDEs(session, [existing])[0], false)
    }

    /// The mapping of the same pair that the mapping's team sees, its own before a shared one.
    private func samePairMapping(_ session: Session, _ mapping: MappingRecord) async throws -> MappingRecord? {
        try await session.row(
            """
            SELECT * FROM mappings WHERE attribute_id = \(mapping.attributeID) AND pde_id = \(mapping.pdeID)
                AND (team = \(mapping.team) OR team = '')
            ORDER BY team = '' LIMIT 1
            """
        ).map { try MappingRecord(row: $0) }
    }

    /// Deletes the team's suggested mappings in scope and inserts the new ones as suggested, skipping pairs the
    /// team sees mapped.
    func replaceSuggested(_ session: Session, scope: MappingScope, team: String, with mappings: [MappingRecord])
        async throws -> MappingReplacement
    {
        let removed: Int
        switch scope {
        case .report(let reportID):
            try await requireExists(session, table: "reports", what: "report", id: reportID)
            removed = try await session.rows(
                """
                DELETE FROM mappings WHERE report_id = \(reportID) AND team = \(team) AND state = 'suggested'
                RETURNING seq
                """
            ).count
        case .attribute(let attributeID):
            _ = try await visibleAttribute(session, id: attributeID, .team(team))
            removed = try await session.rows(
                """
                DELETE FROM mappings WHERE attribute_id = \(attributeID) AND team = \(team) AND state = 'suggested'
                RETURNING seq
                """
            ).count
        }
        var inserted: [MappingRecord] = []
        var skipped = 0
        for var mapping in mappings {
            mapping.state = .suggested
            mapping.team = team
            let (stored, created) = try await insertMapping(session, mapping)
            let inScope =
                switch scope {
                case .report(let reportID): stored.reportID == reportID
                case .attribute(let attributeID): stored.attributeID == attributeID
                }
            // Rolls the whole transaction back: a mapping outside the scope is a caller's bug.
            guard inScope else {
                throw StoreError.invalid("mapping of attribute \(stored.attributeID) is outside the replaced scope")
            }
            if created { inserted.append(stored) } else { skipped += 1 }
        }
        return MappingReplacement(removed: removed, inserted: inserted, skipped: skipped)
    }

    /// Fills in the `pde` of each mapping.
    func withPDEs(_ session: Session, _ mappings: [MappingRecord]) async throws -> [MappingRecord] {
        let pdes = try await fetchPDEs(session, ids: mappings.map(\.pdeID))
        let byID = Dictionary(pdes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return mappings.map { mapping in
            var mapping = mapping
            mapping.pde = byID[mapping.pdeID]
            return mapping
        }
    }

    // MARK: Classifications

    public func upsertClassification(_ classification: ClassificationRecord) async throws -> ClassificationRecord {
        let prepared = prepareClassification(classification)
        return try await write { session in try await self.upsertClassification(session, prepared) }
    }

    public func classification(pdeID: String, visibleTo visibility: RecordVisibility) async throws
        -> ClassificationRecord?
    {
        let team = visibility.filterTeam
        return try await read { session in
            try await session.row(
                """
                SELECT * FROM classifications WHERE pde_id = \(pdeID)
                    AND (\(team)::TEXT IS NULL OR team = \(team) OR team = '')
                ORDER BY team = '' LIMIT 1
                """
            ).map { try ClassificationRecord(row: $0) }
        }
    }

    public func listClassifications(pdeID: String?, visibleTo visibility: RecordVisibility, page: PageRequest)
        async throws -> Page<ClassificationRecord>
    {
        try await read { session in
            var binds = PostgresBindings()
            var sql = "SELECT * FROM classifications WHERE TRUE"
            if let pdeID {
                binds.append(pdeID)
                sql = "SELECT * FROM classifications WHERE pde_id = $1"
            }
            visibility.appendCondition(to: &sql, binds: &binds)
            return try await self.fetchPage(session, sql: sql, binds: binds, page: page) {
                try ClassificationRecord(row: $0)
            }
        }
    }

    /// Gives a classification an id and times, outside the transaction.
    func prepareClassification(_ classification: ClassificationRecord) -> ClassificationRecord {
        var stored = classification
        stored.id = RecordID.make(RecordID.classification)
        stored.createTime = timestamp()
        stored.updateTime = stored.createTime
        return stored
    }

    /// Inserts the team's classification of a PDE or replaces its existing one, keeping its id, row id and create
    /// time. A shared classification is left as it is: the team's own is read before it.
    func upsertClassification(_ session: Session, _ classification: ClassificationRecord) async throws
        -> ClassificationRecord
    {
        try await requireExists(session, table: "pdes", what: "PDE", id: classification.pdeID)
        var stored = classification
        guard
            let row = try await session.row(
                """
                INSERT INTO classifications (id, pde_id, criticality, security_class, personal_data, rationale,
                    job_id, create_time, update_time, team)
                VALUES (\(stored.id), \(stored.pdeID), \(stored.criticality.rawValue),
                    \(stored.securityClass.rawValue), \(stored.hasPersonalData), \(stored.rationale), \(stored.jobID),
                    \(stored.createTime.storeMillis), \(stored.updateTime.storeMillis), \(stored.team))
                ON CONFLICT (pde_id, team) DO UPDATE SET
                    criticality = EXCLUDED.criticality, security_class = EXCLUDED.security_class,
                    personal_data = EXCLUDED.personal_data, rationale = EXCLUDED.rationale,
                    job_id = EXCLUDED.job_id, update_time = EXCLUDED.update_time
                RETURNING seq, id, create_time
                """
            )
        else { throw StoreError.invalid("classification upsert returned nothing") }
        stored.rowID = try row.int64("seq")
        stored.id = try row.string("id")
        stored.createTime = try row.date("create_time")
        return stored
    }
}

extension PostgresStore: PDEVersioning {
    /// Count, row ids and update times of the PDEs, in one aggregate query over the table.
    package func pdeVersion() async throws -> String {
        try await read { session in
            guard
                let row = try await session.row(
                    """
                    SELECT count(*)::BIGINT AS n, COALESCE(sum(seq), 0)::DOUBLE PRECISION AS seqs,
                        COALESCE(max(update_time), 0)::BIGINT AS latest,
                        COALESCE(sum(update_time), 0)::DOUBLE PRECISION AS updates
                    FROM pdes
                    """
                )
            else { return "" }
            return "\(try row.int64("n"))|\(try row.double("seqs"))|\(try row.int64("latest"))|"
                + "\(try row.double("updates"))"
        }
    }
}
