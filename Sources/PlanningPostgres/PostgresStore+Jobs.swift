public import Foundation
public import PlanningRPC
import PostgresNIO

extension PostgresStore: JobStore {
    public func createJob(_ job: JobRecord, firstEvent: JobEventBuilder?) async throws -> CreatedJob {
        guard case .admitted(let created) = try await createJob(job, firstEvent: firstEvent, admission: nil) else {
            throw StoreError.invalid("a job without admission limits was refused")
        }
        return created
    }

    /// Creates a job unless the queue or its owner is at one of `limits` (nil: none checked); the team's job with
    /// the same request id is the answer whatever the limits.
    func createJob(_ job: JobRecord, firstEvent: JobEventBuilder?, admission limits: JobAdmission.Limits?)
        async throws -> JobAdmission
    {
        var prepared = JobRecord(
            id: RecordID.make(RecordID.job),
            kind: job.kind,
            state: .queued,
            owner: job.owner,
            team: job.team,
            cycleID: job.cycleID,
            reportID: job.reportID,
            requestID: job.requestID,
            request: job.request,
            cancelOnDisconnect: job.cancelOnDisconnect,
            deadline: job.deadline.map { Date(storeMillis: $0.storeMillis) },
            createTime: timestamp()
        )
        prepared.step = "queued"
        prepared.trace = job.trace
        let newJob = prepared
        return try await write { session in
            if !newJob.requestID.isEmpty,
                let existing = try await self.job(session, team: newJob.team, requestID: newJob.requestID)
            {
                return .admitted(CreatedJob(job: existing, created: false, firstEvent: nil))
            }
            if let limits, let refusal = try await self.refusal(session, owner: newJob.owner, limits: limits) {
                return refusal
            }
            var stored = newJob
            guard
                let row = try await session.row(
                    """
                    INSERT INTO jobs (id, kind, state, owner, team, cycle_id, report_id, request_id, request,
                        cancel_on_disconnect, deadline, step, percent, items_done, items_total, create_time,
                        last_sequence, cancel_requested, worker, traceparent, tracestate, running_limit)
                    VALUES (\(stored.id), \(stored.kind.rawValue), \(stored.state.rawValue), \(stored.owner),
                        \(stored.team), \(stored.cycleID), \(stored.reportID), \(stored.requestID), \(stored.request),
                        \(stored.cancelOnDisconnect), \(stored.deadline?.storeMillis), \(stored.step),
                        \(stored.percent), \(stored.itemsDone), \(stored.itemsTotal), \(stored.createTime.storeMillis),
                        \(Int64(0)), \(false), \(""), \(stored.trace?.traceparent ?? ""),
                        \(stored.trace?.traceState ?? ""), \(limits?.ownerRunning.map(Int64.init)))
                    ON CONFLICT (team, request_id) WHERE request_id <> '' DO NOTHING
                    RETURNING seq
                    """
                )
            else {
                // Another instance created the same request id meanwhile; its job is the answer.
                guard let existing = try await self.job(session, team: newJob.team, requestID: newJob.requestID)
                else { throw StoreError.alreadyExists("job request \(newJob.requestID) exists") }
                return .admitted(CreatedJob(job: existing, created: false, firstEvent: nil))
            }
            stored.rowID = try row.int64("seq")
            try await self.announce(session, .queued)
            guard let firstEvent else { return .admitted(CreatedJob(job: stored, created: true, firstEvent: nil)) }
            let (job, events) = try await self.append(session, job: stored, update: .none, items: []) {
                [try firstEvent($0)]
            }
            return .admitted(CreatedJob(job: job, created: true, firstEvent: events[0]))
        }
    }

    /// Why a new job of `owner` may not be admitted now, or nil. Admission is global: the counts and the insert
    /// that follows are serialized between instances by a transaction-scoped advisory lock, so that N instances
    /// cannot each admit up to a limit, nor two of them take an owner's last free place. A claim may move one of
    /// the owner's jobs from queued to running meanwhile; that is as if it came just after this admission.
    private func refusal(_ session: Session, owner: String, limits: JobAdmission.Limits) async throws
        -> JobAdmission?
    {
        try await session.execute("SELECT pg_advisory_xact_lock(\(Self.admissionLockKey))")
        if limits.ownerRunning != nil || limits.ownerQueued != nil {
            let counts = try await session.row(
                """
                SELECT count(*) FILTER (WHERE state = 'running')::BIGINT AS running,
                    count(*) FILTER (WHERE state = 'queued')::BIGINT AS queued
                FROM jobs WHERE owner = \(owner) AND state IN ('queued', 'running')
                """
            )
            if let limit = limits.ownerRunning, try counts?.int64("running") ?? 0 >= Int64(limit) {
                return .quotaExceeded(.runningJobs, limit: limit)
            }
            if let limit = limits.ownerQueued, try counts?.int64("queued") ?? 0 >= Int64(limit) {
                return .quotaExceeded(.queuedJobs, limit: limit)
            }
        }
        let queued = try await session.row("SELECT count(*)::BIGINT AS n FROM jobs WHERE state = 'queued'")
        if try queued?.int64("n") ?? 0 >= Int64(limits.maxQueued) { return .queueFull }
        return nil
    }

    /// The key of the advisory lock that serializes admission (count, then insert) between instances.
    static let admissionLockKey: Int64 = 0x706C_616E_6164_6D74  // "planadmt"

    public func job(id: String) async throws -> JobRecord {
        try await read { session in try await self.fetchJob(session, id: id) }
    }

    public func listJobs(filter: JobFilter, page: PageRequest) async throws -> Page<JobRecord> {
        var sql = "SELECT * FROM jobs WHERE TRUE"
        var binds = PostgresBindings()
        let conditions: [(String, String?)] = [
            ("cycle_id", filter.cycleID), ("report_id", filter.reportID), ("kind", filter.kind?.rawValue),
            ("state", filter.state?.rawValue), ("owner", filter.owner), ("team", filter.team),
        ]
        for case (let column, let value?) in conditions {
            binds.append(value)
            sql += " AND \(column) = $\(binds.count)"
        }
        let query = sql
        let queryBinds = binds
        return try await read { session in
            try await self.fetchPage(session, sql: query, binds: queryBinds, page: page, descending: true) {
                try JobRecord(row: $0)
            }
        }
    }

    public func appendEvent(
        jobID: String,
        update: JobUpdate,
        build: @escaping JobEventBuilder
    ) async throws -> JobEventRecord {
        try await write { session in
            let job = try await self.fetchJob(session, id: jobID, forUpdate: true)
            return try await self.append(session, job: job, update: update, items: []) { [try build($0)] }.events[0]
        }
    }

    public func commitItem(
        jobID: String,
        writes: [ItemWrite],
        update: JobUpdate,
        build: @escaping JobEventsBuilder
    ) async throws -> (items: [WrittenItem], events: [JobEventRecord]) {
        // Ids and times are given outside the transaction, so that the transaction only does database work.
        let prepared: [ItemWrite] = try writes.map { write in
            switch write {
            case .insertAttribute(let attribute): .insertAttribute(try prepareAttribute(attribute))
            case .insertMapping(let mapping): .insertMapping(try prepareMapping(mapping))
            case .replaceSuggestedMappings(let scope, let mappings):
                .replaceSuggestedMappings(scope, try mappings.map(prepareMapping))
            case .upsertClassification(let classification):
                .upsertClassification(prepareClassification(classification))
            }
        }
        return try await write { session in
            // The job's row is locked first, in every job transaction: writers of one job queue up behind it,
            // and the fencing check below cannot be overtaken by a takeover.
            let job = try await self.fetchJob(session, id: jobID, forUpdate: true)
            // Checked before the writes too: no record may be written for a job that has ended, or by a worker
            // that no longer holds it.
            if job.state.isEnded { throw StoreError.failedPrecondition("job \(jobID) has ended (\(job.state))") }
            _ = try job.applying(update, at: Date())
            var items: [WrittenItem] = []
            for write in prepared {
                switch write {
                case .insertAttribute(var attribute):
                    attribute.jobID = attribute.jobID.isEmpty ? jobID : attribute.jobID
                    attribute.team = job.team
                    let (stored, created) = try await self.insertAttribute(session, attribute)
                    items.append(.attribute(stored, created: created))
                case .insertMapping(var mapping):
                    mapping.jobID = mapping.jobID.isEmpty ? jobID : mapping.jobID
                    mapping.team = job.team
                    let (stored, created) = try await self.insertMapping(session, mapping)
                    items.append(.mapping(stored, created: created))
                case .replaceSuggestedMappings(let scope, let mappings):
                    let owned = mappings.map { mapping in
                        var mapping = mapping
                        mapping.jobID = mapping.jobID.isEmpty ? jobID : mapping.jobID
                        return mapping
                    }
                    let replacement = try await self.replaceSuggested(
                        session, scope: scope, team: job.team, with: owned)
                    items.append(.mappingsReplaced(replacement))
                case .upsertClassification(var classification):
                    classification.jobID = classification.jobID.isEmpty ? jobID : classification.jobID
                    classification.team = job.team
                    items.append(.classification(try await self.upsertClassification(session, classification)))
                }
            }
            let events = try await self.append(session, job: job, update: update, items: items, build: build).events
            return (items, events)
        }
    }

    public func updateJob(id: String, update: JobUpdate) async throws -> JobRecord {
        let time = timestamp()
        return try await write { session in
            let job = try await self.fetchJob(session, id: id, forUpdate: true).applying(update, at: time)
            try await self.save(session, job)
            return job
        }
    }

    public func events(jobID: String, afterSequence: Int64, limit: Int) async throws -> [JobEventRecord] {
        try await read { session in
            try await self.requireExists(session, table: "jobs", what: "job", id: jobID)
            return try await session.rows(
                """
                SELECT * FROM job_events WHERE job_id = \(jobID) AND sequence > \(afterSequence)
                ORDER BY sequence LIMIT \(Int64(max(0, limit)))
                """
            ).map { try JobEventRecord(row: $0) }
        }
    }

    public func unfinishedJobs() async throws -> [JobRecord] {
        try await read { session in
            try await session.rows("SELECT * FROM jobs WHERE state IN ('queued', 'running') ORDER BY seq")
                .map { try JobRecord(row: $0) }
        }
    }

    /// The oldest queued job, held to the running limit recorded with it at submission (see
    /// ``claimNextQueued(worker:runningLimits:defaultLimit:)``).
    public func claimNextQueued(worker: String) async throws -> JobRecord? {
        try await claimNextQueued(worker: worker, runningLimits: [:], defaultLimit: nil)
    }

    public func requestCancel(jobID: String) async throws -> JobRecord {
        try await write { session in
            var job = try await self.fetchJob(session, id: jobID, forUpdate: true)
            guard !job.state.isEnded, !job.cancelRequested else { return job }
            job.cancelRequested = true
            try await self.save(session, job)
            try await self.announce(session, .cancelRequested(jobID: jobID))
            return job
        }
    }

    public func deleteEndedJobs(olderThan cutoff: Date) async throws -> Int {
        try await write { session in
            let ended = "state IN ('succeeded', 'failed', 'cancelled') AND finish_time IS NOT NULL AND finish_time < $1"
            var binds = PostgresBindings()
            binds.append(cutoff.storeMillis)
            try await session.execute(
                PostgresQuery(
                    unsafeSQL: "DELETE FROM job_events WHERE job_id IN (SELECT id FROM jobs WHERE \(ended))",
                    binds: binds
                )
            )
            return try await session.rows(
                PostgresQuery(unsafeSQL: "DELETE FROM jobs WHERE \(ended) RETURNING seq", binds: binds)
            ).count
        }
    }

    // MARK: Helpers, inside a transaction

    /// The database's clock in milliseconds, as SQL: leases are compared on one clock, whatever the instances'.
    static let databaseNowMillis = "(extract(epoch FROM clock_timestamp()) * 1000)::BIGINT"

    static func millis(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    func fetchJob(_ session: Session, id: String, forUpdate: Bool = false) async throws -> JobRecord {
        let lock = forUpdate ? " FOR UPDATE" : ""
        guard let row = try await session.row("SELECT * FROM jobs WHERE id = \(id)\(unescaped: lock)") else {
            throw StoreError.notFound(what: "job", id: id)
        }
        return try JobRecord(row: row)
    }

    func job(_ session: Session, team: String, requestID: String) async throws -> JobRecord? {
        try await session.row("SELECT * FROM jobs WHERE team = \(team) AND request_id = \(requestID)")
            .map { try JobRecord(row: $0) }
    }

    /// Writes every mutable column of a job; a job that is not running holds no lease.
    func save(_ session: Session, _ job: JobRecord) async throws {
        try await session.execute(
            """
            UPDATE jobs SET state = \(job.state.rawValue), step = \(job.step), percent = \(job.percent),
                items_done = \(job.itemsDone), items_total = \(job.itemsTotal),
                start_time = \(job.startTime?.storeMillis), finish_time = \(job.finishTime?.storeMillis),
                result_generated = \(job.result?.generated), result_created = \(job.result?.created),
                result_mapped = \(job.result?.mapped), result_classified = \(job.result?.classified),
                result_skipped = \(job.result?.skipped), error_code = \(job.error?.code),
                error_message = \(job.error?.message), last_sequence = \(job.lastSequence),
                cancel_requested = \(job.cancelRequested), worker = \(job.worker),
                lease_expires = CASE WHEN \(job.state.rawValue) = 'running' THEN lease_expires END
            WHERE seq = \(job.rowID)
            """
        )
    }

    /// Applies the update, appends the events `build` makes with the next sequence numbers, saves the job and
    /// announces the events (delivered when the transaction commits). Returns the job as saved and the events.
    func append(
        _ session: Session,
        job: JobRecord,
        update: JobUpdate,
        items: [WrittenItem],
        build: (JobEventContext) throws -> [Planning_V1_JobEvent]
    ) async throws -> (JobRecord, events: [JobEventRecord]) {
        let time = timestamp()
        let previous = job.state
        let (job, drafts) = try job.appending(update, items: items, at: time, build: build)
        var records: [JobEventRecord] = []
        records.reserveCapacity(drafts.count)
        for var record in drafts {
            let row = try await session.row(
                """
                INSERT INTO job_events (job_id, sequence, payload_kind, create_time, data)
                VALUES (\(record.jobID), \(record.sequence), \(record.payloadKind.rawValue), \(time.storeMillis),
                    \(record.data))
                RETURNING seq
                """
            )
            record.rowID = try row?.int64("seq") ?? 0
            records.append(record)
        }
        try await save(session, job)
        let payloads = records.map { JobNotification.event(jobID: $0.jobID, sequence: $0.sequence).payload }
        try await session.execute("SELECT pg_notify(\(Self.channel), p) FROM unnest(\(payloads)) AS p")
        // A running job that ends may let a job held back by its owner's running quota start, on any instance.
        if update.state == .queued || (previous == .running && update.state?.isEnded == true) {
            try await announce(session, .queued)
        }
        return (job, records)
    }

    /// Announces `notification` to every instance when the transaction commits.
    func announce(_ session: Session, _ notification: JobNotification) async throws {
        try await session.execute("SELECT pg_notify(\(Self.channel), \(notification.payload))")
    }
}

extension PostgresStore: JobRequestLookup {
    package func job(team: String, requestID: String) async throws -> JobRecord? {
        try await read { session in try await self.job(session, team: team, requestID: requestID) }
    }
}
