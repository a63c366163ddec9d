public import SwiftProtobuf

/// The generated message types of the planning API's methods, for code that maps method names to Swift types (the
/// web gateway's Connect JSON), which the descriptor set alone cannot do.
public enum PlanningMessageTypes {
    /// The request and response types of every method in `Protos/planning/v1`. The web gateway's catalog refuses
    /// to start without one of them, so a method added to the protos without its types here fails at once.
    public static let all: [any SwiftProtobuf.Message.Type] = [
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
}
