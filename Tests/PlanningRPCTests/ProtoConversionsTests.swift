import Foundation
import PlanningRPC
import SwiftProtobuf
import Testing

@Suite struct ProtoConversionsTests {
    @Test func enumsRoundTripAndUnspecifiedIsNil() {
        for state in MappingState.allCases { #expect(MappingState(proto: state.proto) == state) }
        for value in Criticality.allCases { #expect(Criticality(proto: value.proto) == value) }
        for value in SecurityClass.allCases { #expect(SecurityClass(proto: value.proto) == value) }
        for kind in JobKind.allCases { #expect(JobKind(proto: kind.proto) == kind) }
        for state in JobState.allCases { #expect(JobState(proto: state.proto) == state) }
        #expect(MappingState(proto: .unspecified) == nil)
        #expect(JobKind(proto: .unspecified) == nil)
        #expect(JobState(proto: .UNRECOGNIZED(42)) == nil)
        #expect(JobKind.regenerateAllPDEMappings.proto == .regenerateAllPdeMappings)
        #expect(SecurityClass.restricted.proto == .restricted)
    }

    @Test func recordsToMessages() {
        let time = Date(timeIntervalSince1970: 1_800_000_000.25)
        let pde = PDERecord(
            rowID: 3, id: "pde_1", system: "LOANIQ", table: "FACILITY", column: "COMMIT_AMT", dataType: "DECIMAL",
            description: "Commitment", sampleValues: ["1.00"], createTime: time)
        let mapping = MappingRecord(
            rowID: 4, id: "map_1", attributeID: "att_1", reportID: "rep_1", pdeID: "pde_1", confidence: 0.75,
            rationale: "name match", state: .accepted, jobID: "job_1", createTime: time, pde: pde)
        let message = mapping.proto
        #expect(message.id == "map_1")
        #expect(message.attributeID == "att_1")
        #expect(message.reportID == "rep_1")
        #expect(message.pde.column == "COMMIT_AMT")
        #expect(message.pde.sampleValues == ["1.00"])
        #expect(message.confidence == 0.75)
        #expect(message.state == .accepted)
        #expect(message.jobID == "job_1")
        #expect(message.createTime.seconds == 1_800_000_000)
        #expect(message.createTime.nanos == 250_000_000)

        let job = JobRecord(
            id: "job_1", kind: .classifyPDEs, state: .failed, owner: "alice", reportID: "rep_1", requestID: "r-1",
            step: "classifying", percent: 40, itemsDone: 2, itemsTotal: 5, createTime: time,
            error: JobFailure(code: 4, message: "deadline exceeded"), lastSequence: 7)
        let jobMessage = job.proto
        #expect(jobMessage.kind == .classifyPdes)
        #expect(jobMessage.state == .failed)
        #expect(jobMessage.error.code == 4)
        #expect(jobMessage.outcome == .error(JobFailure(code: 4, message: "deadline exceeded").proto))
        #expect(!jobMessage.hasStartTime)
        #expect(!jobMessage.hasFinishTime)
        #expect(jobMessage.lastSequence == 7)
        #expect(jobMessage.requestID == "r-1")

        let document = DocumentRecord(id: "doc_1", reportID: "rep_1", title: "T", text: "", textSize: 99).proto
        #expect(document.textSize == 99)
        #expect(document.text == "")

        var input = Planning_V1_Attribute()
        input.name = "Exposure"
        input.criticalDataElement = true
        input.id = "ignored"
        let attribute = AttributeRecord(proto: input, reportID: "rep_9")
        #expect(attribute.reportID == "rep_9")
        #expect(attribute.id == "")
        #expect(attribute.isCriticalDataElement)
        // An unstored attribute (streamed without auto_create) has no create time.
        #expect(!attribute.proto.hasCreateTime)
    }

    /// The embedded descriptor set is the committed planning.pb and describes both services.
    @Test func embeddedDescriptorSet() throws {
        let file = ProtoChecksumTests.root.appendingPathComponent("Sources/PlanningRPC/Generated/planning.pb")
        #expect(try Data(contentsOf: file) == PlanningDescriptorSet.data)
        let set = try Google_Protobuf_FileDescriptorSet(serializedBytes: PlanningDescriptorSet.data)
        let names = set.file.map(\.name)
        #expect(names.contains("google/protobuf/timestamp.proto"))
        #expect(names.contains("google/protobuf/duration.proto"))
        #expect(names.contains("planning/v1/common.proto"))
        let services = set.file.flatMap { file in file.service.map { "\(file.package).\($0.name)" } }
        #expect(services.sorted() == ["planning.v1.CatalogService", "planning.v1.PlanningService"])
        let planning = try #require(set.file.first { $0.name == "planning/v1/planning.proto" })
        let methods = try #require(planning.service.first).method
        #expect(methods.filter(\.serverStreaming).map(\.name) == [
            "GenerateAttributes", "AutoMapPDEs", "RegenerateAllPDEMappings", "ClassifyPDEs", "WatchJob",
        ])
    }
}
