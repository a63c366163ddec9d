import PlanningRPC
import RPCClient
import RPCClientProtobuf
import RPCFraming
import SwiftProtobuf

/// One method per PlanningService RPC, over a ``GRPCChannel``.
struct PlanningClient {
    static let service = "/planning.v1.PlanningService/"

    let channel: GRPCChannel
    let metadata: Metadata
    /// Bounds unary calls; a job stream is bounded by `streamTimeout` (nil: as long as the job runs).
    let timeout: Duration
    let streamTimeout: Duration?

    private func call<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        _ method: String,
        _ request: Request
    ) async throws -> Response {
        try await self.channel.unary(path: Self.service + method, request: request, metadata: self.metadata, timeout: self.timeout)
    }

    private func stream<Request: SwiftProtobuf.Message>(
        _ method: String,
        _ request: Request
    ) throws -> MessageStream<Planning_V1_JobEvent> {
        try self.channel.serverStreaming(
            path: Self.service + method,
            request: request,
            metadata: self.metadata,
            timeout: self.streamTimeout
        )
    }

    func generateAttributes(_ request: Planning_V1_GenerateAttributesRequest) throws -> MessageStream<Planning_V1_JobEvent> {
        try self.stream("GenerateAttributes", request)
    }

    func autoMapPDEs(_ request: Planning_V1_AutoMapPDEsRequest) throws -> MessageStream<Planning_V1_JobEvent> {
        try self.stream("AutoMapPDEs", request)
    }

    func regenerateAllPDEMappings(
        _ request: Planning_V1_RegenerateAllPDEMappingsRequest
    ) throws -> MessageStream<Planning_V1_JobEvent> {
        try self.stream("RegenerateAllPDEMappings", request)
    }

    func classifyPDEs(_ request: Planning_V1_ClassifyPDEsRequest) throws -> MessageStream<Planning_V1_JobEvent> {
        try self.stream("ClassifyPDEs", request)
    }

    func watchJob(_ request: Planning_V1_WatchJobRequest) throws -> MessageStream<Planning_V1_JobEvent> {
        try self.stream("WatchJob", request)
    }

    func getJob(_ request: Planning_V1_GetJobRequest) async throws -> Planning_V1_Job {
        try await self.call("GetJob", request)
    }

    func listJobs(_ request: Planning_V1_ListJobsRequest) async throws -> Planning_V1_ListJobsResponse {
        try await self.call("ListJobs", request)
    }

    func cancelJob(_ request: Planning_V1_CancelJobRequest) async throws -> Planning_V1_Job {
        try await self.call("CancelJob", request)
    }

    func suggestPDEMappings(
        _ request: Planning_V1_SuggestPDEMappingsRequest
    ) async throws -> Planning_V1_SuggestPDEMappingsResponse {
        try await self.call("SuggestPDEMappings", request)
    }
}

extension ClientOptions {
    func makePlanningClient() throws -> PlanningClient {
        let catalog = try self.makeClient()
        return PlanningClient(
            channel: catalog.channel,
            metadata: catalog.metadata,
            timeout: catalog.timeout,
            streamTimeout: nil
        )
    }
}
