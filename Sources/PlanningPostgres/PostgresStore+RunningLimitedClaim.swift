import Foundation
package import PlanningRPC
import PostgresNIO

extension PostgresStore: RunningLimitedClaim {
    /// The key class of the per-owner advisory locks of claims (`pg_advisory_xact_lock(class, hashtext(owner))`).
    /// Two-key locks never meet the one-key locks of admission and migration: PostgreSQL keeps them apart.
    static let ownerLockClass: Int32 = 0x706C_6F77  // "plow"

    /// Claims the oldest queued job whose owner has fewer jobs running, on every instance, than the job's limit:
    /// the one recorded at submission, else `limits[owner]`, else `defaultLimit` (nil: unlimited).
    ///
    /// Two instances claiming two jobs of one owner with one place left would each count the other's claim as
    /// queued (READ COMMITTED) and both start theirs. So a candidate with a limit is re-counted under a
    /// transaction-scoped advisory lock per owner: the claims of one owner go one after the other, and the count
    /// taken after the lock (a new snapshot) sees the previous claim committed. SERIALIZABLE would catch the same
    /// write skew, but by aborting one transaction that must then be retried, and its predicate locks on the jobs
    /// table would also abort claims of other owners and the jobs' own writes; the lock makes only the claims of
    /// one owner wait, for one short transaction. Each transaction takes one owner lock at most, and it takes its
    /// rows with SKIP LOCKED, so no two claims can wait for each other.
    package func claimNextQueued(worker: String, runningLimits limits: [String: Int], defaultLimit: Int?)
        async throws -> JobRecord?
    {
        // Owners found at their limit after waiting for their lock: skipped by the next attempts of this claim.
        var full: [String] = []
        while true {
            switch try await claimAttempt(worker: worker, limits: limits, defaultLimit: defaultLimit, skipping: full) {
            case .claimed(let job): return job
            case .none: return nil
            case .ownerAtLimit(let owner): full.append(owner)
            }
        }
    }

    private enum ClaimAttempt: Sendable {
        case claimed(JobRecord)
        case none
        case ownerAtLimit(String)
    }

    /// One transaction: the oldest claimable candidate (skipping `owners`), checked again under its owner's lock.
    private func claimAttempt(worker: String, limits: [String: Int], defaultLimit: Int?, skipping owners: [String])
        async throws -> ClaimAttempt
    {
        let time = timestamp()
        let lease = Self.millis(configuration.leaseDuration)
        var binds = PostgresBindings()
        binds.append(owners)
        // The job's limit as SQL: its own, else CASE owner WHEN $n THEN $m ... ELSE default END (a CASE needs one
        // WHEN at least); NULL is unlimited.
        var limit = "j.running_limit"
        if !limits.isEmpty || defaultLimit != nil {
            var cases = ""
            for (owner, value) in limits.sorted(by: { $0.key < $1.key }) {
                binds.append(owner)
                binds.append(Int64(value))
                cases += " WHEN $\(binds.count - 1) THEN $\(binds.count)"
            }
            binds.append(defaultLimit.map(Int64.init))
            let otherwise = "$\(binds.count)::BIGINT"
            let byOwner = cases.isEmpty ? otherwise : "CASE j.owner\(cases) ELSE \(otherwise) END"
            limit = "COALESCE(j.running_limit, \(byOwner))"
        }
        let running = "(SELECT count(*) FROM jobs AS r WHERE r.state = 'running' AND r.owner = j.owner)"
        // SKIP LOCKED: instances claiming at once each take a different job instead of queueing up on one.
        let sql = """
            SELECT j.*, \(limit) AS effective_limit FROM jobs AS j
            WHERE j.state = 'queued' AND NOT j.cancel_requested AND j.owner <> ALL($1)
                AND (\(limit) IS NULL OR \(running) < \(limit))
            ORDER BY j.seq LIMIT 1 FOR UPDATE OF j SKIP LOCKED
            """
        let query = PostgresQuery(unsafeSQL: sql, binds: binds)
        return try await write { session in
            guard let row = try await session.row(query) else { return .none }
            var job = try JobRecord(row: row)
            if let limit = try row.optionalInt64("effective_limit") {
                try await session.execute(
                    "SELECT pg_advisory_xact_lock(\(Self.ownerLockClass), hashtext(\(job.owner)))"
                )
                let counted = try await session.row(
                    "SELECT count(*)::BIGINT AS n FROM jobs WHERE state = 'running' AND owner = \(job.owner)"
                )
                // Nothing was written: the transaction ends with the row and the lock released.
                if try counted?.int64("n") ?? 0 >= limit { return .ownerAtLimit(job.owner) }
            }
            job = try job.applying(JobUpdate(state: .running), at: time)
            job.worker = worker
            try await self.save(session, job)
            try await session.execute(
                """
                UPDATE jobs SET lease_expires = \(unescaped: Self.databaseNowMillis) + \(lease)
                WHERE seq = \(job.rowID)
                """
            )
            return .claimed(job)
        }
    }
}
