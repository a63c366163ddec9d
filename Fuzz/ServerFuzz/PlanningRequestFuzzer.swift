import PlanningRPC
import SwiftProtobuf

/// libFuzzer target: the protobuf request decoding of every planning RPC and the service's validation of it.
///
/// Input layout:
///   byte 0: the method, an index into ``InMemoryServer/paths`` (modulo its count)
///   byte 1: bit 0: move the clock 30 s on before closing; bit 1: send `grpc-timeout: 5S`
///   rest:   the request message's protobuf bytes; the 20-byte placeholders ``reportPlaceholder`` and
///           ``jobPlaceholder`` are replaced with the ids of the demo report and of a real job (same length, so the
///           protobuf stays well formed), which lets the fuzzer reach past NOT_FOUND
///
/// Properties checked:
///   - decoding as the method's request type either fails or round-trips: decode(encode(m)) == m;
///   - the call through the real transport and handler (decode, validation, store, job submission) ends with a
///     precise status: never UNKNOWN, INTERNAL or DATA_LOSS, and never left running after the connection closes
///     (``InMemoryServer``).
enum PlanningRequestFuzzer {
    static let reportPlaceholder = Array("rep_DEMOREPORT000000".utf8)
    static let jobPlaceholder = Array("job_LASTJOB000000000".utf8)

    /// The request type of each method of ``InMemoryServer/paths``, in the same order.
    static let requestTypes: [any SwiftProtobuf.Message.Type] = [
        Planning_V1_CreateCycleRequest.self, Planning_V1_ListCyclesRequest.self,
        Planning_V1_CreateReportRequest.self, Planning_V1_ListReportsRequest.self,
        Planning_V1_AddDocumentRequest.self, Planning_V1_ListDocumentsRequest.self,
        Planning_V1_ImportPDEsRequest.self, Planning_V1_ListPDEsRequest.self,
        Planning_V1_CreateAttributeRequest.self, Planning_V1_ListAttributesRequest.self,
        Planning_V1_ListPDEMappingsRequest.self, Planning_V1_UpdatePDEMappingRequest.self,
        Planning_V1_ListPDEClassificationsRequest.self,
        Planning_V1_SuggestPDEMappingsRequest.self, Planning_V1_GenerateAttributesRequest.self,
        Planning_V1_AutoMapPDEsRequest.self, Planning_V1_RegenerateAllPDEMappingsRequest.self,
        Planning_V1_ClassifyPDEsRequest.self, Planning_V1_WatchJobRequest.self, Planning_V1_GetJobRequest.self,
        Planning_V1_ListJobsRequest.self, Planning_V1_CancelJobRequest.self,
    ]

    static func run(_ data: [UInt8]) {
        guard data.count >= 2 else { return }
        let server = InMemoryServer.shared
        let index = Int(data[0]) % InMemoryServer.paths.count
        var message = Array(data[2...])
        replace(reportPlaceholder, with: Array(server.demoReportID.utf8), in: &message)
        replace(jobPlaceholder, with: Array(server.demoJobID.utf8), in: &message)

        checkRoundTrip(requestTypes[index], message)

        let extra: [(String, String)] = data[1] & 2 != 0 ? [("grpc-timeout", "5S")] : []
        let bytes = HTTP2Bytes.call(path: InMemoryServer.paths[index], message: message, extra: extra)
        let exchange = server.exchange(bytes, chunkSeed: 0, advanceTime: data[1] & 1 != 0)
        fuzzCheck(exchange.startedCalls == 1, "a well-formed call to a known method was not started")
    }

    private static func checkRoundTrip<Request: SwiftProtobuf.Message>(_ type: Request.Type, _ bytes: [UInt8]) {
        guard let decoded = try? Request(serializedBytes: bytes) else { return }
        let encoded: [UInt8]
        do {
            encoded = try decoded.serializedBytes()
        } catch {
            fuzzCheck(false, "\(Request.protoMessageName) decoded but does not encode: \(error)")
            return
        }
        let again = try? Request(serializedBytes: encoded)
        fuzzCheck(again?.isEqualTo(message: decoded) == true, "\(Request.protoMessageName) does not survive decode(encode(m))")
    }

    private static func replace(_ placeholder: [UInt8], with value: [UInt8], in bytes: inout [UInt8]) {
        guard placeholder.count == value.count, bytes.count >= placeholder.count else { return }
        var index = 0
        while index + placeholder.count <= bytes.count {
            if bytes[index..<index + placeholder.count].elementsEqual(placeholder) {
                bytes.replaceSubrange(index..<index + placeholder.count, with: value)
                index += placeholder.count
            } else {
                index += 1
            }
        }
    }

    /// Valid requests of the method at `index`: the empty message, and a filled one where fields matter.
    static func sampleRequests(for index: Int) -> [[UInt8]] {
        let report = String(decoding: reportPlaceholder, as: UTF8.self)
        let job = String(decoding: jobPlaceholder, as: UTF8.self)
        var filled: (any SwiftProtobuf.Message)?
        switch InMemoryServer.paths[index].split(separator: "/").last! {
        case "CreateCycle":
            filled = Planning_V1_CreateCycleRequest.with { $0.cycle.name = "2027 Q1"; $0.cycle.description_p = "fuzz" }
        case "ListCycles":
            filled = Planning_V1_ListCyclesRequest.with { $0.pageSize = 2 }
        case "CreateReport":
            filled = Planning_V1_CreateReportRequest.with { $0.cycleID = "cyc_0000000000000000"; $0.report.name = "R" }
        case "ListReports", "ListDocuments", "ListAttributes":
            filled = Planning_V1_ListAttributesRequest.with { $0.reportID = report; $0.pageSize = 3 }
        case "AddDocument":
            filled = Planning_V1_AddDocumentRequest.with {
                $0.reportID = report
                $0.document.title = "Instructions"
                $0.document.text = "Report the outstanding balance of each loan as of the end of the quarter."
            }
        case "ImportPDEs":
            filled = Planning_V1_ImportPDEsRequest.with {
                $0.pdes = [.with { $0.system = "LNS"; $0.table = "LOAN"; $0.column = "BAL"; $0.dataType = "decimal" }]
            }
        case "ListPDEs":
            filled = Planning_V1_ListPDEsRequest.with { $0.system = "LNS"; $0.pageSize = 5 }
        case "CreateAttribute":
            filled = Planning_V1_CreateAttributeRequest.with { $0.reportID = report; $0.attribute.name = "Balance" }
        case "ListPDEMappings":
            filled = Planning_V1_ListPDEMappingsRequest.with { $0.reportID = report; $0.pageSize = 4 }
        case "UpdatePDEMapping":
            filled = Planning_V1_UpdatePDEMappingRequest.with { $0.mappingID = "map_0000000000000000" }
        case "ListPDEClassifications":
            filled = Planning_V1_ListPDEClassificationsRequest.with { $0.pdeID = "pde_0000000000000000" }
        case "SuggestPDEMappings":
            filled = Planning_V1_SuggestPDEMappingsRequest.with {
                $0.adHoc.name = "Outstanding Balance"
                $0.topK = 3
            }
        case "GenerateAttributes":
            filled = Planning_V1_GenerateAttributesRequest.with {
                $0.reportID = report
                $0.requestID = "fuzz-1"
                $0.jobDeadline.seconds = 60
            }
        case "AutoMapPDEs":
            filled = Planning_V1_AutoMapPDEsRequest.with { $0.reportID = report; $0.cancelOnDisconnect = true }
        case "RegenerateAllPDEMappings":
            filled = Planning_V1_RegenerateAllPDEMappingsRequest.with { $0.reportID = report }
        case "ClassifyPDEs":
            filled = Planning_V1_ClassifyPDEsRequest.with { $0.reportID = report; $0.cancelOnDisconnect = true }
        case "WatchJob":
            filled = Planning_V1_WatchJobRequest.with { $0.jobID = job; $0.afterSequence = 1 }
        case "GetJob", "CancelJob":
            filled = Planning_V1_GetJobRequest.with { $0.jobID = job }
        case "ListJobs":
            filled = Planning_V1_ListJobsRequest.with { $0.reportID = report; $0.pageSize = 2 }
        default:
            filled = nil
        }
        var samples: [[UInt8]] = [[]]
        if let filled, let bytes: [UInt8] = try? filled.serializedBytes() {
            samples.append(bytes)
        }
        return samples
    }

    /// Seeds: every sample request of every method.
    static func seeds() -> [(String, [UInt8])] {
        var seeds: [(String, [UInt8])] = []
        for index in InMemoryServer.paths.indices {
            let name = InMemoryServer.paths[index].split(separator: "/").last!
            for (variant, message) in sampleRequests(for: index).enumerated() {
                seeds.append(("\(name)-\(variant)", [UInt8(index), variant == 1 ? 2 : 0] + message))
            }
        }
        return seeds
    }
}
