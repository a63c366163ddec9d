public import TraceExport

extension JobManager {
    /// What a deployment may tune.
    public struct Configuration: Sendable {
        /// Jobs run at once; the others wait in the queue.
        public var maxRunningJobs = 4
        /// Jobs that may wait; a submission beyond it fails with RESOURCE_EXHAUSTED at once.
        public var maxQueuedJobs = 1000
        /// A watch that had no event for this long gets a heartbeat (not stored).
        public var heartbeatInterval: Duration = .seconds(10)
        /// Ended jobs older than this are deleted with their events.
        public var retention: Duration = .seconds(7 * 24 * 3600)
        /// How often the retention sweep runs.
        public var sweepInterval: Duration = .seconds(3600)
        /// The deadline of a job whose request sets none; nil for none.
        public var defaultJobDeadline: Duration? = .seconds(6 * 3600)
        /// Events a live watcher may hold before it falls back to reading the store (progress events coalesce
        /// and never fill it).
        public var watcherBufferCapacity = 32
        /// Per-principal quotas without an override in the principal file; absent is unlimited.
        public var quotas: [JobQuotas.Limit: Int] = [:]
        /// Records an internal span per job run, a child of the job's stored trace context; nil: no spans.
        public var tracer: Tracer?

        /// The defaults.
        public init() {}
    }
}
