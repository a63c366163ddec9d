import Foundation
import Logging
import PlanningEngine

/// One run of one job by a worker: the kind-specific steps (in `JobExecution+*.swift`) call `progress` and
/// `commitItem`, which store each event (with the item's writes, in one transaction) before publishing it
/// to the job's hub, keep the percent from going backwards, and stop at item boundaries when asked.
///
/// A run after a restart resumes: the job's `itemsDone` items were committed by the run before, in the same
/// deterministic order, so the first `itemsDone` items are skipped (and the item writes are idempotent, so a
/// model that does not reproduce its order still duplicates nothing).
struct JobExecution {
    let store: any JobStore & PlanningStore
    let engine: any PlanningEngine
    let hub: JobHub
    let catalogs: PDECatalogCache
    let logger: Logger
    let job: JobRecord
    let deadline: Date?

    /// Items committed by earlier runs of this job, to skip.
    let resumeCount: Int64
    /// Items seen so far by this run, committed or skipped.
    private(set) var itemIndex: Int64 = 0
    private(set) var percent: Double
    private(set) var itemsDone: Int64
    var itemsTotal: Int64
    private(set) var lastSequence: Int64
    /// Counters of the result; restored from the event log on resume.
    var summary = JobResultSummary()
    /// Whether the terminal event was stored and published.
    private(set) var ended = false
    /// The state the job ended in, once it has.
    private(set) var endState: JobState?
    /// Why the job failed or was cancelled, once it has (for its trace span).
    private(set) var failureMessage: String?

    init(
        job: JobRecord, store: any JobStore & PlanningStore, engine: any PlanningEngine, hub: JobHub,
        catalogs: PDECatalogCache, logger: Logger
    ) {
        self.job = job
        self.store = store
        self.engine = engine
        self.hub = hub
        self.catalogs = catalogs
        self.logger = logger
        self.deadline = job.deadline
        self.resumeCount = job.itemsDone
        self.percent = job.percent
        self.itemsDone = job.itemsDone
        self.itemsTotal = job.itemsTotal
        self.lastSequence = job.lastSequence
    }

    // MARK: Boundaries

    /// Throws ``JobInterruption`` when the job must stop (cancel, deadline, shutdown); call between items.
    func checkpoint() throws {
        if let reason = hub.stopReason { throw JobInterruption(reason: reason) }
        if let deadline, Date() >= deadline { throw JobInterruption(reason: .deadlineExceeded) }
        if Task.isCancelled { throw JobInterruption(reason: .shutdown) }
    }

    /// The worker that claimed the job, which every write of this run must still be (see
    /// `JobUpdate.expectedWorker`); nil for a job that was not claimed (never the case for a run).
    var fence: String? { job.worker.isEmpty ? nil : job.worker }

    /// Engine options bounding a call by what is left of the job's deadline.
    var engineOptions: EngineCallOptions {
        guard let deadline else { return .defaults }
        let left = max(0, deadline.timeIntervalSinceNow)
        return EngineCallOptions(timeout: .milliseconds(Int64(left * 1000)))
    }

    /// Counts the next item; returns true when an earlier run committed it already and it must be skipped.
    mutating func skipNextItem() -> Bool {
        itemIndex += 1
        return itemIndex <= resumeCount
    }

    // MARK: Events

    /// Stores and publishes a progress event.
    mutating func progress(step: String, percent: Double, message: String = "") async throws {
        let update = JobUpdate(
            step: step, percent: advance(to: percent), itemsDone: itemsDone, itemsTotal: max(itemsTotal, itemsDone),
            expectedWorker: fence)
        let store = store
        let jobID = job.id
        let record = try await Self.shielded {
            try await store.appendEvent(jobID: jobID, update: update) { _ in JobEvents.progress(message) }
        }
        publish([record])
    }

    /// Commits one item: its writes, the progress and the events `build` makes from what was written, in one
    /// transaction; then publishes the events. Returns what was written.
    /// The item's events are followed by a progress event (`message`, and the new items done), so that a
    /// reader of progress alone sees every item.
    @discardableResult
    mutating func commitItem(
        _ writes: [ItemWrite], step: String, percent: Double, message: String,
        build: @escaping @Sendable ([WrittenItem]) -> [Planning_V1_JobEvent]
    ) async throws -> [WrittenItem] {
        let update = JobUpdate(
            step: step, percent: advance(to: percent), itemsDone: itemsDone + 1,
            itemsTotal: max(itemsTotal, itemsDone + 1), expectedWorker: fence)
        let store = store
        let jobID = job.id
        let (items, records) = try await Self.shielded {
            try await store.commitItem(jobID: jobID, writes: writes, update: update) { context in
                build(context.items) + [JobEvents.progress(message)]
            }
        }
        itemsDone += 1
        publish(records)
        return items
    }

    /// Stores and publishes the terminal event of a job that succeeded.
    mutating func succeed() async throws {
        let update = JobUpdate(
            state: .succeeded, step: "done", percent: 100, itemsDone: itemsDone, itemsTotal: max(itemsTotal, itemsDone),
            result: summary, expectedWorker: fence)
        try await end(update, JobEvents.result(summary))
    }

    /// Stores and publishes the terminal event of a job that failed or was cancelled.
    mutating func fail(_ failure: JobFailure, state: JobState) async throws {
        try await end(JobUpdate(state: state, error: failure, expectedWorker: fence), JobEvents.error(failure))
        failureMessage = failure.message
    }

    private mutating func end(_ update: JobUpdate, _ event: Planning_V1_JobEvent) async throws {
        let store = store
        let jobID = job.id
        let record = try await Self.shielded {
            try await store.appendEvent(jobID: jobID, update: update) { _ in event }
        }
        publish([record])
        ended = true
        endState = update.state
    }

    /// Puts the job back in the queue (shutdown), with a progress event saying so; it resumes after its last
    /// committed item.
    mutating func requeue(_ message: String) async throws {
        let store = store
        let jobID = job.id
        let update = JobUpdate(state: .queued, expectedWorker: fence)
        let record = try await Self.shielded {
            try await store.appendEvent(jobID: jobID, update: update) { _ in
                JobEvents.progress(message)
            }
        }
        publish([record])
    }

    /// Restores the result counters of the items earlier runs committed, from their stored events.
    mutating func restoreSummary() async throws {
        var after: Int64 = 0
        while true {
            let page = try await store.events(jobID: job.id, afterSequence: after, limit: 500)
            for record in page {
                switch record.payloadKind {
                case .attributeGenerated:
                    summary.generated += 1
                    if try record.event().attributeGenerated.created { summary.created += 1 }
                case .mappingSuggested:
                    summary.generated += 1
                    summary.mapped += 1
                case .pdeClassified:
                    summary.generated += 1
                    summary.classified += 1
                default:
                    break
                }
            }
            guard let last = page.last, page.count == 500 else { return }
            after = last.sequence
        }
    }

    private mutating func publish(_ records: [JobEventRecord]) {
        if let last = records.last { lastSequence = last.sequence }
        hub.publish(records)
    }

    /// The percent never goes backwards (a resumed run restarts its early steps).
    private mutating func advance(to value: Double) -> Double {
        percent = min(100, max(percent, value))
        return percent
    }

    /// Runs a store call in a task of its own, so that cancelling the job's task (to interrupt a model call)
    /// cannot leave a transaction committed but unpublished, or half-known.
    static func shielded<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await Task { try await body() }.value
    }

    /// Reads every page of a list.
    static func allPages<Item: Sendable>(_ read: (PageRequest) async throws -> Page<Item>) async throws -> [Item] {
        var items: [Item] = []
        var cursor: Int64?
        repeat {
            let page = try await read(PageRequest(size: PageRequest.maximumSize, after: cursor))
            items += page.items
            cursor = page.nextCursor
        } while cursor != nil
        return items
    }
}
