import GRDB

extension SQLiteStore {
    /// Attributes, mappings and classifications belong to a team (issue 8, authorization; see `RecordVisibility`).
    ///
    /// A `team` column, filled from the job that made each record, '' (shared) for those made by hand or whose job
    /// is gone. The natural keys become per team: two teams may generate an attribute of the same name for a
    /// report, map the same pair, classify the same PDE. SQLite cannot change a table's UNIQUE constraints, so the
    /// three tables are rebuilt (the documented procedure: create, copy, drop, rename; GRDB runs a migration with
    /// foreign keys off and checks them before it commits). Row ids (`seq`) are kept, so page tokens stay valid.
    static func registerRecordTeam(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-record-team") { db in
            try db.execute(
                sql: """
                    CREATE TABLE attributes_v4 (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        description TEXT NOT NULL,
                        data_type TEXT NOT NULL,
                        critical_data_element INTEGER NOT NULL,
                        source_document_id TEXT NOT NULL,
                        source_section TEXT NOT NULL,
                        job_id TEXT NOT NULL,
                        create_time INTEGER NOT NULL,
                        team TEXT NOT NULL DEFAULT '',
                        UNIQUE (report_id, team, name)
                    );
                    INSERT INTO attributes_v4
                    SELECT a.seq, a.id, a.report_id, a.name, a.description, a.data_type, a.critical_data_element,
                        a.source_document_id, a.source_section, a.job_id, a.create_time,
                        COALESCE((SELECT j.team FROM jobs j WHERE j.id = a.job_id), '')
                    FROM attributes a;
                    DROP TABLE attributes;
                    ALTER TABLE attributes_v4 RENAME TO attributes;
                    CREATE INDEX attributes_by_report ON attributes (report_id, seq);

                    CREATE TABLE mappings_v4 (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        attribute_id TEXT NOT NULL REFERENCES attributes(id) ON DELETE CASCADE,
                        report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
                        pde_id TEXT NOT NULL REFERENCES pdes(id) ON DELETE CASCADE,
                        confidence REAL NOT NULL,
                        rationale TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('suggested', 'accepted', 'rejected')),
                        job_id TEXT NOT NULL,
                        create_time INTEGER NOT NULL,
                        update_time INTEGER NOT NULL,
                        team TEXT NOT NULL DEFAULT '',
                        UNIQUE (attribute_id, pde_id, team)
                    );
                    INSERT INTO mappings_v4
                    SELECT m.seq, m.id, m.attribute_id, m.report_id, m.pde_id, m.confidence, m.rationale, m.state,
                        m.job_id, m.create_time, m.update_time,
                        COALESCE((SELECT j.team FROM jobs j WHERE j.id = m.job_id), '')
                    FROM mappings m;
                    DROP TABLE mappings;
                    ALTER TABLE mappings_v4 RENAME TO mappings;
                    CREATE INDEX mappings_by_report ON mappings (report_id, seq);
                    CREATE INDEX mappings_by_report_state ON mappings (report_id, state, seq);
                    CREATE INDEX mappings_by_attribute ON mappings (attribute_id, seq);
                    CREATE INDEX mappings_by_attribute_state ON mappings (attribute_id, state, seq);
                    CREATE INDEX mappings_by_pde ON mappings (pde_id);

                    CREATE TABLE classifications_v4 (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        pde_id TEXT NOT NULL REFERENCES pdes(id) ON DELETE CASCADE,
                        criticality TEXT NOT NULL CHECK (criticality IN ('low', 'medium', 'high')),
                        security_class TEXT NOT NULL
                            CHECK (security_class IN ('public', 'internal', 'confidential', 'restricted')),
                        personal_data INTEGER NOT NULL,
                        rationale TEXT NOT NULL,
                        job_id TEXT NOT NULL,
                        create_time INTEGER NOT NULL,
                        update_time INTEGER NOT NULL,
                        team TEXT NOT NULL DEFAULT '',
                        UNIQUE (pde_id, team)
                    );
                    INSERT INTO classifications_v4
                    SELECT c.seq, c.id, c.pde_id, c.criticality, c.security_class, c.personal_data, c.rationale,
                        c.job_id, c.create_time, c.update_time,
                        COALESCE((SELECT j.team FROM jobs j WHERE j.id = c.job_id), '')
                    FROM classifications c;
                    DROP TABLE classifications;
                    ALTER TABLE classifications_v4 RENAME TO classifications;
                    """)
        }
    }
}

extension RecordVisibility {
    /// The condition on a `team` column for SQLite, to append to a WHERE clause, with ``sqliteArguments``.
    static let sqliteCondition = " AND (? IS NULL OR team = ? OR team = '')"

    /// The arguments of ``sqliteCondition``.
    var sqliteArguments: StatementArguments { [filterTeam, filterTeam] }
}
