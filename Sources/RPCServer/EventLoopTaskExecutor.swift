import NIOCore

/// Runs a task's jobs on one `EventLoop`.
///
/// Handlers run as tasks that prefer their connection's event loop: a call then costs no thread
/// hop, and the handler's writes reach the connection without a queue in between. DESIGN.md has
/// the measurement: 3.2 µs of server CPU per unary call this way, 5.2 µs on the global executor.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        self.eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
