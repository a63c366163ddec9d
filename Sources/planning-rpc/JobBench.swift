import Foundation
import Histogram
import PlanningRPC
import RPCClient
import RPCClientProtobuf
import RPCFraming

/// What to start in job mode.
enum JobKind: String, CaseIterable, Sendable {
    case classify
    case generate
}

/// The settings of a job-mode run (`planning-rpc bench --jobs N`).
struct JobBenchPlan: Sendable {
    var jobs: Int
    var watchersPerJob: Int
    var kind: JobKind
    var pdes: [String]
    var report: String
    var slowPercent: Double
    var slowDelay: Duration
    var reattachPercent: Double
    /// Events a re-attaching watcher reads before it cancels its call and watches again.
    var reattachAfter: Int

    /// How many of a job's watchers are slow: the first ones.
    var slowPerJob: Int { Int((Double(self.watchersPerJob) * self.slowPercent / 100).rounded()) }
    /// How many of a job's watchers re-attach: the last ones.
    var reattachPerJob: Int { Int((Double(self.watchersPerJob) * self.reattachPercent / 100).rounded()) }
}

/// What one watcher saw.
struct WatcherOutcome: Sendable {
    var jobID: String
    var slow: Bool
    var reattaching: Bool
    var firstEventMicros: UInt64?
    var gapMicros: [UInt64] = []
    /// Sequences seen, each once, in order of arrival.
    var sequences: [Int64] = []
    var duplicates = 0
    var outOfOrder = 0
    var terminalSequence: Int64?
    var reattaches = 0
    var error: String?
}

/// One job as its starting call saw it.
struct StartedJob: Sendable {
    var jobID: String
    var seconds: Double?
    var error: String?
}

/// Job mode of the bench: starts jobs, watches each with many WatchJob calls at once (some slow, some
/// re-attaching on purpose), and checks the delivery contract against a full replay of each job afterwards.
struct JobBench {
    let plan: JobBenchPlan
    let clients: [PlanningClient]
    /// Slow watchers read through these: a small HTTP/2 window, so the server sees them fall behind.
    let slowClients: [PlanningClient]
    let clock = ContinuousClock()

    func run() async throws -> JobBenchReport {
        let begin = self.clock.now
        // All jobs at once; each job's watchers start as soon as it is accepted.
        let started = try await withThrowingTaskGroup(
            of: (Int, Task<StartedJob, Never>, [Task<WatcherOutcome, Never>]).self
        ) { group in
            for index in 0..<self.plan.jobs {
                group.addTask {
                    let (jobID, starter) = try await self.startJob(self.clients[index % self.clients.count])
                    var watchers: [Task<WatcherOutcome, Never>] = []
                    for watcher in 0..<self.plan.watchersPerJob {
                        let slow = watcher < self.plan.slowPerJob
                        let reattaching = watcher >= self.plan.watchersPerJob - self.plan.reattachPerJob
                        let pool = slow ? self.slowClients : self.clients
                        let client = pool[(index * self.plan.watchersPerJob + watcher) % pool.count]
                        watchers.append(
                            Task { await self.watch(client, jobID: jobID, slow: slow, reattaching: reattaching) }
                        )
                    }
                    return (index, starter, watchers)
                }
            }
            var started: [(Int, Task<StartedJob, Never>, [Task<WatcherOutcome, Never>])] = []
            for try await job in group { started.append(job) }
            return started.sorted { $0.0 < $1.0 }
        }
        let starters = started.map(\.1)
        let watchers = started.flatMap(\.2)
        var jobs: [StartedJob] = []
        for starter in starters { jobs.append(await starter.value) }
        var outcomes: [WatcherOutcome] = []
        for watcher in watchers { outcomes.append(await watcher.value) }
        let seconds = Double((self.clock.now - begin).nanosecondCount) / 1e9
        var replays: [String: JobReplay] = [:]
        for job in jobs {
            replays[job.jobID] = try await self.replay(self.clients[0], jobID: job.jobID)
        }
        return JobBenchReport(plan: self.plan, jobs: jobs, watchers: outcomes, replays: replays, seconds: seconds)
    }

    /// Starts one job and returns its id (from `accepted`) and a task that drains its stream to the end.
    private func startJob(_ client: PlanningClient) async throws -> (String, Task<StartedJob, Never>) {
        let started = self.clock.now
        let stream: MessageStream<Planning_V1_JobEvent>
        switch self.plan.kind {
        case .classify:
            var request = Planning_V1_ClassifyPDEsRequest()
            request.pdeIds = self.plan.pdes
            request.reportID = self.plan.pdes.isEmpty ? self.plan.report : ""
            stream = try client.classifyPDEs(request)
        case .generate:
            var request = Planning_V1_GenerateAttributesRequest()
            request.reportID = self.plan.report
            request.autoCreate = false
            stream = try client.generateAttributes(request)
        }
        var iterator = stream.makeAsyncIterator()
        guard let first = try await iterator.next() else {
            throw CommandError("the job stream ended before the job was accepted")
        }
        let jobID = first.jobID
        let clock = self.clock
        let drain = Task { [iterator] in
            var iterator = iterator
            do {
                while let event = try await iterator.next() {
                    if event.isTerminal {
                        return StartedJob(jobID: jobID, seconds: Double((clock.now - started).nanosecondCount) / 1e9)
                    }
                }
                return StartedJob(jobID: jobID, error: "the job stream ended without a terminal event")
            } catch {
                return StartedJob(jobID: jobID, error: "\(error)")
            }
        }
        return (jobID, drain)
    }

    /// Watches a job from sequence 0 to its terminal event, re-attaching after drops (and once on purpose when
    /// `reattaching`) from the last sequence seen.
    private func watch(_ client: PlanningClient, jobID: String, slow: Bool, reattaching: Bool) async -> WatcherOutcome {
        var outcome = WatcherOutcome(jobID: jobID, slow: slow, reattaching: reattaching)
        let started = self.clock.now
        var lastEvent: ContinuousClock.Instant?
        var last: Int64 = 0
        var planned = reattaching ? 1 : 0
        var failures = 0
        attach: while true {
            var request = Planning_V1_WatchJobRequest()
            request.jobID = jobID
            request.afterSequence = last
            var readThisCall = 0
            var cancelledOnPurpose = false
            do {
                let stream = try client.watchJob(request)
                for try await event in stream {
                    let now = self.clock.now
                    // Neither is an event of the job: a heartbeat, and the draining server's last word (the stream
                    // then ends and the loop re-attaches after `last`).
                    if case .heartbeat = event.payload { continue }
                    if case .serverDraining = event.payload { continue }
                    failures = 0
                    if let lastEvent {
                        outcome.gapMicros.append(Self.micros(now - lastEvent))
                    } else {
                        outcome.firstEventMicros = Self.micros(now - started)
                    }
                    lastEvent = now
                    if event.sequence == last || outcome.sequences.contains(event.sequence) {
                        outcome.duplicates += 1
                        continue
                    }
                    if event.sequence < last {
                        outcome.outOfOrder += 1
                        continue
                    }
                    last = event.sequence
                    outcome.sequences.append(event.sequence)
                    if event.isTerminal {
                        outcome.terminalSequence = event.sequence
                        stream.responses.cancel()
                        return outcome
                    }
                    if slow {
                        try await Task.sleep(for: self.plan.slowDelay)
                    }
                    readThisCall += 1
                    if planned > 0 && readThisCall >= self.plan.reattachAfter {
                        planned -= 1
                        cancelledOnPurpose = true
                        outcome.reattaches += 1
                        stream.responses.cancel()
                        continue attach
                    }
                }
                // Ended without a terminal event (the server drained): watch again.
                failures += 1
            } catch let error as RPCError where error.code == .cancelled && cancelledOnPurpose {
                // The call this watcher cancelled ended: watch again.
            } catch let error as RPCError where error.code == .unavailable {
                failures += 1
                outcome.error = nil
            } catch {
                outcome.error = "\(error)"
                return outcome
            }
            if failures > 20 {
                outcome.error = "gave up after \(failures) attempts"
                return outcome
            }
            if failures > 0 {
                try? await Task.sleep(for: .milliseconds(50 * failures))
            }
        }
    }

    /// Every stored event of a job, from a WatchJob at 0.
    private func replay(_ client: PlanningClient, jobID: String) async throws -> JobReplay {
        var request = Planning_V1_WatchJobRequest()
        request.jobID = jobID
        var replay = JobReplay()
        for try await event in try client.watchJob(request) {
            if case .heartbeat = event.payload { continue }
            if case .serverDraining = event.payload { continue }
            replay.sequences.append(event.sequence)
            if case .progress = event.payload {
                replay.progress.insert(event.sequence)
            }
            if event.isTerminal {
                replay.terminal = event.sequence
                break
            }
        }
        return replay
    }

    static func micros(_ duration: Duration) -> UInt64 {
        UInt64(max(1, duration.nanosecondCount / 1000))
    }
}

/// A job's full event log, as a WatchJob from 0 returns it.
struct JobReplay: Sendable {
    var sequences: [Int64] = []
    var progress: Set<Int64> = []
    var terminal: Int64?

    /// The sequences no watcher may skip.
    var required: [Int64] { self.sequences.filter { !self.progress.contains($0) } }
    /// Whether the replay itself runs 1, 2, 3... to the terminal event.
    var contiguous: Bool { self.sequences.enumerated().allSatisfy { $0.element == Int64($0.offset + 1) } }
}

extension Planning_V1_JobEvent {
    var isTerminal: Bool {
        switch self.payload {
        case .result, .error: true
        default: false
        }
    }
}
