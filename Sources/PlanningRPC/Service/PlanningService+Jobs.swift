import Foundation
public import RPCFraming
import RPCServer
import SwiftProtobuf

/// The four background operations (validate, submit, stream) and the job API.
extension PlanningService {
    // MARK: Operations

    /// GenerateAttributes: checks the report and that it has documents, submits the job.
    public func startGenerateAttributes(
        _ request: Planning_V1_GenerateAttributesRequest, metadata: Metadata, caller: Caller? = nil
    ) async throws -> JobEventStream
    {
        try Self.checkRequestID(request.requestID)
        let deadline = try Self.jobDeadline(request.hasJobDeadline ? request.jobDeadline : nil)
        let report = try await requireReport(request.reportID)
        let store = store
        let documents = try await ServiceErrors.mapping {
            try await store.listDocuments(reportID: report.id, includeText: false, page: PageRequest(size: 1))
        }
        guard !documents.items.isEmpty else {
            throw RPCError(code: .failedPrecondition, message: "report \(report.id) has no documents to read")
        }
        return try await submit(
            .generateAttributes, request, report: report, metadata: metadata, requestID: request.requestID,
            cancelOnDisconnect: request.cancelOnDisconnect, deadline: deadline,
            caller: caller ?? Caller(metadata: metadata))
    }

    /// AutoMapPDEs: checks the report, submits the job.
    public func startAutoMapPDEs(
        _ request: Planning_V1_AutoMapPDEsRequest, metadata: Metadata, caller: Caller? = nil
    ) async throws -> JobEventStream
    {
        try Self.checkRequestID(request.requestID)
        let deadline = try Self.jobDeadline(request.hasJobDeadline ? request.jobDeadline : nil)
        let report = try await requireReport(request.reportID)
        return try await submit(
            .autoMapPDEs, request, report: report, metadata: metadata, requestID: request.requestID,
            cancelOnDisconnect: request.cancelOnDisconnect, deadline: deadline,
            caller: caller ?? Caller(metadata: metadata))
    }

    /// RegenerateAllPDEMappings: checks the report, submits the job.
    public func startRegenerateAllPDEMappings(
        _ request: Planning_V1_RegenerateAllPDEMappingsRequest, metadata: Metadata, caller: Caller? = nil
    )
        async throws -> JobEventStream
    {
        try Self.checkRequestID(request.requestID)
        let deadline = try Self.jobDeadline(request.hasJobDeadline ? request.jobDeadline : nil)
        let report = try await requireReport(request.reportID)
        return try await submit(
            .regenerateAllPDEMappings, request, report: report, metadata: metadata, requestID: request.requestID,
            cancelOnDisconnect: request.cancelOnDisconnect, deadline: deadline,
            caller: caller ?? Caller(metadata: metadata))
    }

    /// ClassifyPDEs: exactly one of `pde_ids` (each must exist) and `report_id`; submits the job.
    public func startClassifyPDEs(
        _ request: Planning_V1_ClassifyPDEsRequest, metadata: Metadata, caller: Caller? = nil
    ) async throws -> JobEventStream
    {
        try Self.checkRequestID(request.requestID)
        let deadline = try Self.jobDeadline(request.hasJobDeadline ? request.jobDeadline : nil)
        let hasIDs = !request.pdeIds.isEmpty
        let hasReport = !request.reportID.isEmpty
        guard hasIDs != hasReport else {
            throw ServiceErrors.invalidArgument("pde_ids, report_id", "exactly one of them must be set")
        }
        var report: ReportRecord?
        if hasReport {
            report = try await requireReport(request.reportID)
        } else {
            for (index, id) in request.pdeIds.enumerated() {
                try ServiceErrors.require(id, "pde_ids[\(index)]")
            }
            let unique = Array(Set(request.pdeIds))
            let store = store
            var found: Set<String> = []
            for start in stride(from: 0, to: unique.count, by: 500) {
                let chunk = Array(unique[start..<min(start + 500, unique.count)])
                let pdes = try await ServiceErrors.mapping { try await store.pdes(ids: chunk) }
                found.formUnion(pdes.map(\.id))
            }
            if let missing = request.pdeIds.first(where: { !found.contains($0) }) {
                throw RPCError(code: .notFound, message: "pde \(missing) not found")
            }
        }
        return try await submit(
            .classifyPDEs, request, report: report, metadata: metadata, requestID: request.requestID,
            cancelOnDisconnect: request.cancelOnDisconnect, deadline: deadline,
            caller: caller ?? Caller(metadata: metadata))
    }

    private func submit(
        _ kind: JobKind, _ request: some SwiftProtobuf.Message, report: ReportRecord?, metadata: Metadata,
        requestID: String, cancelOnDisconnect: Bool, deadline: Date?, caller: Caller
    ) async throws -> JobEventStream {
        var submission = JobSubmission(
            kind: kind, owner: caller.name, team: caller.team, quotaLimits: caller.limits,
            cycleID: report?.cycleID ?? "",
            reportID: report?.id ?? "", requestID: requestID, request: try request.serializedBytes(),
            cancelOnDisconnect: cancelOnDisconnect, deadline: deadline)
        // The call's own server span when trace export is on (so that the job's span is its child), otherwise what
        // the caller sent.
        submission.trace = TraceContext.current ?? TraceContext(metadata: metadata)
        let jobs = jobs
        let created = try await ServiceErrors.mapping { try await jobs.submit(submission) }
        return JobEventStream(jobID: created.job.id, afterSequence: 0, submitted: created, jobs: jobs)
    }

    // MARK: Job API

    /// WatchJob: checks the job exists; the stream replays after `after_sequence`, then follows.
    public func startWatchJob(
        _ request: Planning_V1_WatchJobRequest, metadata: Metadata, caller: Caller? = nil
    ) async throws -> JobEventStream
    {
        guard request.afterSequence >= 0 else {
            throw ServiceErrors.invalidArgument("after_sequence", "must not be negative")
        }
        let job = try await requireJob(request.jobID, visibleTo: caller ?? Caller(metadata: metadata))
        return JobEventStream(jobID: job.id, afterSequence: request.afterSequence, submitted: nil, jobs: jobs)
    }

    /// GetJob.
    public func getJob(
        _ request: Planning_V1_GetJobRequest, metadata: Metadata, caller: Caller? = nil
    ) async throws -> Planning_V1_Job {
        try await requireJob(request.jobID, visibleTo: caller ?? Caller(metadata: metadata)).proto
    }

    /// ListJobs: filters, newest first, paginated.
    public func listJobs(
        _ request: Planning_V1_ListJobsRequest, metadata: Metadata, caller: Caller? = nil
    ) async throws -> Planning_V1_ListJobsResponse
    {
        var filter = JobFilter()
        filter.cycleID = request.cycleID.isEmpty ? nil : request.cycleID
        filter.reportID = request.reportID.isEmpty ? nil : request.reportID
        filter.owner = request.owner.isEmpty ? nil : request.owner
        let caller = caller ?? Caller(metadata: metadata)
        // Another team's jobs are never listed: an admin lists every team's.
        filter.team = caller.isAdmin ? nil : caller.team
        if request.kind != .unspecified {
            guard let kind = JobKind(proto: request.kind) else {
                throw ServiceErrors.invalidArgument("kind", "unknown value \(request.kind.rawValue)")
            }
            filter.kind = kind
        }
        if request.state != .unspecified {
            guard let state = JobState(proto: request.state) else {
                throw ServiceErrors.invalidArgument("state", "unknown value \(request.state.rawValue)")
            }
            filter.state = state
        }
        guard request.pageSize >= 0 else { throw ServiceErrors.invalidArgument("page_size", "must not be negative") }
        let scope = filter.pageScope
        let cursor: Int64?
        do {
            cursor = try PageToken.decode(request.pageToken, scope: scope)
        } catch {
            throw ServiceErrors.invalidArgument("page_token", error.description)
        }
        let jobs = jobs
        let page = try await ServiceErrors.mapping {
            try await jobs.store.listJobs(
                filter: filter, page: PageRequest(size: Int(request.pageSize), after: cursor))
        }
        var response = Planning_V1_ListJobsResponse()
        response.jobs = page.items.map(\.proto)
        response.nextPageToken = PageToken.encode(page.nextCursor, scope: scope)
        return response
    }

    /// CancelJob: a queued job ends at once, a running one at its next item boundary; returns the job.
    public func cancelJob(
        _ request: Planning_V1_CancelJobRequest, metadata: Metadata, caller: Caller? = nil
    ) async throws -> Planning_V1_Job {
        // Another team's job is NOT_FOUND, exactly as an unknown id, so that ids cannot be probed.
        let id = try await requireJob(request.jobID, visibleTo: caller ?? Caller(metadata: metadata)).id
        let jobs = jobs
        return try await ServiceErrors.mapping { try await jobs.cancel(jobID: id) }.proto
    }
}
