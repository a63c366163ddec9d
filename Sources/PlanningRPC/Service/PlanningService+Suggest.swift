import Foundation
import PlanningEngine
public import RPCFraming

extension PlanningService {
    /// Suggestions returned when the request asks for none in particular.
    static let defaultTopK = 5
    /// The most suggestions returned.
    static let maxTopK = 50

    /// SuggestPDEMappings: ranks PDEs for a stored or an ad hoc attribute, over the whole catalog or the PDEs
    /// already mapped in the report (by the mappings the caller sees). Stores nothing.
    public func suggestPDEMappings(
        _ request: Planning_V1_SuggestPDEMappingsRequest, metadata: Metadata, caller: Caller? = nil
    ) async throws -> Planning_V1_SuggestPDEMappingsResponse {
        let visibility = (caller ?? Caller(metadata: metadata)).visibility
        guard request.topK >= 0 else { throw ServiceErrors.invalidArgument("top_k", "must not be negative") }
        let topK = request.topK == 0 ? Self.defaultTopK : min(Int(request.topK), Self.maxTopK)
        let store = store
        let query: AttributeQuery
        var reportID = request.reportID
        switch request.target {
        case .attributeID(let id)?:
            try ServiceErrors.require(id, "attribute_id")
            let attribute = try await ServiceErrors.mapping { try await store.attribute(id: id, visibleTo: visibility) }
            query = AttributeQuery(
                name: attribute.name, description: attribute.description,
                dataType: AttributeDataType(rawValue: attribute.dataType))
            if reportID.isEmpty { reportID = attribute.reportID }
        case .adHoc(let adHoc)?:
            try ServiceErrors.require(adHoc.name, "ad_hoc.name")
            query = AttributeQuery(name: adHoc.name, description: adHoc.description_p)
        case nil:
            throw ServiceErrors.invalidArgument("target", "one of attribute_id and ad_hoc is required")
        }
        if !request.reportID.isEmpty { _ = try await requireReport(request.reportID) }

        let catalog: PDECatalog
        switch request.scope {
        case .catalog:
            catalog = try await ServiceErrors.mapping { try await jobs.catalogs.catalog() }
        case .report, .unspecified:
            if reportID.isEmpty {
                guard request.scope == .unspecified else {
                    throw ServiceErrors.invalidArgument("report_id", "is required for REPORT scope with ad_hoc")
                }
                catalog = try await ServiceErrors.mapping { try await jobs.catalogs.catalog() }
            } else {
                let id = reportID
                let pdes = try await ServiceErrors.mapping {
                    try await store.pdes(
                        ids: try await store.mappedPDEIDs(
                            reportID: id, states: [.suggested, .accepted], visibleTo: visibility))
                }
                catalog = jobs.catalogs.makeCatalog(pdes)
            }
        case .UNRECOGNIZED(let value):
            throw ServiceErrors.invalidArgument("scope", "unknown value \(value)")
        }
        guard catalog.count > 0 else { return Planning_V1_SuggestPDEMappingsResponse() }

        let suggestions: [MappingSuggestion]
        do {
            suggestions = try await engine.suggestMappings(for: query, among: catalog, topK: topK, options: .defaults)
        } catch PlanningEngineError.invalidArgument(let message) {
            throw RPCError(code: .invalidArgument, message: message)
        } catch PlanningEngineError.timedOut {
            throw RPCError(code: .deadlineExceeded, message: "the model did not answer in time")
        }
        let records = try await ServiceErrors.mapping { try await store.pdes(ids: suggestions.map(\.pdeId)) }
        let byID = Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var response = Planning_V1_SuggestPDEMappingsResponse()
        response.suggestions = suggestions.compactMap { suggestion in
            guard let pde = byID[suggestion.pdeId] else { return nil }
            var message = Planning_V1_PdeSuggestion()
            message.pde = pde.proto
            message.confidence = suggestion.confidence
            message.rationale = suggestion.rationale
            return message
        }
        return response
    }
}
