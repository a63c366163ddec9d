import Foundation

extension JobManager {
    /// Events read from the store per query while replaying.
    static let replayPageSize = 256

    /// Delivers the events of a job with a sequence greater than `after`, in order: first the stored ones, then
    /// the live ones, until the terminal event (at once if the job has ended). While the job is idle, `deliver`
    /// gets a heartbeat (not stored, carrying the latest sequence) every heartbeat interval.
    ///
    /// The watcher subscribes to the job's hub first, then replays the store, then takes its live buffer,
    /// skipping what the replay delivered already: no gap, no duplicate. A watcher that falls too far behind
    /// (its buffer full of events other than progress) re-reads the store, where only progress is coalesced.
    ///
    /// When the manager shuts down first, the last delivery is a `server_draining` event carrying the last sequence
    /// delivered, and the watch returns: the client re-attaches elsewhere with WatchJob after that sequence.
    ///
    /// - Throws: NOT_FOUND for an unknown job; what `deliver` throws; CancellationError when the task is
    ///   cancelled.
    public func watch(
        jobID: String, after: Int64, deliver: (JobEventRecord) async throws -> Void
    ) async throws {
        var last = max(0, after)
        while true {
            let hub = state.withLock { $0.hubs[jobID] }
            if let hub, let subscription = hub.subscribe() {
                defer { hub.unsubscribe(subscription.id) }
                try await follow(hub, watcher: subscription.id, last: &last, deliver: deliver)
                return
            }
            // Not live here: the store has the answer, unless the job is live elsewhere (another process, or
            // between its creation and its hub); then poll.
            if try await replay(jobID, after: &last, coalesce: false, deliver: deliver) { return }
            // Asked for events after the terminal one of a job that has ended: there are none.
            let job = try await store.job(id: jobID)
            if job.state.isEnded { return }
            if isShuttingDown {
                var envelope = Planning_V1_JobEvent()
                envelope.state = job.state.proto
                envelope.step = job.step
                envelope.percent = job.percent
                envelope.itemsDone = job.itemsDone
                envelope.itemsTotal = job.itemsTotal
                try await deliver(JobEvents.draining(envelope, jobID: jobID, resumeAfter: last, at: Date()))
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    private func follow(
        _ hub: JobHub, watcher: UInt64, last: inout Int64, deliver: (JobEventRecord) async throws -> Void
    ) async throws {
        if try await replay(hub.jobID, after: &last, coalesce: false, deliver: deliver) { return }
        while true {
            switch await hub.next(watcher) {
            case .event(let record):
                guard record.sequence > last else { continue }
                try await deliver(record)
                last = record.sequence
                if record.payloadKind.isTerminal { return }
            case .heartbeat:
                try await deliver(hub.heartbeat(at: Date()))
            case .lagged:
                repeat {
                    if try await replay(hub.jobID, after: &last, coalesce: true, deliver: deliver) { return }
                } while !hub.rejoin(watcher, after: last)
            case .closed:
                try Task.checkCancellation()
                // What the store has beyond the buffer first (the terminal event of a hub that ended, the last
                // items of a run that stopped); then, at shutdown, where to resume.
                if try await replay(hub.jobID, after: &last, coalesce: false, deliver: deliver) { return }
                try await deliver(hub.draining(resumeAfter: last, at: Date()))
                return
            }
        }
    }

    /// Delivers the stored events after `last`, page by page; with `coalesce`, a progress event followed by
    /// another is left out. Returns true when it delivered the terminal event.
    private func replay(
        _ jobID: String, after last: inout Int64, coalesce: Bool, deliver: (JobEventRecord) async throws -> Void
    ) async throws -> Bool {
        let store = store
        while true {
            let from = last
            let page = try await store.events(jobID: jobID, afterSequence: from, limit: Self.replayPageSize)
            for (index, record) in page.enumerated() {
                if coalesce, record.payloadKind.isCoalescable, index + 1 < page.count,
                    page[index + 1].payloadKind.isCoalescable
                {
                    continue
                }
                try await deliver(record)
                last = record.sequence
                if record.payloadKind.isTerminal { return true }
            }
            if page.count < Self.replayPageSize { return false }
        }
    }
}
