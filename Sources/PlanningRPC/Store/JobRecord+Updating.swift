package import Foundation
import SwiftProtobuf

extension JobRecord {
    /// Returns the job with `update` applied at `time`: sets the start time when it first runs and the finish
    /// time when it ends. Shared by every store so that they agree on the rules.
    /// - Throws: `failedPrecondition` for a job that has ended or (with `expectedWorker`) that another worker
    ///   holds; `invalid` for a percent outside 0...100.
    package func applying(_ update: JobUpdate, at time: Date) throws -> JobRecord {
        if state.isEnded && update != .none {
            throw StoreError.failedPrecondition("job \(id) has ended (\(state.rawValue))")
        }
        if let expected = update.expectedWorker, expected != worker {
            throw StoreError.failedPrecondition(
                "job \(id) is held by worker '\(worker)', not '\(expected)' (its lease was taken over)"
            )
        }
        if let percent = update.percent, !(0...100).contains(percent) {
            throw StoreError.invalid("percent must be within 0...100, got \(percent)")
        }
        var job = self
        if let state = update.state {
            job.state = state
            if state == .running && job.startTime == nil { job.startTime = time }
            if state.isEnded { job.finishTime = time }
        }
        if let step = update.step { job.step = step }
        if let percent = update.percent { job.percent = percent }
        if let itemsDone = update.itemsDone { job.itemsDone = itemsDone }
        if let itemsTotal = update.itemsTotal { job.itemsTotal = itemsTotal }
        if let result = update.result { job.result = result }
        if let error = update.error { job.error = error }
        return job
    }

    /// Applies `update`, runs `build` and stamps each event it makes with the next sequence numbers and the
    /// envelope of the updated job. Returns the job (its `lastSequence` advanced) and the events to insert (their
    /// `rowID` still 0). The caller stores both in the transaction it is in.
    package func appending(
        _ update: JobUpdate,
        items: [WrittenItem],
        at time: Date,
        build: (JobEventContext) throws -> [Planning_V1_JobEvent]
    ) throws -> (job: JobRecord, events: [JobEventRecord]) {
        if state.isEnded { throw StoreError.failedPrecondition("job \(id) has ended (\(state.rawValue))") }
        var job = try applying(update, at: time)
        let first = job.lastSequence + 1
        let context = JobEventContext(job: job, firstSequence: first, time: time, items: items)
        // The builder sees the sequence the job will have once all of its events are stored; it may not know
        // how many it makes before it runs, so the job's last sequence is set after.
        let drafts = try build(context)
        guard !drafts.isEmpty else { throw StoreError.invalid("an event builder made no event") }
        job.lastSequence = first + Int64(drafts.count) - 1
        var records: [JobEventRecord] = []
        records.reserveCapacity(drafts.count)
        for (offset, draft) in drafts.enumerated() {
            guard let kind = draft.payload?.storeKind else {
                throw StoreError.invalid("a job event must carry a payload")
            }
            if kind == .heartbeat || kind == .serverDraining {
                throw StoreError.invalid("\(kind.rawValue) events are not stored")
            }
            var event = draft
            event.jobID = job.id
            event.sequence = first + Int64(offset)
            event.eventTime = Google_Protobuf_Timestamp(date: time)
            event.state = job.state.proto
            event.step = job.step
            event.percent = job.percent
            event.itemsDone = job.itemsDone
            event.itemsTotal = job.itemsTotal
            let data: Data = try event.serializedBytes()
            records.append(
                JobEventRecord(jobID: job.id, sequence: event.sequence, payloadKind: kind, createTime: time, data: data)
            )
        }
        return (job, records)
    }
}
