import Foundation

/// Builders of the payloads of job events; the store fills in each event's envelope (job id, sequence, time,
/// state, step, percent, items) from the job inside the appending transaction.
enum JobEvents {
    /// The first event of a job stream.
    static func accepted(_ job: JobRecord, existing: Bool = false) -> Planning_V1_JobEvent {
        var accepted = Planning_V1_Accepted()
        accepted.job = job.proto
        accepted.existing = existing
        var event = Planning_V1_JobEvent()
        event.accepted = accepted
        return event
    }

    /// Progress only, with an optional detail.
    static func progress(_ message: String = "") -> Planning_V1_JobEvent {
        var progress = Planning_V1_Progress()
        progress.message = message
        var event = Planning_V1_JobEvent()
        event.progress = progress
        return event
    }

    /// An attribute produced by GenerateAttributes.
    static func attributeGenerated(_ attribute: Planning_V1_Attribute, created: Bool) -> Planning_V1_JobEvent {
        var payload = Planning_V1_AttributeGenerated()
        payload.attribute = attribute
        payload.created = created
        var event = Planning_V1_JobEvent()
        event.attributeGenerated = payload
        return event
    }

    /// A mapping stored as suggested.
    static func mappingSuggested(_ mapping: MappingRecord) -> Planning_V1_JobEvent {
        var payload = Planning_V1_MappingSuggested()
        payload.mapping = mapping.proto
        var event = Planning_V1_JobEvent()
        event.mappingSuggested = payload
        return event
    }

    /// A classification stored.
    static func pdeClassified(_ classification: ClassificationRecord) -> Planning_V1_JobEvent {
        var payload = Planning_V1_PdeClassified()
        payload.classification = classification.proto
        var event = Planning_V1_JobEvent()
        event.pdeClassified = payload
        return event
    }

    /// The last event of a job that succeeded.
    static func result(_ summary: JobResultSummary) -> Planning_V1_JobEvent {
        var event = Planning_V1_JobEvent()
        event.result = summary.proto
        return event
    }

    /// The last event of a stream whose server shuts down: `envelope`'s state, step, percent and items, with
    /// `resumeAfter` as its sequence and payload. Not stored, so it is a record with no row.
    static func draining(_ envelope: Planning_V1_JobEvent, jobID: String, resumeAfter: Int64, at time: Date)
        -> JobEventRecord
    {
        var event = envelope
        event.jobID = jobID
        event.sequence = resumeAfter
        event.eventTime = .init(date: time)
        var payload = Planning_V1_ServerDraining()
        payload.resumeAfterSequence = resumeAfter
        event.serverDraining = payload
        let data = (try? event.serializedBytes() as Data) ?? Data()
        return JobEventRecord(
            jobID: jobID, sequence: resumeAfter, payloadKind: .serverDraining, createTime: time, data: data)
    }

    /// The last event of a job that failed or was cancelled.
    static func error(_ failure: JobFailure) -> Planning_V1_JobEvent {
        var event = Planning_V1_JobEvent()
        event.error = failure.proto
        return event
    }
}
