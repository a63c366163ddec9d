/// A store that finds a job by its idempotency key without creating one, so that a repeated request is answered
/// with its job even when the queue is full.
package protocol JobRequestLookup: Sendable {
    /// The team's job created with `requestID`, if any: idempotency keys are per team.
    func job(team: String, requestID: String) async throws -> JobRecord?
}
