/// Life cycle of a job, stored as its raw value: queued -> running -> succeeded, failed or cancelled.
public enum JobState: String, Sendable, CaseIterable, Codable {
    /// Waiting for a worker.
    case queued
    /// Being worked on.
    case running
    /// Ended with a result.
    case succeeded
    /// Ended with an error.
    case failed
    /// Ended because it was cancelled.
    case cancelled

    /// Whether the job has ended; an ended job takes no more events or updates.
    public var isEnded: Bool {
        switch self {
        case .queued, .running: false
        case .succeeded, .failed, .cancelled: true
        }
    }
}
