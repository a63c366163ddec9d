import Logging
import PlanningRPC
import RPCServer
import SwiftProtobuf
import WebGateway

/// The web listener's wiring: the planning API's descriptor set and message types, so that Connect's JSON and GET
/// work for every planning method (the bench and the standard gRPC services are served in binary only).
extension Surface {
    /// The request and response types of every method in `Protos/planning/v1`; the catalog refuses to start
    /// without one of them, so a method added to the protos without its types here fails every test at once.
    static let planningMessageTypes: [any SwiftProtobuf.Message.Type] = [
        Planning_V1_CreateCycleRequest.self, Planning_V1_Cycle.self,
        Planning_V1_ListCyclesRequest.self, Planning_V1_ListCyclesResponse.self,
        Planning_V1_CreateReportRequest.self, Planning_V1_Report.self,
        Planning_V1_ListReportsRequest.self, Planning_V1_ListReportsResponse.self,
        Planning_V1_AddDocumentRequest.self, Planning_V1_Document.self,
        Planning_V1_ListDocumentsRequest.self, Planning_V1_ListDocumentsResponse.self,
        Planning_V1_ImportPDEsRequest.self, Planning_V1_ImportPDEsResponse.self,
        Planning_V1_ListPDEsRequest.self, Planning_V1_ListPDEsResponse.self,
        Planning_V1_CreateAttributeRequest.self, Planning_V1_Attribute.self,
        Planning_V1_ListAttributesRequest.self, Planning_V1_ListAttributesResponse.self,
        Planning_V1_ListPDEMappingsRequest.self, Planning_V1_ListPDEMappingsResponse.self,
        Planning_V1_UpdatePDEMappingRequest.self, Planning_V1_PdeMapping.self,
        Planning_V1_ListPDEClassificationsRequest.self, Planning_V1_ListPDEClassificationsResponse.self,
        Planning_V1_SuggestPDEMappingsRequest.self, Planning_V1_SuggestPDEMappingsResponse.self,
        Planning_V1_GenerateAttributesRequest.self, Planning_V1_AutoMapPDEsRequest.self,
        Planning_V1_RegenerateAllPDEMappingsRequest.self, Planning_V1_ClassifyPDEsRequest.self,
        Planning_V1_WatchJobRequest.self, Planning_V1_JobEvent.self,
        Planning_V1_GetJobRequest.self, Planning_V1_Job.self,
        Planning_V1_ListJobsRequest.self, Planning_V1_ListJobsResponse.self,
        Planning_V1_CancelJobRequest.self,
    ]

    func webGateway(configuration: WebGatewayConfiguration, router: RPCRouter, logger: Logger) throws -> WebGateway {
        let catalog = try WebMethodCatalog(
            descriptorSets: [PlanningDescriptorSet.data],
            messageTypes: Self.planningMessageTypes
        )
        return WebGateway(configuration: configuration, router: router, catalog: catalog, logger: logger)
    }
}
