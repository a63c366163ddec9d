/// A store that claims the oldest queued job whose owner is below its running-jobs quota, so that the quota holds in
/// the scheduler too, not only at submission. A store without it (the manager falls back to `claimNextQueued`)
/// enforces the running quota at submission only.
package protocol RunningLimitedClaim: Sendable {
    /// As `JobStore.claimNextQueued(worker:)`, skipping the jobs of owners that have as many jobs running (in the
    /// store, whatever process runs them) as their limit: `limits[owner]`, else `defaultLimit` (nil: unlimited).
    /// A store that records each job's limit at submission (PostgreSQL) applies that one first.
    func claimNextQueued(worker: String, runningLimits limits: [String: Int], defaultLimit: Int?) async throws
        -> JobRecord?
}
