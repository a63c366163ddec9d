public import Logging
public import PlanningEngine
import RPCFraming
import RPCProtobuf
public import RPCServer
import SwiftProtobuf

/// `planning.v1.PlanningService`: the model-driven operations as durable jobs whose events stream to the caller,
/// the job API (`WatchJob`, `GetJob`, `ListJobs`, `CancelJob`) and the interactive `SuggestPDEMappings`.
///
/// Each handler is also a method (in `PlanningService+*.swift`) that takes the decoded request and the call's
/// metadata, so that it can be called without the transport; the registered handlers only decode, call them
/// and write the events' stored bytes as they are.
public struct PlanningService: RPCService {
    /// The fully qualified service name.
    public static let serviceName = "planning.v1.PlanningService"

    let store: any PlanningStore
    let jobs: JobManager
    let engine: any PlanningEngine
    let logger: Logger

    /// A service over `store`, running its jobs with `jobs` and answering suggestions with `engine`.
    public init(store: any PlanningStore, jobs: JobManager, engine: any PlanningEngine, logger: Logger) {
        self.store = store
        self.jobs = jobs
        self.engine = engine
        self.logger = logger
    }

    public func registerMethods(with router: inout RPCRouter) {
        let name = Self.serviceName
        router.registerUnary(service: name, method: "SuggestPDEMappings") {
            (request: Request<Planning_V1_SuggestPDEMappingsRequest>, context) in
            try await self.suggestPDEMappings(
                request.message, metadata: request.metadata,
                caller: Caller(context: context, metadata: request.metadata))
        }
        router.registerUnary(service: name, method: "GetJob") {
            (request: Request<Planning_V1_GetJobRequest>, context) in
            try await self.getJob(
                request.message, metadata: request.metadata,
                caller: Caller(context: context, metadata: request.metadata))
        }
        router.registerUnary(service: name, method: "ListJobs") {
            (request: Request<Planning_V1_ListJobsRequest>, context) in
            try await self.listJobs(
                request.message, metadata: request.metadata,
                caller: Caller(context: context, metadata: request.metadata))
        }
        router.registerUnary(service: name, method: "CancelJob") {
            (request: Request<Planning_V1_CancelJobRequest>, context) in
            try await self.cancelJob(
                request.message, metadata: request.metadata,
                caller: Caller(context: context, metadata: request.metadata))
        }
        registerEvents(&router, "GenerateAttributes") { (message: Planning_V1_GenerateAttributesRequest, call) in
            try await self.startGenerateAttributes(message, metadata: call.metadata, caller: call.caller)
        }
        registerEvents(&router, "AutoMapPDEs") { (message: Planning_V1_AutoMapPDEsRequest, call) in
            try await self.startAutoMapPDEs(message, metadata: call.metadata, caller: call.caller)
        }
        registerEvents(&router, "RegenerateAllPDEMappings") {
            (message: Planning_V1_RegenerateAllPDEMappingsRequest, call) in
            try await self.startRegenerateAllPDEMappings(message, metadata: call.metadata, caller: call.caller)
        }
        registerEvents(&router, "ClassifyPDEs") { (message: Planning_V1_ClassifyPDEsRequest, call) in
            try await self.startClassifyPDEs(message, metadata: call.metadata, caller: call.caller)
        }
        registerEvents(&router, "WatchJob") { (message: Planning_V1_WatchJobRequest, call) in
            try await self.startWatchJob(message, metadata: call.metadata, caller: call.caller)
        }
    }

    /// Registers a method whose response is a job's events. `start` validates the request and creates (or finds)
    /// the job before the response begins, so that a bad request fails at once with its status; the stream then
    /// carries the stored bytes of each event. Each stream counts against the caller's `watch_streams` quota from
    /// before `start` until it ends.
    private func registerEvents<Input: SwiftProtobuf.Message>(
        _ router: inout RPCRouter, _ method: String,
        start: @escaping @Sendable (Input, (metadata: Metadata, caller: Caller)) async throws -> JobEventStream
    ) {
        let quotas = jobs.quotas
        router.registerServerStreaming(service: Self.serviceName, method: method) { request, context in
            let input: Input = try ProtobufCoding.decode(request.message)
            let caller = Caller(context: context, metadata: request.metadata)
            try quotas.openWatch(for: caller)
            let stream: JobEventStream
            do {
                stream = try await start(input, (request.metadata, caller))
            } catch {
                quotas.closeWatch(principal: caller.name)
                throw error
            }
            // The transport runs the producer once the handler returns, whatever happens to the call.
            return StreamingServerResponse { writer in
                defer { quotas.closeWatch(principal: caller.name) }
                try await stream.run { record in try await writer.write([UInt8](record.data)) }
                return Metadata()
            }
        }
    }
}
