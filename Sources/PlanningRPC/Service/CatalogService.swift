internal import Foundation
internal import RPCFraming
internal import RPCProtobuf
public import RPCServer

/// `planning.v1.CatalogService`: cycles, reports, documents, attributes, PDEs, mappings, classifications.
///
/// Every request is validated before the store sees it: a missing or malformed field is INVALID_ARGUMENT
/// naming the field (AIP-193), an unknown id NOT_FOUND naming what, a duplicate ALREADY_EXISTS.
///
/// Cycles, reports, documents and PDEs are shared by every team. Attributes, mappings and classifications belong to
/// a team (``RecordVisibility``): a caller creates them for its team and sees its team's and the shared ones (an
/// admin sees all); another team's are NOT_FOUND with the message of an unknown id.
public struct CatalogService: RPCService {
    static let serviceName = "planning.v1.CatalogService"
    /// The largest batch `ImportPDEs` takes in one call (one transaction).
    static let maxImportBatch = 10_000
    /// Attribute data types the planning engines produce and understand.
    static let dataTypes: Set<String> = ["date", "amount", "percent", "code", "identifier", "text", "number", "flag"]

    let store: any PlanningStore

    public init(store: any PlanningStore) {
        self.store = store
    }

    public func registerMethods(with router: inout RPCRouter) {
        let store = self.store
        let name = Self.serviceName

        router.registerUnary(service: name, method: "CreateCycle") {
            (request: Request<Planning_V1_CreateCycleRequest>, _) -> Planning_V1_Cycle in
            let cycle = request.message.cycle
            try ServiceErrors.require(cycle.name, "cycle.name")
            return try await ServiceErrors.mapping {
                try await store.createCycle(CycleRecord(name: cycle.name, description: cycle.description_p)).proto
            }
        }

        router.registerUnary(service: name, method: "ListCycles") {
            (request: Request<Planning_V1_ListCyclesRequest>, _) -> Planning_V1_ListCyclesResponse in
            let message = request.message
            let scope = "cycles"
            let page = try Self.page(message.pageSize, message.pageToken, scope: scope)
            return try await ServiceErrors.mapping {
                let result = try await store.listCycles(page: page)
                var response = Planning_V1_ListCyclesResponse()
                response.cycles = result.items.map(\.proto)
                response.nextPageToken = PageToken.encode(result.nextCursor, scope: scope)
                return response
            }
        }

        router.registerUnary(service: name, method: "CreateReport") {
            (request: Request<Planning_V1_CreateReportRequest>, _) -> Planning_V1_Report in
            let message = request.message
            try ServiceErrors.require(message.cycleID, "cycle_id")
            try ServiceErrors.require(message.report.name, "report.name")
            return try await ServiceErrors.mapping {
                let record = ReportRecord(
                    cycleID: message.cycleID,
                    name: message.report.name,
                    description: message.report.description_p
                )
                return try await store.createReport(record).proto
            }
        }

        router.registerUnary(service: name, method: "ListReports") {
            (request: Request<Planning_V1_ListReportsRequest>, _) -> Planning_V1_ListReportsResponse in
            let message = request.message
            try ServiceErrors.require(message.cycleID, "cycle_id")
            let scope = "reports/\(message.cycleID)"
            let page = try Self.page(message.pageSize, message.pageToken, scope: scope)
            return try await ServiceErrors.mapping {
                let result = try await store.listReports(cycleID: message.cycleID, page: page)
                var response = Planning_V1_ListReportsResponse()
                response.reports = result.items.map(\.proto)
                response.nextPageToken = PageToken.encode(result.nextCursor, scope: scope)
                return response
            }
        }

        router.registerUnary(service: name, method: "AddDocument") {
            (request: Request<Planning_V1_AddDocumentRequest>, _) -> Planning_V1_Document in
            let message = request.message
            try ServiceErrors.require(message.reportID, "report_id")
            try ServiceErrors.require(message.document.title, "document.title")
            try ServiceErrors.require(message.document.text, "document.text")
            return try await ServiceErrors.mapping {
                let record = DocumentRecord(
                    reportID: message.reportID,
                    title: message.document.title,
                    text: message.document.text
                )
                return try await store.addDocument(record).proto
            }
        }

        router.registerUnary(service: name, method: "ListDocuments") {
            (request: Request<Planning_V1_ListDocumentsRequest>, _) -> Planning_V1_ListDocumentsResponse in
            let message = request.message
            try ServiceErrors.require(message.reportID, "report_id")
            let scope = "documents/\(message.reportID)/\(message.includeText)"
            let page = try Self.page(message.pageSize, message.pageToken, scope: scope)
            return try await ServiceErrors.mapping {
                let result = try await store.listDocuments(
                    reportID: message.reportID,
                    includeText: message.includeText,
                    page: page
                )
                var response = Planning_V1_ListDocumentsResponse()
                response.documents = result.items.map(\.proto)
                response.nextPageToken = PageToken.encode(result.nextCursor, scope: scope)
                return response
            }
        }

        router.registerUnary(service: name, method: "ImportPDEs") {
            (request: Request<Planning_V1_ImportPDEsRequest>, _) -> Planning_V1_ImportPDEsResponse in
            let pdes = request.message.pdes
            guard !pdes.isEmpty else { throw ServiceErrors.invalidArgument("pdes", "at least one PDE is required") }
            guard pdes.count <= Self.maxImportBatch else {
                throw ServiceErrors.invalidArgument("pdes", "at most \(Self.maxImportBatch) PDEs per call, got \(pdes.count)")
            }
            var seen = Set<String>()
            for (index, pde) in pdes.enumerated() {
                try ServiceErrors.require(pde.system, "pdes[\(index)].system")
                try ServiceErrors.require(pde.table, "pdes[\(index)].table")
                try ServiceErrors.require(pde.column, "pdes[\(index)].column")
                let key = "\(pde.system)\u{0}\(pde.table)\u{0}\(pde.column)"
                guard seen.insert(key).inserted else {
                    throw ServiceErrors.invalidArgument(
                        "pdes[\(index)]",
                        "\(pde.system).\(pde.table).\(pde.column) appears twice in the batch"
                    )
                }
            }
            return try await ServiceErrors.mapping {
                let result = try await store.upsertPDEs(pdes.map(PDERecord.init(proto:)))
                var response = Planning_V1_ImportPDEsResponse()
                response.createdCount = Int32(result.created)
                response.updatedCount = Int32(result.updated)
                response.pdes = result.pdes.map(\.proto)
                return response
            }
        }

        router.registerUnary(service: name, method: "ListPDEs") {
            (request: Request<Planning_V1_ListPDEsRequest>, _) -> Planning_V1_ListPDEsResponse in
            let message = request.message
            let scope = "pdes/\(message.system)"
            let page = try Self.page(message.pageSize, message.pageToken, scope: scope)
            return try await ServiceErrors.mapping {
                let result = try await store.listPDEs(system: message.system.isEmpty ? nil : message.system, page: page)
                var response = Planning_V1_ListPDEsResponse()
                response.pdes = result.items.map(\.proto)
                response.nextPageToken = PageToken.encode(result.nextCursor, scope: scope)
                return response
            }
        }

        router.registerUnary(service: name, method: "CreateAttribute") {
            (request: Request<Planning_V1_CreateAttributeRequest>, context) -> Planning_V1_Attribute in
            let message = request.message
            try ServiceErrors.require(message.reportID, "report_id")
            try ServiceErrors.require(message.attribute.name, "attribute.name")
            let dataType = message.attribute.dataType
            guard dataType.isEmpty || Self.dataTypes.contains(dataType) else {
                throw ServiceErrors.invalidArgument(
                    "attribute.data_type",
                    "'\(dataType)' is not one of \(Self.dataTypes.sorted().joined(separator: ", "))"
                )
            }
            var record = AttributeRecord(proto: message.attribute, reportID: message.reportID)
            record.team = Caller(context: context, metadata: request.metadata).team
            let attribute = record
            return try await ServiceErrors.mapping { try await store.createAttribute(attribute).proto }
        }

        router.registerUnary(service: name, method: "ListAttributes") {
            (request: Request<Planning_V1_ListAttributesRequest>, context) -> Planning_V1_ListAttributesResponse in
            let message = request.message
            try ServiceErrors.require(message.reportID, "report_id")
            let scope = "attributes/\(message.reportID)"
            let page = try Self.page(message.pageSize, message.pageToken, scope: scope)
            let visibility = Caller(context: context, metadata: request.metadata).visibility
            return try await ServiceErrors.mapping {
                let result = try await store.listAttributes(
                    reportID: message.reportID, visibleTo: visibility, page: page)
                var response = Planning_V1_ListAttributesResponse()
                response.attributes = result.items.map(\.proto)
                response.nextPageToken = PageToken.encode(result.nextCursor, scope: scope)
                return response
            }
        }

        router.registerUnary(service: name, method: "ListPDEMappings") {
            (request: Request<Planning_V1_ListPDEMappingsRequest>, context) -> Planning_V1_ListPDEMappingsResponse in
            let message = request.message
            let scope: MappingScope
            switch message.scope {
            case .reportID(let id)?:
                try ServiceErrors.require(id, "report_id")
                scope = .report(id)
            case .attributeID(let id)?:
                try ServiceErrors.require(id, "attribute_id")
                scope = .attribute(id)
            case nil:
                throw ServiceErrors.invalidArgument("scope", "report_id or attribute_id is required")
            }
            let state = try Self.optionalState(message.state)
            let tokenScope = "mappings/\(scope)/\(message.state.rawValue)"
            let page = try Self.page(message.pageSize, message.pageToken, scope: tokenScope)
            let visibility = Caller(context: context, metadata: request.metadata).visibility
            return try await ServiceErrors.mapping {
                let result = try await store.listMappings(scope: scope, state: state, visibleTo: visibility, page: page)
                var response = Planning_V1_ListPDEMappingsResponse()
                response.mappings = result.items.map(\.proto)
                response.nextPageToken = PageToken.encode(result.nextCursor, scope: tokenScope)
                return response
            }
        }

        router.registerUnary(service: name, method: "UpdatePDEMapping") {
            (request: Request<Planning_V1_UpdatePDEMappingRequest>, context) -> Planning_V1_PdeMapping in
            let message = request.message
            try ServiceErrors.require(message.mappingID, "mapping_id")
            let state: MappingState
            switch message.state {
            case .accepted: state = .accepted
            case .rejected: state = .rejected
            default:
                throw ServiceErrors.invalidArgument("state", "must be MAPPING_STATE_ACCEPTED or MAPPING_STATE_REJECTED")
            }
            let visibility = Caller(context: context, metadata: request.metadata).visibility
            return try await ServiceErrors.mapping {
                try await store.updateMappingState(
                    id: message.mappingID,
                    state: state,
                    rationale: message.rationale.isEmpty ? nil : message.rationale,
                    visibleTo: visibility
                ).proto
            }
        }

        router.registerUnary(service: name, method: "ListPDEClassifications") {
            (request: Request<Planning_V1_ListPDEClassificationsRequest>, context)
                -> Planning_V1_ListPDEClassificationsResponse in
            let message = request.message
            let scope = "classifications/\(message.pdeID)"
            let page = try Self.page(message.pageSize, message.pageToken, scope: scope)
            let visibility = Caller(context: context, metadata: request.metadata).visibility
            return try await ServiceErrors.mapping {
                if !message.pdeID.isEmpty {
                    _ = try await store.pde(id: message.pdeID)  // NOT_FOUND for an unknown PDE, not an empty list.
                }
                let result = try await store.listClassifications(
                    pdeID: message.pdeID.isEmpty ? nil : message.pdeID,
                    visibleTo: visibility,
                    page: page
                )
                var response = Planning_V1_ListPDEClassificationsResponse()
                response.classifications = result.items.map(\.proto)
                response.nextPageToken = PageToken.encode(result.nextCursor, scope: scope)
                return response
            }
        }
    }

    /// The page a list request asks for; the token must come from the same list with the same filters.
    static func page(_ size: Int32, _ token: String, scope: String) throws(RPCError) -> PageRequest {
        guard size >= 0 else { throw ServiceErrors.invalidArgument("page_size", "must not be negative") }
        do {
            return PageRequest(size: Int(size), after: try PageToken.decode(token, scope: scope))
        } catch {
            throw ServiceErrors.invalidArgument("page_token", "\(error)")
        }
    }

    static func optionalState(_ state: Planning_V1_MappingState) throws(RPCError) -> MappingState? {
        switch state {
        case .unspecified: return nil
        case .UNRECOGNIZED(let value):
            throw ServiceErrors.invalidArgument("state", "unknown mapping state \(value)")
        default: return MappingState(proto: state)
        }
    }
}
