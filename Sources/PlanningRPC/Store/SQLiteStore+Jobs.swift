public import Foundation
import GRDB
import SwiftProtobuf

extension SQLiteStore: JobStore {
    public func createJob(_ job: JobRecord, firstEvent: JobEventBuilder?) async throws -> CreatedJob {
        var prepared = JobRecord(
            id: RecordID.make(RecordID.job), kind: job.kind, state: .queued, owner: job.owner, team: job.team,
            cycleID: job.cycleID, reportID: job.reportID, requestID: job.requestID, request: job.request,
            cancelOnDisconnect: job.cancelOnDisconnect,
            deadline: job.deadline.map { Date(storeMillis: $0.storeMillis) },
            createTime: timestamp())
        prepared.step = "queued"
        prepared.trace = job.trace
        let newJob = prepared
        return try await pool.write { db in
            if !newJob.requestID.isEmpty,
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM jobs WHERE team = ? AND request_id = ?",
                    arguments: [newJob.team, newJob.requestID])
            {
                return CreatedJob(job: try JobRecord(row: row), created: false, firstEvent: nil)
            }
            var stored = newJob
            try db.execute(
                sql: """
                    INSERT INTO jobs (id, kind, state, owner, team, cycle_id, report_id, request_id, request,
                        cancel_on_disconnect, deadline, step, percent, items_done, items_total, create_time,
                        last_sequence, cancel_requested, worker)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    stored.id, stored.kind.rawValue, stored.state.rawValue, stored.owner, stored.team,
                    stored.cycleID,
                    stored.reportID, stored.requestID, stored.request, stored.cancelOnDisconnect,
                    stored.deadline?.storeMillis, stored.step, stored.percent, stored.itemsDone, stored.itemsTotal,
                    stored.createTime.storeMillis, 0, false, "",
                ])
            stored.rowID = db.lastInsertedRowID
            if let trace = stored.trace {
                // Its own statement, so that the insert above stays as every migration before v3-job-trace knew it.
                try db.execute(
                    sql: "UPDATE jobs SET traceparent = ?, tracestate = ? WHERE seq = ?",
                    arguments: [trace.traceparent, trace.traceState, stored.rowID])
            }
            guard let firstEvent else { return CreatedJob(job: stored, created: true, firstEvent: nil) }
            let (job, events) = try self.append(db, job: stored, update: .none, items: []) { [try firstEvent($0)] }
            return CreatedJob(job: job, created: true, firstEvent: events[0])
        }
    }

    public func job(id: String) async throws -> JobRecord {
        try await pool.read { db in try self.fetchJob(db, id: id) }
    }

    public func listJobs(filter: JobFilter, page: PageRequest) async throws -> Page<JobRecord> {
        var sql = "SELECT * FROM jobs WHERE 1"
        var arguments = StatementArguments()
        let conditions: [(String, String?)] = [
            ("cycle_id", filter.cycleID), ("report_id", filter.reportID), ("kind", filter.kind?.rawValue),
            ("state", filter.state?.rawValue), ("owner", filter.owner), ("team", filter.team),
        ]
        for case (let column, let value?) in conditions {
            sql += " AND \(column) = ?"
            arguments += [value]
        }
        let query = sql
        let queryArguments = arguments
        return try await pool.read { db in
            try self.fetchPage(db, sql: query, arguments: queryArguments, page: page, descending: true) {
                try JobRecord(row: $0)
            }
        }
    }

    public func appendEvent(
        jobID: String, update: JobUpdate, build: @escaping JobEventBuilder
    ) async throws -> JobEventRecord {
        try await pool.write { db in
            let job = try self.fetchJob(db, id: jobID)
            return try self.append(db, job: job, update: update, items: []) { [try build($0)] }.events[0]
        }
    }

    public func commitItem(
        jobID: String, writes: [ItemWrite], update: JobUpdate, build: @escaping JobEventsBuilder
    ) async throws -> (items: [WrittenItem], events: [JobEventRecord])
    {
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
        return try await pool.write { db in
            let job = try self.fetchJob(db, id: jobID)
            // Checked before the writes too: no record may be written for a job that has ended.
            if job.state.isEnded { throw StoreError.failedPrecondition("job \(jobID) has ended (\(job.state))") }
            var items: [WrittenItem] = []
            for write in prepared {
                switch write {
                case .insertAttribute(var attribute):
                    attribute.jobID = attribute.jobID.isEmpty ? jobID : attribute.jobID
                    attribute.team = job.team
                    let (stored, created) = try self.insertAttribute(db, attribute)
                    items.append(.attribute(stored, created: created))
                case .insertMapping(var mapping):
                    mapping.jobID = mapping.jobID.isEmpty ? jobID : mapping.jobID
                    mapping.team = job.team
                    let (stored, created) = try self.insertMapping(db, mapping)
                    items.append(.mapping(stored, created: created))
                case .replaceSuggestedMappings(let scope, let mappings):
                    let owned = mappings.map { mapping in
                        var mapping = mapping
                        mapping.jobID = mapping.jobID.isEmpty ? jobID : mapping.jobID
                        return mapping
                    }
                    items.append(
                        .mappingsReplaced(try self.replaceSuggested(db, scope: scope, team: job.team, with: owned)))
                case .upsertClassification(var classification):
                    classification.jobID = classification.jobID.isEmpty ? jobID : classification.jobID
                    classification.team = job.team
                    items.append(.classification(try self.upsertClassification(db, classification)))
                }
            }
            let events = try self.append(db, job: job, update: update, items: items, build: build).events
            return (items, events)
        }
    }

    public func updateJob(id: String, update: JobUpdate) async throws -> JobRecord {
        let time = timestamp()
        return try await pool.write { db in
            let job = try self.apply(update, to: try self.fetchJob(db, id: id), at: time)
            try self.save(db, job)
            return job
        }
    }

    public func events(jobID: String, afterSequence: Int64, limit: Int) async throws -> [JobEventRecord] {
        try await pool.read { db in
            try self.requireExists(db, table: "jobs", what: "job", id: jobID)
            return try Row.fetchAll(
                db,
                sql: "SELECT * FROM job_events WHERE job_id = ? AND sequence > ? ORDER BY sequence LIMIT ?",
                arguments: [jobID, afterSequence, max(0, limit)]
            ).map { try JobEventRecord(row: $0) }
        }
    }

    public func unfinishedJobs() async throws -> [JobRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM jobs WHERE state IN ('queued', 'running') ORDER BY seq")
                .map { try JobRecord(row: $0) }
        }
    }

    public func claimNextQueued(worker: String) async throws -> JobRecord? {
        let time = timestamp()
        return try await pool.write { db in
            // One writer at a time makes select-then-update atomic here; PostgreSQL needs FOR UPDATE SKIP LOCKED.
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM jobs WHERE state = 'queued' AND cancel_requested = 0 ORDER BY seq LIMIT 1")
            else { return nil }
            var job = try self.apply(JobUpdate(state: .running), to: try JobRecord(row: row), at: time)
            job.worker = worker
            try self.save(db, job)
            return job
        }
    }

    public func requestCancel(jobID: String) async throws -> JobRecord {
        try await pool.write { db in
            var job = try self.fetchJob(db, id: jobID)
            guard !job.state.isEnded, !job.cancelRequested else { return job }
            job.cancelRequested = true
            try self.save(db, job)
            return job
        }
    }

    public func deleteEndedJobs(olderThan cutoff: Date) async throws -> Int {
        try await pool.write { db in
            let ended = "state IN ('succeeded', 'failed', 'cancelled') AND finish_time IS NOT NULL AND finish_time < ?"
            // Events first, explicitly: the cascade would do it, but a store without foreign keys must not leak.
            try db.execute(
                sql: "DELETE FROM job_events WHERE job_id IN (SELECT id FROM jobs WHERE \(ended))",
                arguments: [cutoff.storeMillis])
            try db.execute(sql: "DELETE FROM jobs WHERE \(ended)", arguments: [cutoff.storeMillis])
            return db.changesCount
        }
    }

    // MARK: Helpers, inside a transaction

    func fetchJob(_ db: Database, id: String) throws -> JobRecord {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]) else {
            throw StoreError.notFound(what: "job", id: id)
        }
        return try JobRecord(row: row)
    }

    /// Returns the job with the update applied; see `JobRecord.applying(_:at:)`.
    func apply(_ update: JobUpdate, to job: JobRecord, at time: Date) throws -> JobRecord {
        try job.applying(update, at: time)
    }

    /// Writes every mutable column of a job.
    func save(_ db: Database, _ job: JobRecord) throws {
        try db.execute(
            sql: """
                UPDATE jobs SET state = ?, step = ?, percent = ?, items_done = ?, items_total = ?, start_time = ?,
                    finish_time = ?, result_generated = ?, result_created = ?, result_mapped = ?,
                    result_classified = ?, result_skipped = ?, error_code = ?, error_message = ?, last_sequence = ?,
                    cancel_requested = ?, worker = ?
                WHERE seq = ?
                """,
            arguments: [
                job.state.rawValue, job.step, job.percent, job.itemsDone, job.itemsTotal, job.startTime?.storeMillis,
                job.finishTime?.storeMillis, job.result?.generated, job.result?.created, job.result?.mapped,
                job.result?.classified, job.result?.skipped, job.error?.code, job.error?.message, job.lastSequence,
                job.cancelRequested, job.worker, job.rowID,
            ])
    }

    /// Applies the update, then appends the events `build` makes with the next sequence numbers, filling in each
    /// event's envelope from the updated job. Returns the job as saved and the stored events.
    func append(
        _ db: Database, job: JobRecord, update: JobUpdate, items: [WrittenItem],
        build: (JobEventContext) throws -> [Planning_V1_JobEvent]
    ) throws -> (JobRecord, events: [JobEventRecord]) {
        let time = timestamp()
        let (job, drafts) = try job.appending(update, items: items, at: time, build: build)
        var records: [JobEventRecord] = []
        records.reserveCapacity(drafts.count)
        for var record in drafts {
            try db.execute(
                sql: """
                    INSERT INTO job_events (job_id, sequence, payload_kind, create_time, data)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [record.jobID, record.sequence, record.payloadKind.rawValue, time.storeMillis, record.data])
            record.rowID = db.lastInsertedRowID
            records.append(record)
        }
        try save(db, job)
        return (job, records)
    }
}
