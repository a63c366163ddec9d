import Foundation
import RPCFraming
import SwiftProtobuf

/// The events of one job for one call, ready to run once the response begins: the replay from the stored log,
/// then the live events, until the terminal one.
///
/// For a call that found an existing job by `request_id`, the `accepted` event (sequence 1) is re-issued with
/// `existing = true` and the job as it is now. With `cancel_on_disconnect`, a call that ends (client reset,
/// disconnect, deadline) before the terminal event cancels the job.
public struct JobEventStream: Sendable {
    /// The job being streamed.
    public let jobID: String
    /// The sequence after which events are sent.
    public let afterSequence: Int64
    /// The job when the call attached to it, if this call submitted it.
    public let submitted: CreatedJob?
    let jobs: JobManager

    /// Sends every event to `send`, in order, until the terminal one.
    public func run(_ send: (JobEventRecord) async throws -> Void) async throws {
        do {
            try await jobs.watch(jobID: jobID, after: afterSequence) { record in
                try await send(try reissued(record))
            }
        } catch {
            if let submitted, submitted.job.cancelOnDisconnect, Self.isLossOfStream(error) {
                let jobs = jobs
                let jobID = jobID
                // A task of its own: this one is cancelled, and the cancel must still reach the store.
                _ = try? await JobExecution.shielded { try await jobs.cancel(jobID: jobID) }
            }
            throw ServiceErrors.rpcError(error)
        }
    }

    private func reissued(_ record: JobEventRecord) throws -> JobEventRecord {
        guard let submitted, !submitted.created, record.sequence == 1, record.payloadKind == .accepted else {
            return record
        }
        var event = try record.event()
        event.accepted.existing = true
        event.accepted.job = submitted.job.proto
        var copy = record
        copy.data = try event.serializedBytes()
        return copy
    }

    private static func isLossOfStream(_ error: any Error) -> Bool {
        if error is CancellationError || Task.isCancelled { return true }
        return (error as? RPCError)?.code == .cancelled
    }
}
