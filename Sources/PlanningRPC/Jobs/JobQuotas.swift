import Metrics
public import RPCFraming
import RPCProtobuf
import Synchronization

/// Per-principal quotas on jobs and job streams, and their accounting.
///
/// - `running_jobs`: a principal with this many jobs running cannot submit another until one ends;
/// - `queued_jobs`: a principal with this many jobs waiting cannot submit another until one starts or ends;
/// - `watch_streams`: at most this many job-event streams (the four operations and `WatchJob`) open at once.
///
/// A refused call gets RESOURCE_EXHAUSTED with a `google.rpc.QuotaFailure` in `grpc-status-details-bin` (subject
/// `principal:NAME`). The counts are exported as gauges labelled by principal (`planning_quota_jobs_running`,
/// `planning_quota_jobs_queued`, `planning_quota_watch_streams`) and refusals as
/// `planning_quota_rejections_total{principal,quota}`.
///
/// Where the counts are kept:
/// - One process (SQLite): in this object's memory; jobs recovered at start are counted again from the store.
/// - Several instances on one database (PostgreSQL, `jobsCountedByStore`): the job quotas are counted in the
///   database, over every instance. A submission is checked in the transaction that inserts the job, and a claim
///   skips the jobs of owners at their running limit (see `SharedJobQueue` and ``RunningLimitedClaim``). Here the
///   job gauges show the database's counts, the same on every instance (aggregate them with `max`, not `sum`).
/// - `watch_streams` stays per process on every store: a stream is a connection to one instance, so a principal
///   may hold that many streams open on each instance.
public final class JobQuotas: Sendable {
    /// A quota, by the name used in flags (`--quota-running-jobs`) and in the principal file (`running_jobs`).
    public enum Limit: String, Sendable, CaseIterable {
        case runningJobs = "running_jobs"
        case queuedJobs = "queued_jobs"
        case watchStreams = "watch_streams"

        var what: String {
            switch self {
            case .runningJobs: "running jobs"
            case .queuedJobs: "queued jobs"
            case .watchStreams: "open job streams"
            }
        }
    }

    /// The quota names a principal entry may override.
    public static let limitNames: Set<String> = Set(Limit.allCases.map(\.rawValue))

    struct Usage: Sendable {
        var running = 0
        var queued = 0
        var watches = 0
    }

    /// An owner's jobs in a shared store.
    public struct JobCounts: Sendable, Equatable {
        /// Jobs running, on any instance.
        public var running: Int
        /// Jobs waiting for a worker.
        public var queued: Int

        /// Counts; zero unless given.
        public init(running: Int = 0, queued: Int = 0) {
            self.running = running
            self.queued = queued
        }
    }

    /// Where a job is, as far as the counts go. A worker can claim a job between its creation and
    /// ``track(jobID:principal:)``, and a cancel can end it there too: the transitions are recorded whatever order they
    /// come in.
    enum TrackedJob: Sendable {
        case queued(String)
        case running(String)
        /// Ended before it was tracked: the reservation is given back when it is.
        case ended
    }

    struct State: Sendable {
        var usage: [String: Usage] = [:]
        /// The running-jobs overrides of the principals seen submitting, for the scheduler.
        var runningOverrides: [String: Int] = [:]
        var jobs: [String: TrackedJob] = [:]
        /// The owners' jobs as the shared store counted them last (``recordStoreCounts(_:)``).
        var storeCounts: [String: JobCounts] = [:]
    }

    /// The limits of a principal without overrides; nil is unlimited.
    public let defaults: [Limit: Int]
    /// Whether the job quotas are counted in a shared store rather than here: the job gauges then show the store's
    /// counts, and only the watch streams are counted in this object.
    public let jobsCountedByStore: Bool
    private let state = Mutex(State())

    /// Quotas with these defaults; `jobsCountedByStore` for a store shared by several instances.
    public init(defaults: [Limit: Int] = [:], jobsCountedByStore: Bool = false) {
        self.defaults = defaults
        self.jobsCountedByStore = jobsCountedByStore
    }

    /// The caller's limit for `limit`: its override, else the default; nil when unlimited.
    public func limit(_ limit: Limit, for caller: Caller) -> Int? {
        caller.limits[limit.rawValue] ?? self.defaults[limit]
    }

    /// The caller's current counts, for tests and diagnostics (the jobs as last counted in the store when
    /// ``jobsCountedByStore``).
    public func usage(of principal: String) -> (running: Int, queued: Int, watches: Int) {
        let usage = self.state.withLock { self.usage(of: principal, in: $0) }
        return (usage.running, usage.queued, usage.watches)
    }

    private func usage(of principal: String, in state: State) -> Usage {
        var usage = state.usage[principal] ?? Usage()
        if self.jobsCountedByStore {
            let counted = state.storeCounts[principal] ?? JobCounts()
            usage.running = counted.running
            usage.queued = counted.queued
        }
        return usage
    }

    /// The jobs of every owner as the shared store counts them (owners left out have none): the job gauges follow.
    public func recordStoreCounts(_ counts: [String: JobCounts]) {
        let owners = self.state.withLock { state in
            // Owners that had jobs and have none now are published too, so that their gauges drop to zero.
            defer { state.storeCounts = counts }
            return Set(state.storeCounts.keys).union(counts.keys)
        }
        for owner in owners { self.publish(owner) }
    }

    // MARK: Jobs

    /// Counts a job about to be created as queued for `caller`, or throws RESOURCE_EXHAUSTED when the caller is at
    /// its running or queued limit. Follow with ``track(jobID:principal:)`` once created, or ``release(principal:)``.
    public func reserveJob(for caller: Caller) throws(RPCError) {
        let running = self.limit(.runningJobs, for: caller)
        let queued = self.limit(.queuedJobs, for: caller)
        let refused: (Limit, Int)? = self.state.withLock { state in
            state.runningOverrides[caller.name] = caller.limits[Limit.runningJobs.rawValue]
            var usage = state.usage[caller.name] ?? Usage()
            if let running, usage.running >= running { return (.runningJobs, running) }
            if let queued, usage.queued >= queued { return (.queuedJobs, queued) }
            usage.queued += 1
            state.usage[caller.name] = usage
            return nil
        }
        if let (limit, value) = refused { throw self.refuse(caller.name, limit, value) }
        self.publish(caller.name)
    }

    /// The running-jobs limits the scheduler applies: the overrides of the principals seen submitting, and the
    /// default for everyone else (nil: unlimited).
    public var runningLimits: (overrides: [String: Int], default: Int?) {
        (self.state.withLock { $0.runningOverrides }, self.defaults[.runningJobs])
    }

    /// A reservation that created no job (an error, or an existing job found by request id) gives its slot back.
    public func release(principal: String) {
        self.state.withLock { state in
            state.usage[principal, default: Usage()].queued -= 1
        }
        self.publish(principal)
    }

    /// Ties a reservation to the job it created.
    public func track(jobID: String, principal: String) {
        self.state.withLock { state in
            switch state.jobs[jobID] {
            case nil:
                state.jobs[jobID] = .queued(principal)
            case .running?:
                // Claimed before this: it counts as running already; its reservation is no longer queued.
                state.usage[principal, default: Usage()].queued -= 1
            case .ended?:
                state.usage[principal, default: Usage()].queued -= 1
                state.jobs[jobID] = nil
            case .queued?:
                break
            }
        }
        self.publish(principal)
    }

    /// A job found queued in the store at start, counted without a reservation.
    public func trackRecovered(jobID: String, principal: String) {
        self.state.withLock { state in
            guard state.jobs[jobID] == nil else { return }
            state.jobs[jobID] = .queued(principal)
            state.usage[principal, default: Usage()].queued += 1
        }
        self.publish(principal)
    }

    /// A worker started the job of `principal`: it moves from queued to running.
    public func started(jobID: String, principal: String) {
        self.state.withLock { state in
            switch state.jobs[jobID] {
            case .queued?:
                state.usage[principal, default: Usage()].queued -= 1
                state.usage[principal, default: Usage()].running += 1
                state.jobs[jobID] = .running(principal)
            case nil:
                state.usage[principal, default: Usage()].running += 1
                state.jobs[jobID] = .running(principal)
            case .running?, .ended?:
                break
            }
        }
        self.publish(principal)
    }

    /// The job ended (or left this process): it no longer counts.
    public func ended(jobID: String) {
        let principal: String? = self.state.withLock { state in
            switch state.jobs[jobID] {
            case .queued(let principal)?:
                state.usage[principal, default: Usage()].queued -= 1
                state.jobs[jobID] = nil
                return principal
            case .running(let principal)?:
                state.usage[principal, default: Usage()].running -= 1
                state.jobs[jobID] = nil
                return principal
            case nil:
                state.jobs[jobID] = .ended
                return nil
            case .ended?:
                return nil
            }
        }
        if let principal { self.publish(principal) }
    }

    // MARK: Streams

    /// Opens a job-event stream for `caller`, or throws RESOURCE_EXHAUSTED at its limit. Pair with
    /// ``closeWatch(principal:)``.
    public func openWatch(for caller: Caller) throws(RPCError) {
        let limit = self.limit(.watchStreams, for: caller)
        let admitted = self.state.withLock { state in
            if let limit, (state.usage[caller.name]?.watches ?? 0) >= limit { return false }
            state.usage[caller.name, default: Usage()].watches += 1
            return true
        }
        guard admitted else {
            throw self.refuse(caller.name, .watchStreams, limit ?? 0)
        }
        self.publish(caller.name)
    }

    public func closeWatch(principal: String) {
        self.state.withLock { $0.usage[principal, default: Usage()].watches -= 1 }
        self.publish(principal)
    }

    // MARK: Reporting

    /// The RESOURCE_EXHAUSTED answer to `principal` at `limit` (`value` of `value` in use), counted as a rejection.
    func refuse(_ principal: String, _ limit: Limit, _ value: Int) -> RPCError {
        let dimensions = [("principal", principal), ("quota", limit.rawValue)]
        Counter(label: "planning_quota_rejections_total", dimensions: dimensions).increment()
        let description = "\(limit.what): \(value) of \(value) in use"
        return RPCError(
            code: .resourceExhausted,
            message: "quota exceeded for principal \(principal): \(description)",
            details: [
                GoogleRPCQuotaFailure(violations: [
                    GoogleRPCQuotaFailure.Violation(subject: "principal:\(principal)", description: description)
                ])
            ]
        )
    }

    private func publish(_ principal: String) {
        let usage = self.state.withLock { self.usage(of: principal, in: $0) }
        let dimensions = [("principal", principal)]
        Gauge(label: "planning_quota_jobs_running", dimensions: dimensions).record(usage.running)
        Gauge(label: "planning_quota_jobs_queued", dimensions: dimensions).record(usage.queued)
        Gauge(label: "planning_quota_watch_streams", dimensions: dimensions).record(usage.watches)
    }
}
