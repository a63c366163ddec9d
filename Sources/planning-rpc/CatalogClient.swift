import PlanningRPC
import RPCClient
import RPCClientProtobuf
import RPCFraming
import SwiftProtobuf

/// One method per CatalogService RPC, over a ``GRPCChannel``.
struct CatalogClient {
    static let service = "/planning.v1.CatalogService/"

    let channel: GRPCChannel
    let metadata: Metadata
    let timeout: Duration

    func close() async {
        await self.channel.close()
    }

    private func call<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        _ method: String,
        _ request: Request
    ) async throws -> Response {
        try await self.channel.unary(
            path: Self.service + method,
            request: request,
            metadata: self.metadata,
            timeout: self.timeout
        )
    }

    func createCycle(_ request: Planning_V1_CreateCycleRequest) async throws -> Planning_V1_Cycle {
        try await self.call("CreateCycle", request)
    }

    func listCycles(_ request: Planning_V1_ListCyclesRequest) async throws -> Planning_V1_ListCyclesResponse {
        try await self.call("ListCycles", request)
    }

    func createReport(_ request: Planning_V1_CreateReportRequest) async throws -> Planning_V1_Report {
        try await self.call("CreateReport", request)
    }

    func listReports(_ request: Planning_V1_ListReportsRequest) async throws -> Planning_V1_ListReportsResponse {
        try await self.call("ListReports", request)
    }

    func addDocument(_ request: Planning_V1_AddDocumentRequest) async throws -> Planning_V1_Document {
        try await self.call("AddDocument", request)
    }

    func listDocuments(_ request: Planning_V1_ListDocumentsRequest) async throws -> Planning_V1_ListDocumentsResponse {
        try await self.call("ListDocuments", request)
    }

    func importPDEs(_ request: Planning_V1_ImportPDEsRequest) async throws -> Planning_V1_ImportPDEsResponse {
        try await self.call("ImportPDEs", request)
    }

    func listPDEs(_ request: Planning_V1_ListPDEsRequest) async throws -> Planning_V1_ListPDEsResponse {
        try await self.call("ListPDEs", request)
    }

    func createAttribute(_ request: Planning_V1_CreateAttributeRequest) async throws -> Planning_V1_Attribute {
        try await self.call("CreateAttribute", request)
    }

    func listAttributes(
        _ request: Planning_V1_ListAttributesRequest
    ) async throws -> Planning_V1_ListAttributesResponse {
        try await self.call("ListAttributes", request)
    }

    func listPDEMappings(
        _ request: Planning_V1_ListPDEMappingsRequest
    ) async throws -> Planning_V1_ListPDEMappingsResponse {
        try await self.call("ListPDEMappings", request)
    }

    func updatePDEMapping(_ request: Planning_V1_UpdatePDEMappingRequest) async throws -> Planning_V1_PdeMapping {
        try await self.call("UpdatePDEMapping", request)
    }

    func listPDEClassifications(
        _ request: Planning_V1_ListPDEClassificationsRequest
    ) async throws -> Planning_V1_ListPDEClassificationsResponse {
        try await self.call("ListPDEClassifications", request)
    }
}
