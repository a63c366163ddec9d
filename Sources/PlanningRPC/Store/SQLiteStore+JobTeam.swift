import GRDB

extension SQLiteStore {
    /// Jobs belong to a team (issue 8, authorization): a `team` column, filled with the owner for the jobs created
    /// before (when the team was the caller's name), and idempotency keys unique per team instead of per owner.
    static func registerJobTeam(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-job-team") { db in
            try db.execute(
                sql: """
                    ALTER TABLE jobs ADD COLUMN team TEXT NOT NULL DEFAULT '';
                    UPDATE jobs SET team = owner;
                    DROP INDEX jobs_by_request;
                    CREATE UNIQUE INDEX jobs_by_team_request ON jobs (team, request_id) WHERE request_id <> '';
                    CREATE INDEX jobs_by_team ON jobs (team, seq);
                    """)
        }
    }
}
