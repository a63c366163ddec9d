import Foundation
import Metrics

/// The jobs' metrics that are events (a job ended); the levels (queued, running) are read at scrape time from the
/// ``JobManager`` instead, so that no gauge can drift from the truth.
enum JobMetrics {
    /// Counts a job that reached a terminal state and records how long its last run took.
    static func ended(kind: JobKind, state: JobState, run: Duration) {
        let dimensions = [("kind", kind.rawValue), ("state", state.rawValue)]
        Counter(label: "planning_jobs_ended_total", dimensions: dimensions).increment()
        let (seconds, attoseconds) = run.components
        Timer(label: "planning_job_duration_seconds", dimensions: dimensions)
            .recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
