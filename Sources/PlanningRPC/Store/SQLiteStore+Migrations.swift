import GRDB

extension SQLiteStore {
    /// The schema, as versioned migrations. Never edit a released migration; add a new one.
    ///
    /// Conventions, chosen to port to PostgreSQL as is: every table has `seq` (an increasing integer key for
    /// keyset pagination; AUTOINCREMENT so that a deleted row's key is never reused) and a string `id`; times are
    /// INTEGER milliseconds since 1970; enums are TEXT raw values; no SQLite-only column types.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-catalog") { db in
            try db.execute(
                sql: """
                    CREATE TABLE cycles (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        name TEXT NOT NULL UNIQUE,
                        description TEXT NOT NULL,
                        create_time INTEGER NOT NULL
                    );
                    CREATE TABLE reports (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        cycle_id TEXT NOT NULL REFERENCES cycles(id) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        description TEXT NOT NULL,
                        create_time INTEGER NOT NULL,
                        UNIQUE (cycle_id, name)
                    );
                    CREATE INDEX reports_by_cycle ON reports (cycle_id, seq);
                    CREATE TABLE documents (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
                        title TEXT NOT NULL,
                        text TEXT NOT NULL,
                        text_size INTEGER NOT NULL,
                        job_id TEXT NOT NULL,
                        create_time INTEGER NOT NULL
                    );
                    CREATE INDEX documents_by_report ON documents (report_id, seq);
                    CREATE TABLE attributes (
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
                        UNIQUE (report_id, name)
                    );
                    CREATE INDEX attributes_by_report ON attributes (report_id, seq);
                    CREATE TABLE pdes (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        system TEXT NOT NULL,
                        table_name TEXT NOT NULL,
                        column_name TEXT NOT NULL,
                        data_type TEXT NOT NULL,
                        description TEXT NOT NULL,
                        sample_values TEXT NOT NULL,
                        create_time INTEGER NOT NULL,
                        update_time INTEGER NOT NULL,
                        UNIQUE (system, table_name, column_name)
                    );
                    CREATE INDEX pdes_by_system ON pdes (system, seq);
                    CREATE TABLE mappings (
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
                        UNIQUE (attribute_id, pde_id)
                    );
                    CREATE INDEX mappings_by_report ON mappings (report_id, seq);
                    CREATE INDEX mappings_by_report_state ON mappings (report_id, state, seq);
                    CREATE INDEX mappings_by_attribute ON mappings (attribute_id, seq);
                    CREATE INDEX mappings_by_attribute_state ON mappings (attribute_id, state, seq);
                    CREATE INDEX mappings_by_pde ON mappings (pde_id);
                    CREATE TABLE classifications (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        pde_id TEXT NOT NULL UNIQUE REFERENCES pdes(id) ON DELETE CASCADE,
                        criticality TEXT NOT NULL CHECK (criticality IN ('low', 'medium', 'high')),
                        security_class TEXT NOT NULL
                            CHECK (security_class IN ('public', 'internal', 'confidential', 'restricted')),
                        personal_data INTEGER NOT NULL,
                        rationale TEXT NOT NULL,
                        job_id TEXT NOT NULL,
                        create_time INTEGER NOT NULL,
                        update_time INTEGER NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v1-jobs") { db in
            // No foreign keys from jobs to the catalog: a job's history outlives edits of what it worked on, and
            // the records a job made keep its id after the retention sweep deletes the job.
            try db.execute(
                sql: """
                    CREATE TABLE jobs (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        kind TEXT NOT NULL,
                        state TEXT NOT NULL
                            CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
                        owner TEXT NOT NULL,
                        cycle_id TEXT NOT NULL,
                        report_id TEXT NOT NULL,
                        request_id TEXT NOT NULL,
                        request BLOB NOT NULL,
                        cancel_on_disconnect INTEGER NOT NULL,
                        deadline INTEGER,
                        step TEXT NOT NULL,
                        percent REAL NOT NULL,
                        items_done INTEGER NOT NULL,
                        items_total INTEGER NOT NULL,
                        create_time INTEGER NOT NULL,
                        start_time INTEGER,
                        finish_time INTEGER,
                        result_generated INTEGER,
                        result_created INTEGER,
                        result_mapped INTEGER,
                        result_classified INTEGER,
                        result_skipped INTEGER,
                        error_code INTEGER,
                        error_message TEXT,
                        last_sequence INTEGER NOT NULL,
                        cancel_requested INTEGER NOT NULL,
                        worker TEXT NOT NULL
                    );
                    CREATE UNIQUE INDEX jobs_by_request ON jobs (owner, request_id) WHERE request_id <> '';
                    CREATE INDEX jobs_by_state ON jobs (state, seq);
                    CREATE INDEX jobs_by_cycle ON jobs (cycle_id, seq);
                    CREATE INDEX jobs_by_report ON jobs (report_id, seq);
                    CREATE INDEX jobs_by_owner ON jobs (owner, seq);
                    CREATE INDEX jobs_by_kind ON jobs (kind, seq);
                    CREATE INDEX jobs_by_finish ON jobs (finish_time) WHERE finish_time IS NOT NULL;
                    CREATE TABLE job_events (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
                        sequence INTEGER NOT NULL,
                        payload_kind TEXT NOT NULL,
                        create_time INTEGER NOT NULL,
                        data BLOB NOT NULL,
                        UNIQUE (job_id, sequence)
                    );
                    """)
        }
        registerJobTeam(&migrator)
        migrator.registerMigration("v3-job-trace") { db in
            // The W3C trace context of the call that created a job; '' for none (no NULLs to handle).
            try db.execute(
                sql: """
                    ALTER TABLE jobs ADD COLUMN traceparent TEXT NOT NULL DEFAULT '';
                    ALTER TABLE jobs ADD COLUMN tracestate TEXT NOT NULL DEFAULT '';
                    """)
        }
        registerRecordTeam(&migrator)
        return migrator
    }
}
