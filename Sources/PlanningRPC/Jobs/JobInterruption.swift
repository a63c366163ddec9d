/// Thrown at an item boundary when a job must stop before its work is done; see ``JobStopReason``.
struct JobInterruption: Error, Sendable {
    let reason: JobStopReason
}
