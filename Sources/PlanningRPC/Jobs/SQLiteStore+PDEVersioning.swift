import GRDB

extension SQLiteStore: PDEVersioning {
    /// Count, row ids and update times of the PDEs, in one aggregate query over the table.
    package func pdeVersion() async throws -> String {
        try await pool.read { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT count(*), total(seq), max(update_time), total(update_time) FROM pdes")
            guard let row else { return "" }
            let count: Int64 = row[0]
            let seqs: Double = row[1]
            let latest: Int64? = row[2]
            let updates: Double = row[3]
            return "\(count)|\(seqs)|\(latest ?? 0)|\(updates)"
        }
    }
}
