import Foundation
import GRDB

extension SQLiteStore: PlanningStore {
    // MARK: Cycles and reports

    public func createCycle(_ cycle: CycleRecord) async throws -> CycleRecord {
        let name = cycle.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw StoreError.invalid("cycle name must not be empty") }
        var stored = cycle
        stored.id = RecordID.make(RecordID.cycle)
        stored.name = name
        stored.createTime = timestamp()
        let prepared = stored
        return try await pool.write { db in
            var stored = prepared
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM cycles WHERE name = ?)", arguments: [name])
                == true
            {
                throw StoreError.alreadyExists("a cycle named '\(name)' exists")
            }
            try db.execute(
                sql: "INSERT INTO cycles (id, name, description, create_time) VALUES (?, ?, ?, ?)",
                arguments: [stored.id, stored.name, stored.description, stored.createTime.storeMillis])
            stored.rowID = db.lastInsertedRowID
            return stored
        }
    }

    public func cycle(id: String) async throws -> CycleRecord {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM cycles WHERE id = ?", arguments: [id]) else {
                throw StoreError.notFound(what: "cycle", id: id)
            }
            return CycleRecord(row: row)
        }
    }

    public func listCycles(page: PageRequest) async throws -> Page<CycleRecord> {
        try await pool.read { db in
            try self.fetchPage(db, sql: "SELECT * FROM cycles WHERE 1", arguments: [], page: page) {
                CycleRecord(row: $0)
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
        return try await pool.write { db in
            var stored = prepared
            try self.requireExists(db, table: "cycles", what: "cycle", id: stored.cycleID)
            if try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM reports WHERE cycle_id = ? AND name = ?)",
                arguments: [stored.cycleID, name]) == true
            {
                throw StoreError.alreadyExists("cycle \(stored.cycleID) has a report named '\(name)'")
            }
            try db.execute(
                sql: "INSERT INTO reports (id, cycle_id, name, description, create_time) VALUES (?, ?, ?, ?, ?)",
                arguments: [stored.id, stored.cycleID, name, stored.description, stored.createTime.storeMillis])
            stored.rowID = db.lastInsertedRowID
            return stored
        }
    }

    public func report(id: String) async throws -> ReportRecord {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM reports WHERE id = ?", arguments: [id]) else {
                throw StoreError.notFound(what: "report", id: id)
            }
            return ReportRecord(row: row)
        }
    }

    public func listReports(cycleID: String, page: PageRequest) async throws -> Page<ReportRecord> {
        try await pool.read { db in
            try self.requireExists(db, table: "cycles", what: "cycle", id: cycleID)
            return try self.fetchPage(
                db, sql: "SELECT * FROM reports WHERE cycle_id = ?", arguments: [cycleID], page: page
            ) { ReportRecord(row: $0) }
        }
    }

    // MARK: Documents and attributes

    public func addDocument(_ document: DocumentRecord) async throws -> DocumentRecord {
        var stored = document
        stored.id = RecordID.make(RecordID.document)
        stored.textSize = Int64(document.text.utf8.count)
        stored.createTime = timestamp()
        let prepared = stored
        return try await pool.write { db in
            var stored = prepared
            try self.requireExists(db, table: "reports", what: "report", id: stored.reportID)
            try db.execute(
                sql: """
                    INSERT INTO documents (id, report_id, title, text, text_size, job_id, create_time)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    stored.id, stored.reportID, stored.title, stored.text, stored.textSize, stored.jobID,
                    stored.createTime.storeMillis,
                ])
            stored.rowID = db.lastInsertedRowID
            return stored
        }
    }

    public func document(id: String) async throws -> DocumentRecord {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM documents WHERE id = ?", arguments: [id]) else {
                throw StoreError.notFound(what: "document", id: id)
            }
            return DocumentRecord(row: row)
        }
    }

    public func listDocuments(reportID: String, includeText: Bool, page: PageRequest) async throws
        -> Page<DocumentRecord>
    {
        // Without the text, the column is not even read: documents can be megabytes each.
        let columns = includeText ? "*" : "seq, id, report_id, title, '' AS text, text_size, job_id, create_time"
        return try await pool.read { db in
            try self.requireExists(db, table: "reports", what: "report", id: reportID)
            return try self.fetchPage(
                db, sql: "SELECT \(columns) FROM documents WHERE report_id = ?", arguments: [reportID], page: page
            ) { DocumentRecord(row: $0) }
        }
    }

    public func createAttribute(_ attribute: AttributeRecord) async throws -> AttributeRecord {
        let prepared = try prepareAttribute(attribute)
        return try await pool.write { db in
            let (stored, created) = try self.insertAttribute(db, prepared)
            if !created {
                throw StoreError.alreadyExists("report \(stored.reportID) has an attribute named '\(stored.name)'")
            }
            return stored
        }
    }

    public func attribute(id: String, visibleTo visibility: RecordVisibility) async throws -> AttributeRecord {
        try await pool.read { db in try self.visibleAttribute(db, id: id, visibility) }
    }

    public func listAttributes(reportID: String, visibleTo visibility: RecordVisibility, page: PageRequest)
        async throws -> Page<AttributeRecord>
    {
        try await pool.read { db in
            try self.requireExists(db, table: "reports", what: "report", id: reportID)
            return try self.fetchPage(
                db, sql: "SELECT * FROM attributes WHERE report_id = ?" + RecordVisibility.sqliteCondition,
                arguments: [reportID] + visibility.sqliteArguments, page: page
            ) { AttributeRecord(row: $0) }
        }
    }

    /// The attribute, or `notFound` when it does not exist or the reader cannot see it.
    func visibleAttribute(_ db: Database, id: String, _ visibility: RecordVisibility) throws -> AttributeRecord {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT * FROM attributes WHERE id = ?" + RecordVisibility.sqliteCondition,
                arguments: [id] + visibility.sqliteArguments)
        else {
            throw StoreError.notFound(what: "attribute", id: id)
        }
        return AttributeRecord(row: row)
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
    func insertAttribute(_ db: Database, _ attribute: AttributeRecord) throws -> (AttributeRecord, created: Bool) {
        try requireExists(db, table: "reports", what: "report", id: attribute.reportID)
        if let row = try Row.fetchOne(
            db,
            sql: "SELECT * FROM attributes WHERE report_id = ? AND name = ?" + RecordVisibility.sqliteCondition
                + " ORDER BY team = '' LIMIT 1",
            arguments: [attribute.reportID, attribute.name] + RecordVisibility.team(attribute.team).sqliteArguments)
        {
            return (AttributeRecord(row: row), false)
        }
        var stored = attribute
        try db.execute(
            sql: """
                INSERT INTO attributes (id, report_id, name, description, data_type, critical_data_element,
                    source_document_id, source_section, job_id, create_time, team)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                stored.id, stored.reportID, stored.name, stored.description, stored.dataType,
                stored.isCriticalDataElement, stored.sourceDocumentID, stored.sourceSection, stored.jobID,
                stored.createTime.storeMillis, stored.team,
            ])
        stored.rowID = db.lastInsertedRowID
        return (stored, true)
    }

    // MARK: PDEs

    public func upsertPDEs(_ pdes: [PDERecord]) async throws -> PDEImportResult {
        for pde in pdes where pde.system.isEmpty || pde.table.isEmpty || pde.column.isEmpty {
            throw StoreError.invalid(
                "a PDE needs a system, a table and a column (got '\(pde.system)'.'\(pde.table)'.'\(pde.column)')")
        }
        let time = timestamp()
        return try await pool.write { db in
            var stored: [PDERecord] = []
            stored.reserveCapacity(pdes.count)
            var created = 0
            var updated = 0
            for pde in pdes {
                var record = pde
                record.updateTime = time
                if let row = try Row.fetchOne(
                    db,
                    sql:
                        "SELECT seq, id, create_time FROM pdes WHERE system = ? AND table_name = ? AND column_name = ?",
                    arguments: [pde.system, pde.table, pde.column])
                {
                    record.rowID = row["seq"]
                    record.id = row["id"]
                    record.createTime = row.date("create_time")
                    try db.execute(
                        sql: """
                            UPDATE pdes SET data_type = ?, description = ?, sample_values = ?, update_time = ?
                            WHERE seq = ?
                            """,
                        arguments: [
                            record.dataType, record.description, PDERecord.encodeSamples(record.sampleValues),
                            time.storeMillis, record.rowID,
                        ])
                    updated += 1
                } else {
                    record.id = RecordID.make(RecordID.pde)
                    record.createTime = time
                    try db.execute(
                        sql: """
                            INSERT INTO pdes (id, system, table_name, column_name, data_type, description,
                                sample_values, create_time, update_time)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            record.id, record.system, record.table, record.column, record.dataType,
                            record.description, PDERecord.encodeSamples(record.sampleValues), time.storeMillis,
                            time.storeMillis,
                        ])
                    record.rowID = db.lastInsertedRowID
                    created += 1
                }
                stored.append(record)
            }
            return PDEImportResult(pdes: stored, created: created, updated: updated)
        }
    }

    public func pde(id: String) async throws -> PDERecord {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM pdes WHERE id = ?", arguments: [id]) else {
                throw StoreError.notFound(what: "PDE", id: id)
            }
            return PDERecord(row: row)
        }
    }

    public func pdes(ids: [String]) async throws -> [PDERecord] {
        try await pool.read { db in try self.fetchPDEs(db, ids: ids) }
    }

    public func listPDEs(system: String?, page: PageRequest) async throws -> Page<PDERecord> {
        try await pool.read { db in
            if let system {
                return try self.fetchPage(
                    db, sql: "SELECT * FROM pdes WHERE system = ?", arguments: [system], page: page
                ) { PDERecord(row: $0) }
            }
            return try self.fetchPage(db, sql: "SELECT * FROM pdes WHERE 1", arguments: [], page: page) {
                PDERecord(row: $0)
            }
        }
    }

    public func mappedPDEIDs(reportID: String, states: Set<MappingState>, visibleTo visibility: RecordVisibility)
        async throws -> [String]
    {
        let states = states.map(\.rawValue).sorted()
        guard !states.isEmpty else { return [] }
        return try await pool.read { db in
            try self.requireExists(db, table: "reports", what: "report", id: reportID)
            var arguments: StatementArguments = [reportID]
            arguments += StatementArguments(states)
            arguments += visibility.sqliteArguments
            let marks = databaseQuestionMarks(count: states.count)
            return try String.fetchAll(
                db,
                sql: """
                    SELECT pde_id FROM mappings WHERE report_id = ? AND state IN (\(marks))\(RecordVisibility.sqliteCondition)
                    GROUP BY pde_id ORDER BY MIN(seq)
                    """,
                arguments: arguments)
        }
    }

    /// The PDEs with these ids that exist, in the order of `ids` (duplicates kept).
    func fetchPDEs(_ db: Database, ids: [String]) throws -> [PDERecord] {
        guard !ids.isEmpty else { return [] }
        var byID: [String: PDERecord] = [:]
        // In chunks, to stay below SQLite's limit of bound parameters on old builds.
        let unique = Array(Set(ids))
        for start in stride(from: 0, to: unique.count, by: 500) {
            let chunk = Array(unique[start..<min(start + 500, unique.count)])
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM pdes WHERE id IN (\(databaseQuestionMarks(count: chunk.count)))",
                arguments: StatementArguments(chunk))
            for row in rows {
                let pde = PDERecord(row: row)
                byID[pde.id] = pde
            }
        }
        return ids.compactMap { byID[$0] }
    }

    // MARK: Mappings

    public func createMapping(_ mapping: MappingRecord) async throws -> MappingRecord {
        let prepared = try prepareMapping(mapping)
        return try await pool.write { db in
            let (stored, created) = try self.insertMapping(db, prepared)
            if !created {
                throw StoreError.alreadyExists(
                    "attribute \(stored.attributeID) is already mapped to PDE \(stored.pdeID)")
            }
            return stored
        }
    }

    public func mapping(id: String, visibleTo visibility: RecordVisibility) async throws -> MappingRecord {
        try await pool.read { db in
            try self.withPDEs(db, [try self.visibleMapping(db, id: id, visibility)])[0]
        }
    }

    /// The mapping (without its PDE), or `notFound` when it does not exist or the reader cannot see it.
    func visibleMapping(_ db: Database, id: String, _ visibility: RecordVisibility) throws -> MappingRecord {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT * FROM mappings WHERE id = ?" + RecordVisibility.sqliteCondition,
                arguments: [id] + visibility.sqliteArguments)
        else {
            throw StoreError.notFound(what: "mapping", id: id)
        }
        return try MappingRecord(row: row)
    }

    public func listMappings(
        scope: MappingScope, state: MappingState?, visibleTo visibility: RecordVisibility, page: PageRequest
    ) async throws -> Page<MappingRecord> {
        try await pool.read { db in
            var sql: String
            var arguments: StatementArguments
            switch scope {
            case .report(let reportID):
                try self.requireExists(db, table: "reports", what: "report", id: reportID)
                sql = "SELECT * FROM mappings WHERE report_id = ?"
                arguments = [reportID]
            case .attribute(let attributeID):
                _ = try self.visibleAttribute(db, id: attributeID, visibility)
                sql = "SELECT * FROM mappings WHERE attribute_id = ?"
                arguments = [attributeID]
            }
            sql += RecordVisibility.sqliteCondition
            arguments += visibility.sqliteArguments
            if let state {
                sql += " AND state = ?"
                arguments += [state.rawValue]
            }
            var result = try self.fetchPage(db, sql: sql, arguments: arguments, page: page) {
                try MappingRecord(row: $0)
            }
            result.items = try self.withPDEs(db, result.items)
            return result
        }
    }

    public func updateMappingState(
        id: String, state: MappingState, rationale: String?, visibleTo visibility: RecordVisibility
    ) async throws -> MappingRecord {
        let time = timestamp()
        return try await pool.write { db in
            _ = try self.visibleMapping(db, id: id, visibility)
            if let rationale {
                try db.execute(
                    sql: "UPDATE mappings SET state = ?, rationale = ?, update_time = ? WHERE id = ?",
                    arguments: [state.rawValue, rationale, time.storeMillis, id])
            } else {
                try db.execute(
                    sql: "UPDATE mappings SET state = ?, update_time = ? WHERE id = ?",
                    arguments: [state.rawValue, time.storeMillis, id])
            }
            let row = try Row.fetchOne(db, sql: "SELECT * FROM mappings WHERE id = ?", arguments: [id])!
            return try self.withPDEs(db, [try MappingRecord(row: row)])[0]
        }
    }

    public func replaceSuggestedMappings(scope: MappingScope, team: String, with mappings: [MappingRecord])
        async throws -> MappingReplacement
    {
        let prepared = try mappings.map(prepareMapping)
        return try await pool.write { db in try self.replaceSuggested(db, scope: scope, team: team, with: prepared) }
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
    func insertMapping(_ db: Database, _ mapping: MappingRecord) throws -> (MappingRecord, created: Bool) {
        let visibility = RecordVisibility.team(mapping.team)
        let reportID = try visibleAttribute(db, id: mapping.attributeID, visibility).reportID
        try requireExists(db, table: "pdes", what: "PDE", id: mapping.pdeID)
        if let row = try Row.fetchOne(
            db,
            sql: "SELECT * FROM mappings WHERE attribute_id = ? AND pde_id = ?" + RecordVisibility.sqliteCondition
                + " ORDER BY team = '' LIMIT 1",
            arguments: [mapping.attributeID, mapping.pdeID] + visibility.sqliteArguments)
        {
            return (try withPDEs(db, [try MappingRecord(row: row)])[0], false)
        }
        var stored = mapping
        stored.reportID = reportID
        try db.execute(
            sql: """
                INSERT INTO mappings (id, attribute_id, report_id, pde_id, confidence, rationale, state, job_id,
                    create_time, update_time, team)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                stored.id, stored.attributeID, reportID, stored.pdeID, stored.confidence, stored.rationale,
                stored.state.rawValue, stored.jobID, stored.createTime.storeMillis, stored.updateTime.storeMillis,
                stored.team,
            ])
        stored.rowID = db.lastInsertedRowID
        return (try withPDEs(db, [stored])[0], true)
    }

    /// Deletes the team's suggested mappings in scope and inserts the new ones as suggested, skipping pairs the
    /// team sees mapped.
    func replaceSuggested(_ db: Database, scope: MappingScope, team: String, with mappings: [MappingRecord]) throws
        -> MappingReplacement
    {
        let removed: Int
        switch scope {
        case .report(let reportID):
            try requireExists(db, table: "reports", what: "report", id: reportID)
            try db.execute(
                sql: "DELETE FROM mappings WHERE report_id = ? AND team = ? AND state = 'suggested'",
                arguments: [reportID, team])
            removed = db.changesCount
        case .attribute(let attributeID):
            _ = try visibleAttribute(db, id: attributeID, .team(team))
            try db.execute(
                sql: "DELETE FROM mappings WHERE attribute_id = ? AND team = ? AND state = 'suggested'",
                arguments: [attributeID, team])
            removed = db.changesCount
        }
        var inserted: [MappingRecord] = []
        var skipped = 0
        for var mapping in mappings {
            mapping.state = .suggested
            mapping.team = team
            let (stored, created) = try insertMapping(db, mapping)
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
    func withPDEs(_ db: Database, _ mappings: [MappingRecord]) throws -> [MappingRecord] {
        let pdes = try fetchPDEs(db, ids: mappings.map(\.pdeID))
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
        return try await pool.write { db in try self.upsertClassification(db, prepared) }
    }

    public func classification(pdeID: String, visibleTo visibility: RecordVisibility) async throws
        -> ClassificationRecord?
    {
        try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT * FROM classifications WHERE pde_id = ?" + RecordVisibility.sqliteCondition
                    + " ORDER BY team = '' LIMIT 1",
                arguments: [pdeID] + visibility.sqliteArguments
            ).map { try ClassificationRecord(row: $0) }
        }
    }

    public func listClassifications(pdeID: String?, visibleTo visibility: RecordVisibility, page: PageRequest)
        async throws -> Page<ClassificationRecord>
    {
        try await pool.read { db in
            if let pdeID {
                return try self.fetchPage(
                    db, sql: "SELECT * FROM classifications WHERE pde_id = ?" + RecordVisibility.sqliteCondition,
                    arguments: [pdeID] + visibility.sqliteArguments, page: page
                ) { try ClassificationRecord(row: $0) }
            }
            return try self.fetchPage(
                db, sql: "SELECT * FROM classifications WHERE 1" + RecordVisibility.sqliteCondition,
                arguments: visibility.sqliteArguments, page: page
            ) { try ClassificationRecord(row: $0) }
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
    func upsertClassification(_ db: Database, _ classification: ClassificationRecord) throws -> ClassificationRecord {
        try requireExists(db, table: "pdes", what: "PDE", id: classification.pdeID)
        var stored = classification
        if let row = try Row.fetchOne(
            db, sql: "SELECT seq, id, create_time FROM classifications WHERE pde_id = ? AND team = ?",
            arguments: [classification.pdeID, classification.team])
        {
            stored.rowID = row["seq"]
            stored.id = row["id"]
            stored.createTime = row.date("create_time")
            try db.execute(
                sql: """
                    UPDATE classifications SET criticality = ?, security_class = ?, personal_data = ?, rationale = ?,
                        job_id = ?, update_time = ?
                    WHERE seq = ?
                    """,
                arguments: [
                    stored.criticality.rawValue, stored.securityClass.rawValue, stored.hasPersonalData,
                    stored.rationale, stored.jobID, stored.updateTime.storeMillis, stored.rowID,
                ])
        } else {
            try db.execute(
                sql: """
                    INSERT INTO classifications (id, pde_id, criticality, security_class, personal_data, rationale,
                        job_id, create_time, update_time, team)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    stored.id, stored.pdeID, stored.criticality.rawValue, stored.securityClass.rawValue,
                    stored.hasPersonalData, stored.rationale, stored.jobID, stored.createTime.storeMillis,
                    stored.updateTime.storeMillis, stored.team,
                ])
            stored.rowID = db.lastInsertedRowID
        }
        return stored
    }
}
