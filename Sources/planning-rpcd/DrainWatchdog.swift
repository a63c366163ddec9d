import Dispatch
import Foundation
import Logging

/// The guarantee that a drain ends: the connections' drain is bounded by `--drain-timeout`, but a job run stuck
/// in a call that ignores cancellation would hold the process. Jobs are durable (a job left running is re-queued
/// at the next start), so exiting then loses nothing.
enum DrainWatchdog {
    /// Exits the process with status 1 once `delay` has passed, unless it has exited before.
    static func arm(after delay: Duration, logger: Logger) {
        let milliseconds = Int(delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000)
        // A dispatch timer, not a task: it must fire even when the cooperative pool is what is stuck.
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) {
            logger.error("drain did not finish within the drain timeout; exiting", metadata: ["after": "\(delay)"])
            exit(1)
        }
    }
}
