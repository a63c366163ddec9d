import Foundation
import Logging

extension JobManager {
    // MARK: Several instances on one queue

    /// At start on a shared queue: only the jobs whose lease expired are re-queued (a running job whose lease is
    /// valid belongs to a live instance); the rest is claimed from the queue as usual.
    func recoverShared(_ queue: any SharedJobQueue) async throws {
        let requeued = try await JobExecution.shielded { try await queue.requeueExpiredLeases() }
        if !requeued.isEmpty {
            logger.info("jobs re-queued after their leases expired", metadata: ["jobs": "\(requeued.count)"])
        }
        await countJobs(queue)
        signal.notify()
    }

    /// Follows the announcements of every instance: feeds the hubs of the jobs watched here but run elsewhere,
    /// wakes the workers when a job is queued, stops a job run here when its cancellation was asked elsewhere.
    func pump(_ notifications: AsyncStream<JobNotification>) async {
        for await notification in notifications {
            switch notification {
            case .event(let jobID, let sequence):
                await catchUp(jobID, through: sequence)
            case .queued:
                signal.notify()
            case .cancelRequested(let jobID):
                let hub = state.withLock { state in state.running[jobID] != nil ? state.hubs[jobID] : nil }
                hub?.requestStop(.cancelled)
            case .resync:
                // Announcements may have been missed while no connection listened.
                signal.notify()
                for jobID in state.withLock({ Array($0.hubs.keys) }) { await catchUp(jobID, through: nil) }
            }
        }
    }

    /// Publishes to a job's hub the stored events it has not seen, up to `sequence` at least (all when nil),
    /// unless the job runs here (its worker publishes them). A terminal event retires the hub.
    func catchUp(_ jobID: String, through sequence: Int64?) async {
        let hub = state.withLock { state in state.running[jobID] == nil ? state.hubs[jobID] : nil }
        guard let hub else { return }
        if let sequence, sequence <= hub.lastSequence { return }
        let store = store
        do {
            while true {
                let after = hub.lastSequence
                let page = try await JobExecution.shielded {
                    try await store.events(jobID: jobID, afterSequence: after, limit: Self.replayPageSize)
                }
                hub.publish(page)
                if hub.hasEnded {
                    retire(hub)
                    return
                }
                if page.count < Self.replayPageSize { return }
            }
        } catch StoreError.notFound {
            // Deleted by the retention sweep: nothing more will come.
            retire(hub)
            hub.close()
        } catch {
            logger.debug("cannot catch up on a job's events", metadata: ["job.id": "\(jobID)", "error": "\(error)"])
        }
    }

    /// A hub for a job that is live but not run here, fed by the announcements; nil when the job has ended.
    func followerHub(_ jobID: String) async throws -> JobHub? {
        let store = store
        // Read after the announcements are followed (``start()``): every event after this read is announced.
        let job = try await JobExecution.shielded { try await store.job(id: jobID) }
        if job.state.isEnded { return nil }
        let hub = JobHub(
            jobID: jobID,
            lastSequence: job.lastSequence,
            bufferCapacity: configuration.watcherBufferCapacity
        )
        return state.withLock { state in
            guard state.phase == .started else { return nil }
            if let current = state.hubs[jobID], !current.isClosed { return current }
            state.hubs[jobID] = hub
            return hub
        }
    }

    /// Renews the leases of the jobs run here, re-queues the jobs of dead instances, catches up the hubs of
    /// jobs run elsewhere (in case an announcement was lost) and drops those that nobody watches.
    func tendLeases(_ queue: any SharedJobQueue) async {
        let renewEvery = queue.leaseDuration / 3
        let tick = min(.seconds(1), renewEvery)
        var lastRenewal = ContinuousClock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: tick)
            if Task.isCancelled { return }
            if ContinuousClock.now - lastRenewal >= renewEvery {
                lastRenewal = ContinuousClock.now
                await renewLeases(queue)
                await countJobs(queue)
            }
            do {
                let requeued = try await JobExecution.shielded { try await queue.requeueExpiredLeases() }
                if !requeued.isEmpty { signal.notify() }
            } catch {
                logger.debug("cannot look for expired leases", metadata: ["error": "\(error)"])
            }
            let followed = state.withLock { state in
                state.hubs.values.filter { state.running[$0.jobID] == nil }
            }
            for hub in followed { await catchUp(hub.jobID, through: nil) }
            dropIdleHubs()
        }
    }

    /// Refreshes the quota gauges from the store's counts (every instance's jobs).
    func countJobs(_ queue: any SharedJobQueue) async {
        do {
            let counts = try await JobExecution.shielded { try await queue.jobCountsByOwner() }
            quotas.recordStoreCounts(counts)
        } catch {
            logger.debug("cannot count the jobs by owner", metadata: ["error": "\(error)"])
        }
    }

    private func renewLeases(_ queue: any SharedJobQueue) async {
        let running = state.withLock { state in
            state.running.compactMap { jobID, worker in state.hubs[jobID].map { (jobID, worker, $0) } }
        }
        for (jobID, worker, hub) in running {
            do {
                let renewal = try await JobExecution.shielded {
                    try await queue.renewLease(jobID: jobID, worker: worker)
                }
                if let renewal {
                    if renewal.cancelRequested { hub.requestStop(.cancelled) }
                } else {
                    hub.requestStop(.leaseLost)
                }
            } catch {
                // The database is away: the run's own writes fail too; if the lease runs out meanwhile, the
                // fencing of those writes keeps this worker from writing after another took over.
                logger.warning("cannot renew a job lease", metadata: ["job.id": "\(jobID)", "error": "\(error)"])
            }
        }
    }

    /// Closes the hubs of jobs not run here that no one watches; a watcher that comes later makes a new one.
    private func dropIdleHubs() {
        let idle = state.withLock { state in
            let idle = state.hubs.values.filter { state.running[$0.jobID] == nil && $0.watcherCount == 0 }
            for hub in idle { state.hubs[hub.jobID] = nil }
            return idle
        }
        // A watcher that subscribed in between sees the hub closed and looks the job up again.
        for hub in idle { hub.close() }
    }
}
