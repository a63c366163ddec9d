public import Foundation
import SwiftProtobuf

/// One stored event of a job: the serialized `planning.v1.JobEvent` and the columns queries need.
public struct JobEventRecord: Sendable, Equatable {
    /// Increasing integer key over all events.
    public var rowID: Int64
    /// The job.
    public var jobID: String
    /// Per-job sequence number, from 1, without gaps.
    public var sequence: Int64
    /// Which payload the event carries.
    public var payloadKind: EventPayloadKind
    /// When the event was stored.
    public var createTime: Date
    /// The serialized `Planning_V1_JobEvent`, exactly the bytes sent to watchers.
    public var data: Data

    /// An event with every field given.
    public init(
        rowID: Int64 = 0, jobID: String, sequence: Int64, payloadKind: EventPayloadKind, createTime: Date,
        data: Data
    ) {
        self.rowID = rowID
        self.jobID = jobID
        self.sequence = sequence
        self.payloadKind = payloadKind
        self.createTime = createTime
        self.data = data
    }

    /// The decoded event.
    public func event() throws -> Planning_V1_JobEvent {
        try Planning_V1_JobEvent(serializedBytes: data)
    }
}
