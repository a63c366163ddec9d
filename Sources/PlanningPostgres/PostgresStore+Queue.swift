import Foundation
import Logging
public import PlanningRPC
import PostgresNIO

extension PostgresStore: SharedJobQueue {
    public var instanceID: String { configuration.instanceID }

    public var leaseDuration: Duration { configuration.leaseDuration }

    public func createJob(_ job: JobRecord, firstEvent: JobEventBuilder?, limits: JobAdmission.Limits) async throws
        -> JobAdmission
    {
        try await createJob(job, firstEvent: firstEvent, admission: limits)
    }

    public func jobCountsByOwner() async throws -> [String: JobQuotas.JobCounts] {
        let rows = try await read { session in
            try await session.rows(
                """
                SELECT owner, count(*) FILTER (WHERE state = 'running')::BIGINT AS running,
                    count(*) FILTER (WHERE state = 'queued')::BIGINT AS queued
                FROM jobs WHERE state IN ('queued', 'running') GROUP BY owner
                """
            )
        }
        var counts: [String: JobQuotas.JobCounts] = [:]
        for row in rows {
            counts[try row.string("owner")] = JobQuotas.JobCounts(
                running: Int(try row.int64("running")), queued: Int(try row.int64("queued")))
        }
        return counts
    }

    public func renewLease(jobID: String, worker: String) async throws -> LeaseRenewal? {
        let lease = Self.millis(configuration.leaseDuration)
        return try await write { session in
            guard
                let row = try await session.row(
                    """
                    UPDATE jobs SET lease_expires = \(unescaped: Self.databaseNowMillis) + \(lease)
                    WHERE id = \(jobID) AND state = 'running' AND worker = \(worker)
                    RETURNING cancel_requested
                    """
                )
            else { return nil }
            return LeaseRenewal(cancelRequested: try row.bool("cancel_requested"))
        }
    }

    public func requeueExpiredLeases() async throws -> [JobRecord] {
        try await write { session in
            // SKIP LOCKED: a job whose row another transaction holds (its worker committing, or another instance
            // requeueing it) is left to that one.
            let rows = try await session.rows(
                """
                SELECT * FROM jobs WHERE state = 'running' AND lease_expires < \(unescaped: Self.databaseNowMillis)
                ORDER BY seq FOR UPDATE SKIP LOCKED
                """
            )
            var requeued: [JobRecord] = []
            for row in rows {
                var job = try JobRecord(row: row)
                let previous = job.worker
                job.worker = ""
                let message =
                    "re-queued: the lease of \(previous) expired; resumes after \(job.itemsDone) items"
                let (saved, _) = try await self.append(
                    session,
                    job: job,
                    update: JobUpdate(state: .queued),
                    items: []
                ) { _ in [JobEvents.progress(message)] }
                requeued.append(saved)
                self.logger.info(
                    "job re-queued after its lease expired",
                    metadata: ["job.id": "\(job.id)", "job.worker": "\(previous)"]
                )
            }
            return requeued
        }
    }

    public func notifications() -> AsyncStream<JobNotification> {
        let (stream, continuation) = AsyncStream.makeStream(of: JobNotification.self, bufferingPolicy: .unbounded)
        let (id, start) = subscribers.withLock { state in
            defer { state.next += 1 }
            state.continuations[state.next] = continuation
            let start = !state.listening
            state.listening = true
            return (state.next, start)
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.continuations.removeValue(forKey: id) }
        }
        if start { startListening() }
        return stream
    }

    /// Keeps one connection (outside the pool) listening on the channel, reconnecting with a growing delay while
    /// the database is away; each (re)connection is announced as `.resync`.
    private func startListening() {
        let url = configuration.url
        let logger = logger
        let task = Task { [weak self] in
            var delay: Duration = .milliseconds(100)
            var connectionID = 0
            while !Task.isCancelled {
                connectionID += 1
                do {
                    let connection = try await PostgresAdmin.connect(url, id: connectionID, logger: logger)
                    do {
                        try await connection.listen(on: Self.channel) { notifications in
                            delay = .milliseconds(100)
                            self?.broadcast(.resync)
                            for try await notification in notifications {
                                if let parsed = JobNotification(payload: notification.payload) {
                                    self?.broadcast(parsed)
                                }
                            }
                        }
                    } catch {
                        try? await connection.close()
                        throw error
                    }
                    try? await connection.close()
                } catch {
                    if Task.isCancelled { break }
                    logger.warning(
                        "listening for job announcements failed; reconnecting",
                        metadata: ["error": "\(String(describing: (error as? PSQLError)?.code ?? .connectionError))"]
                    )
                }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
        track(task)
    }

    func broadcast(_ notification: JobNotification) {
        let continuations = subscribers.withLock { Array($0.continuations.values) }
        for continuation in continuations { continuation.yield(notification) }
    }
}

extension JobNotification {
    /// The NOTIFY payload: "e <job id> <sequence>", "q", "c <job id>"; never the event itself.
    var payload: String {
        switch self {
        case .event(let jobID, let sequence): "e \(jobID) \(sequence)"
        case .queued: "q"
        case .cancelRequested(let jobID): "c \(jobID)"
        case .resync: "r"
        }
    }

    init?(payload: String) {
        let parts = payload.split(separator: " ")
        switch parts.first {
        case "e" where parts.count == 3:
            guard let sequence = Int64(parts[2]) else { return nil }
            self = .event(jobID: String(parts[1]), sequence: sequence)
        case "q": self = .queued
        case "c" where parts.count == 2: self = .cancelRequested(jobID: String(parts[1]))
        default: return nil
        }
    }
}
