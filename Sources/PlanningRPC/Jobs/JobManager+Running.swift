import Foundation
import Logging
import PlanningEngine
import RPCFraming
import TraceExport

extension JobManager {
    // MARK: Workers

    /// One worker: claims the oldest queued job from the store, runs it, repeats; sleeps while none is queued.
    func work(worker: String) async {
        while !Task.isCancelled {
            let generation = signal.generation
            let claimed: JobRecord?
            do {
                claimed = try await JobExecution.shielded { try await self.claim(worker: worker) }
            } catch {
                logger.error("cannot claim a job", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            guard let job = claimed else {
                await signal.wait(after: generation)
                continue
            }
            let hub = state.withLock { state in
                state.queued = max(0, state.queued - 1)
                state.running[job.id] = worker
                if let hub = state.hubs[job.id], !hub.isClosed { return hub }
                let hub = JobHub(
                    jobID: job.id, lastSequence: job.lastSequence, bufferCapacity: configuration.watcherBufferCapacity)
                state.hubs[job.id] = hub
                return hub
            }
            hub.beginRun()
            // On a shared queue the store counts the jobs (JobQuotas.jobsCountedByStore).
            if queue == nil { quotas.started(jobID: job.id, principal: job.owner) }
            let task = Task { await self.execute(job, hub: hub) }
            hub.attach(task)
            if Task.isCancelled { hub.requestStop(.shutdown) }
            await task.value
            hub.attach(nil)
            state.withLock { _ = $0.running.removeValue(forKey: job.id) }
        }
    }

    /// The oldest queued job, skipping those whose owner has as many jobs running as its running-jobs quota when
    /// the store can (``RunningLimitedClaim``). A shared store holds each job to the limit recorded with it, so it
    /// is asked even when this instance knows no limit.
    private func claim(worker: String) async throws -> JobRecord? {
        let limits = quotas.runningLimits
        if limits.default != nil || !limits.overrides.isEmpty || queue != nil,
            let limited = store as? any RunningLimitedClaim
        {
            return try await limited.claimNextQueued(
                worker: worker, runningLimits: limits.overrides, defaultLimit: limits.default)
        }
        return try await store.claimNextQueued(worker: worker)
    }

    /// Runs a claimed job to its terminal event, or to an interruption by shutdown.
    func execute(_ job: JobRecord, hub: JobHub) async {
        let started = ContinuousClock.now
        var logger = logger
        logger[metadataKey: "job.id"] = "\(job.id)"
        // With trace export on, the run is a span of its own in the trace of the call that created the job.
        var span = configuration.tracer?.startSpan(name: "job \(job.kind.rawValue)", kind: .internal, parent: job.trace)
        if let trace = span?.context ?? job.trace {
            // The trace of the call that created the job, on every line of its run, in this process or the next.
            logger[metadataKey: "trace-id"] = "\(trace.traceID)"
            logger[metadataKey: "span-id"] = "\(trace.spanID)"
        }
        logger.debug("job run started", metadata: ["job.kind": "\(job.kind)", "items.done": "\(job.itemsDone)"])
        var execution = JobExecution(
            job: job, store: store, engine: engine, hub: hub, catalogs: catalogs, logger: logger)
        let timer = job.deadline.map { deadline in
            Task {
                try? await Task.sleep(for: .milliseconds(Int64(max(0, deadline.timeIntervalSinceNow) * 1000)))
                if !Task.isCancelled { hub.requestStop(.deadlineExceeded) }
            }
        }
        defer { timer?.cancel() }
        do {
            try execution.checkpoint()
            if job.itemsDone > 0 {
                try await execution.restoreSummary()
                try await execution.progress(
                    step: job.step, percent: job.percent, message: "resuming after \(job.itemsDone) items")
            }
            switch job.kind {
            case .generateAttributes: try await execution.generateAttributes()
            case .autoMapPDEs: try await execution.mapPDEs(replace: false)
            case .regenerateAllPDEMappings: try await execution.mapPDEs(replace: true)
            case .classifyPDEs: try await execution.classifyPDEs()
            }
            try execution.checkpoint()
            try await execution.succeed()
        } catch {
            await finish(&execution, after: error)
        }
        let elapsed = ContinuousClock.now - started
        let outcome = execution.endState?.rawValue ?? "left queued"
        logger.debug("job run ended", metadata: ["elapsed": "\(elapsed)", "state": "\(outcome)"])
        if let state = execution.endState {
            JobMetrics.ended(kind: job.kind, state: state, run: elapsed)
        }
        if var run = span.take(), let tracer = configuration.tracer {
            run.attributes = [
                SpanAttribute("job.id", job.id), SpanAttribute("job.kind", job.kind.rawValue),
                SpanAttribute("job.state", execution.endState?.rawValue ?? JobState.queued.rawValue),
                SpanAttribute("job.items_done", Int64(execution.itemsDone)),
            ]
            switch execution.endState {
            case .succeeded?: run.status = .ok
            case .failed?, .cancelled?: run.status = .error(execution.failureMessage ?? outcome)
            default: run.status = .unset
            }
            tracer.end(run)
        }
        // On a shared queue a hub that saw no terminal event stays: the job goes on elsewhere (or later here),
        // and the announcements keep feeding the hub's watchers.
        let stopping = state.withLock { $0.phase == .stopping || $0.phase == .stopped }
        if execution.ended || (!stopping && queue == nil) {
            retire(hub)
        }
    }

    /// Ends a job whose run threw: the terminal event says why, except for a shutdown, which leaves the job
    /// queued in the store so that the next process resumes it.
    private func finish(_ execution: inout JobExecution, after error: any Error) async {
        var reason = (error as? JobInterruption)?.reason
        if reason == nil, error is CancellationError { reason = hub(execution).stopReason ?? .shutdown }
        if reason == nil, case PlanningEngineError.timedOut = error { reason = .deadlineExceeded }
        let done =
            "\(execution.itemsDone) of \(execution.itemsTotal) items done (\(execution.summary.text)); "
            + "last sequence before it \(execution.lastSequence)"
        if reason == .leaseLost {
            logger.warning(
                "job lease lost; another instance resumes the job",
                metadata: ["job.id": "\(execution.job.id)", "items.done": "\(execution.itemsDone)"])
            return
        }
        if queue != nil, case StoreError.unavailable = error {
            // Nothing can be written now; the lease runs out and whichever instance claims the job next (this one
            // too, once the database is back) resumes it after its last committed item.
            logger.warning(
                "job interrupted: the database is unavailable; it resumes once its lease expires",
                metadata: ["job.id": "\(execution.job.id)"])
            return
        }
        do {
            switch reason {
            case .leaseLost:
                return
            case .shutdown:
                try await execution.requeue("interrupted by shutdown after \(execution.itemsDone) items")
            case .cancelled:
                try await execution.fail(
                    JobFailure(code: Int32(StatusCode.cancelled.rawValue), message: "cancelled: \(done)"),
                    state: .cancelled)
            case .deadlineExceeded:
                try await execution.fail(
                    JobFailure(
                        code: Int32(StatusCode.deadlineExceeded.rawValue), message: "job_deadline exceeded: \(done)"),
                    state: .failed)
            case nil:
                let failure: JobFailure
                switch error {
                case StoreError.failedPrecondition(let message):
                    // The job was ended by someone else (a cancel while queued); nothing to add.
                    execution.logger.debug("job ended elsewhere", metadata: ["why": "\(message)"])
                    return
                case let error as StoreError:
                    let status = ServiceErrors.rpcError(error)
                    failure = JobFailure(code: Int32(status.code.rawValue), message: status.message)
                case PlanningEngineError.invalidArgument(let message):
                    failure = JobFailure(code: Int32(StatusCode.invalidArgument.rawValue), message: message)
                default:
                    execution.logger.error("job failed", metadata: ["error": "\(error)"])
                    failure = JobFailure(
                        code: Int32(StatusCode.internalError.rawValue), message: "internal error: \(done)")
                }
                try await execution.fail(failure, state: .failed)
            }
        } catch {
            execution.logger.error("cannot store the end of a job", metadata: ["error": "\(error)"])
        }
    }

    private func hub(_ execution: JobExecution) -> JobHub { execution.hub }

    /// Drops a job's hub once its terminal event is published; its watchers keep what they buffered.
    func retire(_ hub: JobHub) {
        state.withLock { state in
            if state.hubs[hub.jobID] === hub { state.hubs[hub.jobID] = nil }
        }
        if queue == nil { quotas.ended(jobID: hub.jobID) }
        // A job held back by its owner's running quota may start now.
        let limits = quotas.runningLimits
        if limits.default != nil || !limits.overrides.isEmpty { signal.notify() }
    }

    // MARK: Recovery

    /// Re-queues the jobs left running by a process that died (they resume after their last committed item),
    /// ends those whose cancellation was asked for, and counts the queue.
    func recover() async throws {
        let store = store
        var hubs: [String: JobHub] = [:]
        for job in try await store.unfinishedJobs() {
            if job.cancelRequested {
                let failure = JobFailure(
                    code: Int32(StatusCode.cancelled.rawValue),
                    message: "cancelled: \(job.itemsDone) of \(job.itemsTotal) items done; last sequence "
                        + "\(job.lastSequence)")
                _ = try await store.appendEvent(
                    jobID: job.id, update: JobUpdate(state: .cancelled, step: "cancelled", error: failure)
                ) { _ in JobEvents.error(failure) }
                continue
            }
            var lastSequence = job.lastSequence
            if job.state == .running {
                let record = try await store.appendEvent(
                    jobID: job.id, update: JobUpdate(state: .queued)
                ) { _ in JobEvents.progress("re-queued after a restart; resumes after \(job.itemsDone) items") }
                lastSequence = record.sequence
                logger.info("job re-queued after a restart", metadata: ["job.id": "\(job.id)"])
            }
            quotas.trackRecovered(jobID: job.id, principal: job.owner)
            hubs[job.id] = JobHub(
                jobID: job.id, lastSequence: lastSequence, bufferCapacity: configuration.watcherBufferCapacity)
        }
        state.withLock { state in
            state.queued = hubs.count
            state.hubs.merge(hubs) { current, _ in current }
        }
        signal.notify()
    }

    // MARK: Background

    /// Wakes idle watchers with heartbeats.
    func tickHeartbeats() async {
        let interval = configuration.heartbeatInterval
        let period = max(interval / 4, .milliseconds(5))
        while !Task.isCancelled {
            try? await Task.sleep(for: period)
            let now = ContinuousClock.now
            for hub in state.withLock({ Array($0.hubs.values) }) { hub.tick(now: now, interval: interval) }
        }
    }

    /// Deletes the jobs that ended longer than the retention ago, now and then every sweep interval.
    func sweep() async {
        let store = store
        while !Task.isCancelled {
            let cutoff = Date().addingTimeInterval(-configuration.retention.timeInterval)
            do {
                let deleted = try await JobExecution.shielded { try await store.deleteEndedJobs(olderThan: cutoff) }
                if deleted > 0 { logger.info("retention sweep", metadata: ["jobs.deleted": "\(deleted)"]) }
            } catch {
                logger.error("retention sweep failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: configuration.sweepInterval)
        }
    }
}
