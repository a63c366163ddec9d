import Foundation
import Synchronization

/// The in-memory fan-out of one live (queued or running) job: it knows the last committed sequence and hands
/// every event, after it is stored, to each watcher's small bounded buffer.
///
/// A hub exists only while its job is live; the ``JobManager`` drops it after the terminal event, so a finished
/// job leaves nothing in memory. Watchers of a finished job read the store.
///
/// Back-pressure: publishing never waits for a watcher. A progress event that finds a progress event not yet
/// taken at the tail of a watcher's buffer replaces it (coalescing); any other event that finds the buffer full
/// marks the watcher as lagging and is not buffered: the watcher then re-reads from the store by sequence, where
/// nothing is ever lost, and rejoins. So a slow watcher costs at most `bufferCapacity` events of memory and
/// never slows the job or the other watchers.
final class JobHub: Sendable {
    /// One watcher's live state; kept inside the hub's lock so that an idle watcher costs one dictionary entry.
    private struct Watcher {
        var buffer: [JobEventRecord] = []
        var waiter: CheckedContinuation<Void, Never>?
        var lagging = false
        var heartbeatDue = false
        var lastTaken: ContinuousClock.Instant

        var isReady: Bool { !buffer.isEmpty || lagging || heartbeatDue }
    }

    private struct State {
        var lastSequence: Int64
        var lastRecord: JobEventRecord?
        /// The terminal event was published; nothing follows.
        var ended = false
        /// Closed without a terminal event (shutdown); watchers end.
        var closed = false
        var watchers: [UInt64: Watcher] = [:]
        var nextWatcherID: UInt64 = 0
        var stopReason: JobStopReason?
        var runTask: Task<Void, Never>?
    }

    let jobID: String
    let bufferCapacity: Int
    private let state: Mutex<State>

    /// A hub for a job whose latest stored event has `lastSequence`.
    init(jobID: String, lastSequence: Int64, bufferCapacity: Int) {
        self.jobID = jobID
        self.bufferCapacity = max(1, bufferCapacity)
        self.state = Mutex(State(lastSequence: lastSequence))
    }

    // MARK: Watchers

    /// Registers a watcher. Returns its id and the last sequence published so far (every later event goes to
    /// its buffer), or nil when the hub has ended or closed and the store alone has the answer.
    func subscribe() -> (id: UInt64, lastSequence: Int64)? {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard !state.ended, !state.closed else { return nil }
            let id = state.nextWatcherID
            state.nextWatcherID += 1
            state.watchers[id] = Watcher(lastTaken: now)
            return (id, state.lastSequence)
        }
    }

    /// Removes a watcher (its reader is gone).
    func unsubscribe(_ id: UInt64) {
        let waiter = state.withLock { $0.watchers.removeValue(forKey: id)?.waiter }
        waiter?.resume()
    }

    /// Waits for what the watcher gets next. Returns `.closed` when the calling task is cancelled.
    func next(_ id: UInt64) async -> JobEventDelivery {
        while true {
            if Task.isCancelled { return .closed }
            let now = ContinuousClock.now
            let delivery: JobEventDelivery? = state.withLock { state in
                guard var watcher = state.watchers[id] else { return .closed }
                defer { state.watchers[id] = watcher }
                if !watcher.buffer.isEmpty {
                    watcher.lastTaken = now
                    return .event(watcher.buffer.removeFirst())
                }
                if watcher.lagging { return .lagged }
                if watcher.heartbeatDue {
                    watcher.heartbeatDue = false
                    watcher.lastTaken = now
                    return .heartbeat
                }
                if state.closed || state.ended { return .closed }
                return nil
            }
            if let delivery { return delivery }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state in
                        // Checked under the lock that the cancellation handler takes too: no lost wake-up.
                        guard !Task.isCancelled, !state.closed, var watcher = state.watchers[id], !watcher.isReady
                        else { return true }
                        watcher.waiter = continuation
                        state.watchers[id] = watcher
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                let waiter = state.withLock { state in
                    let waiter = state.watchers[id]?.waiter
                    state.watchers[id]?.waiter = nil
                    return waiter
                }
                waiter?.resume()
            }
        }
    }

    /// After a lagging watcher has re-read the store up to `sequence`, switches it back to live delivery if
    /// nothing newer has been published; otherwise it must read the store again.
    func rejoin(_ id: UInt64, after sequence: Int64) -> Bool {
        state.withLock { state in
            guard state.watchers[id] != nil else { return true }
            guard state.lastSequence <= sequence || state.closed else { return false }
            state.watchers[id]?.lagging = false
            state.watchers[id]?.buffer.removeAll()
            return true
        }
    }

    /// The number of registered watchers.
    var watcherCount: Int { state.withLock { $0.watchers.count } }

    // MARK: Publishing

    /// Hands stored events, in sequence order, to every watcher. Events at or below the last published sequence
    /// are ignored; a gap (an event stored but never published) sends every watcher back to the store.
    func publish(_ records: [JobEventRecord]) {
        var waiters: [CheckedContinuation<Void, Never>] = []
        state.withLock { state in
            for record in records where record.sequence > state.lastSequence {
                let gap = record.sequence > state.lastSequence + 1
                state.lastSequence = record.sequence
                state.lastRecord = record
                if record.payloadKind.isTerminal { state.ended = true }
                var index = state.watchers.values.startIndex
                while index != state.watchers.values.endIndex {
                    if Self.push(record, gap: gap, into: &state.watchers.values[index], capacity: bufferCapacity),
                        let waiter = state.watchers.values[index].waiter
                    {
                        state.watchers.values[index].waiter = nil
                        waiters.append(waiter)
                    }
                    state.watchers.values.formIndex(after: &index)
                }
            }
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Buffers one event for one watcher; returns whether the watcher has something new to take.
    private static func push(_ record: JobEventRecord, gap: Bool, into watcher: inout Watcher, capacity: Int) -> Bool {
        if watcher.lagging { return false }
        if gap {
            watcher.lagging = true
            return true
        }
        if record.payloadKind.isCoalescable, let last = watcher.buffer.last, last.payloadKind.isCoalescable {
            watcher.buffer[watcher.buffer.count - 1] = record
        } else if watcher.buffer.count >= capacity {
            watcher.lagging = true
        } else {
            watcher.buffer.append(record)
        }
        return true
    }

    /// Wakes the watchers that have waited `interval` or more without an event, with a heartbeat.
    func tick(now: ContinuousClock.Instant, interval: Duration) {
        var waiters: [CheckedContinuation<Void, Never>] = []
        state.withLock { state in
            for (id, watcher) in state.watchers where watcher.waiter != nil && now - watcher.lastTaken >= interval {
                state.watchers[id]!.heartbeatDue = true
                waiters.append(watcher.waiter!)
                state.watchers[id]!.waiter = nil
            }
        }
        for waiter in waiters { waiter.resume() }
    }

    /// A heartbeat carrying the envelope (state, step, percent, items, sequence) of the latest event.
    func heartbeat(at time: Date) -> JobEventRecord {
        let last = state.withLock { $0.lastRecord }
        var event = (try? last?.event()) ?? Planning_V1_JobEvent()
        event.jobID = jobID
        event.heartbeat = Planning_V1_Heartbeat()
        event.eventTime = .init(date: time)
        let sequence = last?.sequence ?? state.withLock { $0.lastSequence }
        event.sequence = sequence
        let data = (try? event.serializedBytes() as Data) ?? Data()
        return JobEventRecord(jobID: jobID, sequence: sequence, payloadKind: .heartbeat, createTime: time, data: data)
    }

    /// The `server_draining` event for a watcher that delivered up to `sequence`, with the envelope of the latest
    /// event published here (the job as the server leaves it).
    func draining(resumeAfter sequence: Int64, at time: Date) -> JobEventRecord {
        let last = state.withLock { $0.lastRecord }
        var event = (try? last?.event()) ?? Planning_V1_JobEvent()
        event.sequence = sequence
        return JobEvents.draining(event, jobID: jobID, resumeAfter: sequence, at: time)
    }

    /// Ends every watch that is waiting, without a terminal event (shutdown).
    func close() {
        let waiters = state.withLock { state in
            state.closed = true
            var waiters: [CheckedContinuation<Void, Never>] = []
            var index = state.watchers.values.startIndex
            while index != state.watchers.values.endIndex {
                if let waiter = state.watchers.values[index].waiter { waiters.append(waiter) }
                state.watchers.values[index].waiter = nil
                state.watchers.values.formIndex(after: &index)
            }
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    // MARK: Running

    /// Asks the job's run to stop; the first reason wins. Cancels the run's task so that a long model call
    /// ends too.
    func requestStop(_ reason: JobStopReason) {
        let task = state.withLock { state in
            if state.stopReason == nil { state.stopReason = reason }
            return state.runTask
        }
        task?.cancel()
    }

    /// Why the job must stop, if it must.
    var stopReason: JobStopReason? { state.withLock { $0.stopReason } }

    /// Records the task that runs the job, cancelling it at once if a stop was asked for already.
    func attach(_ task: Task<Void, Never>?) {
        let cancel = state.withLock { state in
            state.runTask = task
            return state.stopReason != nil
        }
        if cancel { task?.cancel() }
    }
}
