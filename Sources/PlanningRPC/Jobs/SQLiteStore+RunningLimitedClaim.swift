import GRDB

extension SQLiteStore: RunningLimitedClaim {
    package func claimNextQueued(worker: String, runningLimits limits: [String: Int], defaultLimit: Int?) async throws
        -> JobRecord?
    {
        let time = timestamp()
        // The owner's limit as SQL: CASE owner WHEN ? THEN ? ... ELSE default END (a CASE needs one WHEN at least).
        var limit = "?"
        var arguments = StatementArguments()
        if !limits.isEmpty {
            limit = "CASE j.owner"
            for (owner, value) in limits.sorted(by: { $0.key < $1.key }) {
                limit += " WHEN ? THEN ?"
                arguments += [owner, value]
            }
            limit += " ELSE ? END"
        }
        arguments += [defaultLimit ?? Int(Int64.max)]
        let sql = """
            SELECT * FROM jobs AS j WHERE j.state = 'queued' AND j.cancel_requested = 0
                AND (SELECT COUNT(*) FROM jobs AS r WHERE r.state = 'running' AND r.owner = j.owner) < (\(limit))
            ORDER BY j.seq LIMIT 1
            """
        let queryArguments = arguments
        return try await pool.write { db in
            // One writer at a time: the count, the choice and the update are atomic, so two workers never both start
            // the job that takes an owner past its limit.
            guard let row = try Row.fetchOne(db, sql: sql, arguments: queryArguments) else { return nil }
            var job = try self.apply(JobUpdate(state: .running), to: try JobRecord(row: row), at: time)
            job.worker = worker
            try self.save(db, job)
            return job
        }
    }
}
