import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    /// The schema, as versioned migrations with the same identifiers as the SQLite store's, so that both stores
    /// report the same history. Never edit a released migration; add a new one (and its SQLite twin).
    ///
    /// Types: `seq` is an identity column (never reused, as SQLite's AUTOINCREMENT); times are BIGINT milliseconds
    /// since 1970; flags are BOOLEAN; protobuf bytes are BYTEA. The jobs table has `lease_expires` (milliseconds,
    /// on the database's clock) for the shared queue.
    static let migrations: [(id: String, sql: [String])] = [
        (
            "v1-catalog",
            [
                """
                CREATE TABLE cycles (
                    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL UNIQUE,
                    description TEXT NOT NULL,
                    create_time BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE reports (
                    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    cycle_id TEXT NOT NULL REFERENCES cycles(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    description TEXT NOT NULL,
                    create_time BIGINT NOT NULL,
                    UNIQUE (cycle_id, name)
                )
                """,
                "CREATE INDEX reports_by_cycle ON reports (cycle_id, seq)",
                """
                CREATE TABLE documents (
                    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
                    title TEXT NOT NULL,
                    text TEXT NOT NULL,
                    text_size BIGINT NOT NULL,
                    job_id TEXT NOT NULL,
                    create_time BIGINT NOT NULL
                )
                """,
                "CREATE INDEX documents_by_report ON documents (report_id, seq)",
                """
                CREATE TABLE attributes (
                    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    description TEXT NOT NULL,
                    data_type TEXT NOT NULL,
                    critical_data_element BOOLEAN NOT NULL,
                    source_document_id TEXT NOT NULL,
                    source_section TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    create_time BIGINT NOT NULL,
                    UNIQUE (report_id, name)
                )
                """,
                "CREATE INDEX attributes_by_report ON attributes (report_id, seq)",
                """
                CREATE TABLE pdes (
                    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    system TEXT NOT NULL,
                    table_name TEXT NOT NULL,
                    column_name TEXT NOT NULL,
                    data_type TEXT NOT NULL,
                    description TEXT NOT NULL,
                    sample_values TEXT NOT NULL,
                    create_time BIGINT NOT NULL,
                    update_time BIGINT NOT NULL,
                    UNIQUE (system, table_name, column_name)
                )
                """,
                "CREATE INDEX pdes_by_system ON pdes (system, seq)",
                """
                CREATE TABLE mappings (
                    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    attribute_id TEXT NOT NULL REFERENCES attributes(id) ON DELETE CASCADE,
                    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
                    pde_id TEXT NOT NULL REFERENCES pdes(id) ON DELETE CASCADE,
                    confidence DOUBLE PRECISION NOT NULL,
                    rationale TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('suggested', 'accepted', 'rejected')),
                    job_id TEXT NOT NULL,
                    create_time BIGINT NOT NULL,
                    update_time BIGINT NOT NULL,
                    UNIQUE (attribute_id, pde_id)
                )
                """,
                "CREATE INDEX mappings_by_report ON mappings (report_id, seq)",
                "CREATE INDEX mappings_by_report_state ON mappings (report_id, state, seq)",
                "CREATE INDEX mappings_by_attribute ON mappings (attribute_id, seq)",
                "CREATE INDEX mappings_by_attribute_state ON mappings (attribute_id, state, seq)",
                "CREATE INDEX mappings_by_pde ON mappings (pde_id)",
                """
                CREATE TABLE classifications (
                    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    pde_id TEXT NOT NULL UNIQUE REFERENCES pdes(id) ON DELETE CASCADE,
                    criticality TEXT NOT NULL CHECK (criticality IN ('low', 'medium', 'high')),
                    security_class TEXT NOT NULL
                        CHECK (security_class IN ('public', 'internal', 'confidential', 'restricted')),
                    personal_data BOOLEAN NOT NULL,
                    rationale TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    create_time BIGINT NOT NULL,
                    update_time BIGINT NOT NULL
                )
                """,
            ]
        ),
        (
            "v1-jobs",
            [
                """
                CREATE TABLE jobs (
                    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL,
                    state TEXT NOT NULL
                        CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
                    owner TEXT NOT NULL,
                    cycle_id TEXT NOT NULL,
                    report_id TEXT NOT NULL,
                    request_id TEXT NOT NULL,
                    request BYTEA NOT NULL,
                    cancel_on_disconnect BOOLEAN NOT NULL,
                    deadline BIGINT,
                    step TEXT NOT NULL,
                    percent DOUBLE PRECISION NOT NULL,
                    items_done BIGINT NOT NULL,
                    items_total BIGINT NOT NULL,
                    create_time BIGINT NOT NULL,
                    start_time BIGINT,
                    finish_time BIGINT,
                    result_generated BIGINT,
                    result_created BIGINT,
                    result_mapped BIGINT,
                    result_classified BIGINT,
                    result_skipped BIGINT,
                    error_code INTEGER,
                    error_message TEXT,
                    last_sequence BIGINT NOT NULL,
                    cancel_requested BOOLEAN NOT NULL,
                    worker TEXT NOT NULL,
                    lease_expires BIGINT
                )
                """,
                "CREATE UNIQUE INDEX jobs_by_request ON jobs (owner, request_id) WHERE request_id <> ''",
                "CREATE INDEX jobs_by_state ON jobs (state, seq)",
                "CREATE INDEX jobs_by_cycle ON jobs (cycle_id, seq)",
                "CREATE INDEX jobs_by_report ON jobs (report_id, seq)",
                "CREATE INDEX jobs_by_owner ON jobs (owner, seq)",
                "CREATE INDEX jobs_by_kind ON jobs (kind, seq)",
                "CREATE INDEX jobs_by_finish ON jobs (finish_time) WHERE finish_time IS NOT NULL",
                "CREATE INDEX jobs_by_lease ON jobs (lease_expires) WHERE state = 'running'",
                """
                CREATE TABLE job_events (
                    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
                    sequence BIGINT NOT NULL,
                    payload_kind TEXT NOT NULL,
                    create_time BIGINT NOT NULL,
                    data BYTEA NOT NULL,
                    UNIQUE (job_id, sequence)
                )
                """,
            ]
        ),
        (
            // Jobs belong to a team (authorization): filled with the owner for jobs from before, and idempotency
            // keys unique per team instead of per owner. Mirrors the SQLite migration of the same id.
            "v2-job-team",
            [
                "ALTER TABLE jobs ADD COLUMN team TEXT NOT NULL DEFAULT ''",
                "UPDATE jobs SET team = owner",
                "DROP INDEX jobs_by_request",
                "CREATE UNIQUE INDEX jobs_by_team_request ON jobs (team, request_id) WHERE request_id <> ''",
                "CREATE INDEX jobs_by_team ON jobs (team, seq)",
            ]
        ),
        (
            // The W3C trace context of the call that created a job; '' for none. Mirrors SQLite's v3-job-trace.
            "v3-job-trace",
            [
                "ALTER TABLE jobs ADD COLUMN traceparent TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE jobs ADD COLUMN tracestate TEXT NOT NULL DEFAULT ''",
            ]
        ),
        (
            // Attributes, mappings and classifications belong to a team, taken from the job that made them ('' =
            // shared for the others), and their natural keys become per team. Mirrors SQLite's v4-record-team (which
            // has to rebuild the tables; here the constraints, named by PostgreSQL's default scheme, are swapped).
            "v4-record-team",
            [
                "ALTER TABLE attributes ADD COLUMN team TEXT NOT NULL DEFAULT ''",
                "UPDATE attributes a SET team = j.team FROM jobs j WHERE j.id = a.job_id",
                "ALTER TABLE attributes DROP CONSTRAINT attributes_report_id_name_key",
                "ALTER TABLE attributes ADD CONSTRAINT attributes_report_id_team_name_key UNIQUE (report_id, team, name)",
                "ALTER TABLE mappings ADD COLUMN team TEXT NOT NULL DEFAULT ''",
                "UPDATE mappings m SET team = j.team FROM jobs j WHERE j.id = m.job_id",
                "ALTER TABLE mappings DROP CONSTRAINT mappings_attribute_id_pde_id_key",
                "ALTER TABLE mappings ADD CONSTRAINT mappings_attribute_id_pde_id_team_key UNIQUE (attribute_id, pde_id, team)",
                "ALTER TABLE classifications ADD COLUMN team TEXT NOT NULL DEFAULT ''",
                "UPDATE classifications c SET team = j.team FROM jobs j WHERE j.id = c.job_id",
                "ALTER TABLE classifications DROP CONSTRAINT classifications_pde_id_key",
                "ALTER TABLE classifications ADD CONSTRAINT classifications_pde_id_team_key UNIQUE (pde_id, team)",
            ]
        ),
        (
            // The owner's running-jobs quota at submission, which every instance's claim holds the job to (NULL:
            // none recorded); and the index of the per-owner counts of submission and claim. PostgreSQL only: the
            // SQLite store is one process and takes the limits from its own quotas.
            "v5-job-running-limit",
            [
                "ALTER TABLE jobs ADD COLUMN running_limit BIGINT",
                "CREATE INDEX jobs_by_owner_state ON jobs (owner, state)",
            ]
        ),
    ]

    /// The key of the advisory lock that serializes migrations between daemons starting together.
    static let migrationLockKey: Int64 = 0x706C_616E_6D69_6772  // "planmigr"

    /// Applies the migrations the database lacks, all in one transaction that holds an advisory lock: a second
    /// daemon starting at the same time waits, then finds them applied. PostgreSQL's DDL is transactional, so a
    /// failed migration leaves nothing behind.
    func migrate() async throws {
        let logger = logger
        try await client.withTransaction(logger: logger) { connection in
            _ = try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLockKey))", logger: logger)
                .collect()
            _ = try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    id TEXT PRIMARY KEY,
                    applied_time BIGINT NOT NULL
                )
                """,
                logger: logger
            ).collect()
            var applied = Set<String>()
            for try await id in try await connection.query("SELECT id FROM schema_migrations", logger: logger)
                .decode(String.self)
            {
                applied.insert(id)
            }
            for migration in Self.migrations where !applied.contains(migration.id) {
                for statement in migration.sql {
                    _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger).collect()
                }
                let now = Date().storeMillis
                _ = try await connection.query(
                    "INSERT INTO schema_migrations (id, applied_time) VALUES (\(migration.id), \(now))",
                    logger: logger
                ).collect()
                logger.info("database migration applied", metadata: ["migration": "\(migration.id)"])
            }
        }
    }

    /// The identifiers of the migrations applied to the database, in the order they apply.
    public func appliedMigrations() async throws -> [String] {
        let applied = try await read { session in
            try await session.rows("SELECT id FROM schema_migrations").map { try $0.string("id") }
        }
        let known = Self.migrations.map(\.id)
        return known.filter(applied.contains) + applied.filter { !known.contains($0) }.sorted()
    }
}
