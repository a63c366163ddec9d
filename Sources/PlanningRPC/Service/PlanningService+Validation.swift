import Foundation
import RPCFraming
import SwiftProtobuf

/// Request checks shared by the handlers: every bad input gets INVALID_ARGUMENT naming the field, or
/// NOT_FOUND naming the record, before any work starts.
extension PlanningService {
    /// The longest `request_id` accepted.
    static let maxRequestIDLength = 200

    /// The report named by a required field.
    func requireReport(_ id: String, field: String = "report_id") async throws -> ReportRecord {
        try ServiceErrors.require(id, field)
        let store = store
        return try await ServiceErrors.mapping { try await store.report(id: id) }
    }

    /// The job named by a required field.
    func requireJob(_ id: String, field: String = "job_id") async throws -> JobRecord {
        try ServiceErrors.require(id, field)
        let jobs = jobs
        return try await ServiceErrors.mapping { try await jobs.store.job(id: id) }
    }

    /// The job, if `caller` may see it; another team's job fails exactly as an unknown id (NOT_FOUND, same
    /// message), so that a caller cannot tell one from the other.
    func requireJob(_ id: String, visibleTo caller: Caller, field: String = "job_id") async throws -> JobRecord {
        let job = try await requireJob(id, field: field)
        guard caller.canSee(job) else { throw ServiceErrors.rpcError(StoreError.notFound(what: "job", id: id)) }
        return job
    }

    /// The absolute deadline of a `job_deadline` field: nil when unset or zero (the server default).
    static func jobDeadline(_ duration: Google_Protobuf_Duration?, field: String = "job_deadline") throws(RPCError)
        -> Date?
    {
        guard let duration else { return nil }
        guard duration.seconds >= 0, duration.nanos >= 0, duration.nanos < 1_000_000_000 else {
            throw ServiceErrors.invalidArgument(field, "must be a positive duration")
        }
        guard duration.seconds <= 315_576_000_000 else { throw ServiceErrors.invalidArgument(field, "is too long") }
        let seconds = Double(duration.seconds) + Double(duration.nanos) / 1e9
        return seconds == 0 ? nil : Date().addingTimeInterval(seconds)
    }

    /// Checks an idempotency key.
    static func checkRequestID(_ requestID: String) throws(RPCError) {
        guard requestID.count <= maxRequestIDLength else {
            throw ServiceErrors.invalidArgument("request_id", "is longer than \(maxRequestIDLength) characters")
        }
    }
}
