import GRDB

extension SQLiteStore: JobRequestLookup {
    package func job(owner: String, requestID: String) async throws -> JobRecord? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM jobs WHERE owner = ? AND request_id = ?", arguments: [owner, requestID]
            ).map { try JobRecord(row: $0) }
        }
    }
}
