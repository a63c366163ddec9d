import GRDB

extension SQLiteStore: JobRequestLookup {
    package func job(team: String, requestID: String) async throws -> JobRecord? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM jobs WHERE team = ? AND request_id = ?", arguments: [team, requestID]
            ).map { try JobRecord(row: $0) }
        }
    }
}
