import Foundation
import PlanningRPC
import RPCFraming
import SwiftProtobuf
import Testing

@testable import WebGateway

struct WebMethodCatalogTests {
    static let readOnly: Set<String> = [
        "/planning.v1.CatalogService/ListCycles", "/planning.v1.CatalogService/ListReports",
        "/planning.v1.CatalogService/ListDocuments", "/planning.v1.CatalogService/ListPDEs",
        "/planning.v1.CatalogService/ListAttributes", "/planning.v1.CatalogService/ListPDEMappings",
        "/planning.v1.CatalogService/ListPDEClassifications", "/planning.v1.PlanningService/SuggestPDEMappings",
        "/planning.v1.PlanningService/GetJob", "/planning.v1.PlanningService/ListJobs",
    ]

    private func catalog() throws -> WebMethodCatalog {
        try WebMethodCatalog(descriptorSets: [PlanningDescriptorSet.data], messageTypes: PlanningMessageTypes.all)
    }

    @Test func everyPlanningMethodIsCatalogued() throws {
        let catalog = try self.catalog()
        #expect(catalog.methodPaths.count == 22)  // 13 in CatalogService, 9 in PlanningService
        let entry = try #require(catalog.entry(for: "/planning.v1.PlanningService/WatchJob"))
        #expect(entry.input.protoMessageName == "planning.v1.WatchJobRequest")
        #expect(entry.output.protoMessageName == "planning.v1.JobEvent")
    }

    @Test func sideEffectFreeMethodsComeFromTheProtosIdempotencyLevel() throws {
        let catalog = try self.catalog()
        #expect(Set(catalog.methodPaths.filter(catalog.hasNoSideEffects)) == Self.readOnly)
        #expect(!catalog.hasNoSideEffects("/bench.Echo/Unary"))
    }

    @Test func aMissingMessageTypeIsNamed() throws {
        let types = PlanningMessageTypes.all.filter { $0.protoMessageName != "planning.v1.JobEvent" }
        #expect {
            try WebMethodCatalog(descriptorSets: [PlanningDescriptorSet.data], messageTypes: types)
        } throws: { error in
            (error as? WebMethodCatalog.MissingMessageType)?.messageType == "planning.v1.JobEvent"
        }
    }

    @Test func jsonRoundTripUsesProto3CanonicalNames() throws {
        let entry = try #require(try self.catalog().entry(for: "/planning.v1.PlanningService/WatchJob"))
        // Both the JSON name and the original field name are accepted; unknown fields are ignored.
        let binary = try entry.requestFromJSON(Array(#"{"jobId":"job_1","after_sequence":"7","extra":1}"#.utf8))
        let request = try Planning_V1_WatchJobRequest(serializedBytes: binary)
        #expect(request.jobID == "job_1" && request.afterSequence == 7)

        var event = Planning_V1_JobEvent()
        event.jobID = "job_1"
        event.sequence = 3
        event.state = .running
        let json = String(decoding: try entry.responseToJSON(try event.serializedBytes()), as: UTF8.self)
        #expect(json == #"{"jobId":"job_1","sequence":"3","state":"JOB_STATE_RUNNING"}"#)
    }

    @Test func badJSONIsInvalidArgument() throws {
        let entry = try #require(try self.catalog().entry(for: "/planning.v1.PlanningService/WatchJob"))
        #expect(throws: RPCError.self) { try entry.requestFromJSON(Array("{oops".utf8)) }
        do {
            _ = try entry.requestFromJSON(Array(#"{"afterSequence":"x"}"#.utf8))
            Issue.record("a string that is not a number was accepted for an int64")
        } catch {
            #expect(error.code == .invalidArgument)
        }
    }
}
