import Foundation
import PlanningEngine
import PlanningRPC
import RPCFraming
import SwiftProtobuf
import Synchronization
import Testing

/// End to end through the handlers, with the built-in engine on the sample data.
@Suite struct PlanningServiceTests {
    struct Fixture {
        let store: SQLiteStore
        let manager: JobManager
        let service: PlanningService
        let report: ReportRecord
    }

    static func withFixture<T>(
        engine: any PlanningEngine = BuiltInEngine(), configuration: JobManager.Configuration = testConfiguration(),
        _ body: (Fixture) async throws -> T
    ) async throws -> T {
        try await withTemporaryStore { store, _ in
            let report = try await makeReport(store)
            for document in SampleData.documents {
                _ = try await store.addDocument(
                    DocumentRecord(reportID: report.id, title: document.title, text: document.text))
            }
            _ = try await store.upsertPDEs(
                SampleData.pdeCatalog.map {
                    PDERecord(
                        system: $0.system, table: $0.table, column: $0.column, dataType: $0.dataType,
                        description: $0.description, sampleValues: $0.sampleValues)
                })
            return try await withJobManager(store: store, engine: engine, configuration: configuration) { manager in
                let service = PlanningService(store: store, jobs: manager, engine: engine, logger: .init(label: "t"))
                return try await body(Fixture(store: store, manager: manager, service: service, report: report))
            }
        }
    }

    static func events(_ stream: JobEventStream) async throws -> [Planning_V1_JobEvent] {
        let events = Mutex<[Planning_V1_JobEvent]>([])
        try await stream.run { record in
            let event = try record.event()
            events.withLock { $0.append(event) }
        }
        return events.withLock { $0 }
    }

    static func metadata(_ user: String = "alice") -> Metadata {
        var metadata = Metadata()
        metadata.add(Principal.metadataKey, user)
        return metadata
    }

    static func expectCode(
        _ code: StatusCode, naming text: String, _ body: () async throws -> Void,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        do {
            try await body()
            Issue.record("expected \(code)", sourceLocation: sourceLocation)
        } catch let error as RPCError {
            #expect(error.code == code, sourceLocation: sourceLocation)
            #expect(error.message.contains(text), "\(error.message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected an RPCError, got \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func generateMapRegenerateClassify() async throws {
        try await Self.withFixture { fixture in
            let service = fixture.service
            let store = fixture.store
            let report = fixture.report

            // GenerateAttributes with auto_create.
            var generate = Planning_V1_GenerateAttributesRequest()
            generate.reportID = report.id
            generate.autoCreate = true
            let generated = try await Self.events(
                try await service.startGenerateAttributes(generate, metadata: Self.metadata()))
            #expect(generated.first?.accepted.job.kind == .generateAttributes)
            #expect(generated.first?.accepted.existing == false)
            let generateResult = try #require(generated.last?.result)
            #expect(generateResult.created > 10)
            let attributeEvents = generated.filter { $0.attributeGenerated.hasAttribute }
            #expect(Int64(attributeEvents.count) == generateResult.generated)
            #expect(
                attributeEvents.allSatisfy {
                    $0.attributeGenerated.created && !$0.attributeGenerated.attribute.id.isEmpty
                })
            let steps = Set(generated.map(\.step))
            #expect(steps.isSuperset(of: ["loading documents", "generating attributes", "writing attributes", "done"]))
            #expect(zip(generated, generated.dropFirst()).allSatisfy { $0.percent <= $1.percent })
            let attributes = try await allPages(size: 500) {
                try await store.listAttributes(reportID: report.id, visibleTo: .all, page: $0)
            }
            #expect(Int64(attributes.count) == generateResult.created)
            #expect(attributes.allSatisfy { $0.jobID == generated[0].jobID })

            // AutoMapPDEs: suggested mappings for the attributes without an accepted one.
            var autoMap = Planning_V1_AutoMapPDEsRequest()
            autoMap.reportID = report.id
            let mapped = try await Self.events(try await service.startAutoMapPDEs(autoMap, metadata: Self.metadata()))
            let mapResult = try #require(mapped.last?.result)
            #expect(mapResult.mapped > Int64(attributes.count) / 2)
            let mappingEvents = mapped.filter { $0.mappingSuggested.hasMapping }
            #expect(Int64(mappingEvents.count) == mapResult.mapped)
            #expect(
                mappingEvents.allSatisfy { $0.mappingSuggested.mapping.pde.id == $0.mappingSuggested.mapping.pdeID })
            let mappings = try await allPages(size: 500) {
                try await store.listMappings(scope: .report(report.id), state: nil, visibleTo: .all, page: $0)
            }
            #expect(Int64(mappings.count) == mapResult.mapped)
            #expect(mappings.allSatisfy { $0.state == .suggested })

            // Accept one mapping and reject another: RegenerateAllPDEMappings keeps both, replaces the rest.
            let accepted = try await store.updateMappingState(id: mappings[0].id, state: .accepted, rationale: nil, visibleTo: .all)
            let rejected = try await store.updateMappingState(id: mappings[1].id, state: .rejected, rationale: nil, visibleTo: .all)
            var regenerate = Planning_V1_RegenerateAllPDEMappingsRequest()
            regenerate.reportID = report.id
            let regenerated = try await Self.events(
                try await service.startRegenerateAllPDEMappings(regenerate, metadata: Self.metadata()))
            let regenerateResult = try #require(regenerated.last?.result)
            #expect(regenerateResult.mapped > 0)
            let after = try await allPages(size: 500) {
                try await store.listMappings(scope: .report(report.id), state: nil, visibleTo: .all, page: $0)
            }
            #expect(try await store.mapping(id: accepted.id, visibleTo: .all).state == .accepted)
            #expect(try await store.mapping(id: rejected.id, visibleTo: .all).state == .rejected)
            let suggestedNow = after.filter { $0.state == .suggested }
            #expect(suggestedNow.allSatisfy { $0.jobID == regenerated[0].jobID })
            #expect(Int64(suggestedNow.count) == regenerateResult.mapped)

            // AutoMap again: the attribute with an accepted mapping is left alone, nothing is duplicated.
            let again = try await Self.events(try await service.startAutoMapPDEs(autoMap, metadata: Self.metadata()))
            #expect(again.last?.result.mapped == 0)
            #expect(again.last?.itemsTotal == Int64(attributes.count - 1))
            #expect(
                try await allPages(size: 500) {
                    try await store.listMappings(scope: .report(report.id), state: nil, visibleTo: .all, page: $0)
                }.count == after.count)

            // ClassifyPDEs over the report's mapped PDEs, then over given ids.
            var classify = Planning_V1_ClassifyPDEsRequest()
            classify.reportID = report.id
            let classified = try await Self.events(
                try await service.startClassifyPDEs(classify, metadata: Self.metadata()))
            let expected = try await store.mappedPDEIDs(reportID: report.id, states: [.suggested, .accepted], visibleTo: .all)
            #expect(classified.last?.result.classified == Int64(expected.count))
            #expect(
                Set(classified.filter { $0.pdeClassified.hasClassification }.map(\.pdeClassified.classification.pdeID))
                    == Set(expected))
            let classifications = try await allPages(size: 500) {
                try await store.listClassifications(pdeID: nil, visibleTo: .all, page: $0)
            }
            #expect(classifications.count == expected.count)

            var byIDs = Planning_V1_ClassifyPDEsRequest()
            let somePDEs = try await store.listPDEs(system: "CUSTMDM", page: PageRequest(size: 5)).items
            byIDs.pdeIds = somePDEs.map(\.id)
            let classifiedByID = try await Self.events(
                try await service.startClassifyPDEs(byIDs, metadata: Self.metadata()))
            #expect(classifiedByID.last?.result.classified == 5)
            #expect(classifiedByID.first?.accepted.job.reportID == "")

            // ListJobs: newest first, filtered, paginated.
            var list = Planning_V1_ListJobsRequest()
            list.reportID = report.id
            let listed = try await service.listJobs(list, metadata: Self.metadata())
            #expect(
                listed.jobs.map(\.kind) == [
                    .classifyPdes, .autoMapPdes, .regenerateAllPdeMappings, .autoMapPdes, .generateAttributes,
                ])
            #expect(listed.jobs.allSatisfy { $0.state == .succeeded && $0.cycleID == report.cycleID })
            list.kind = .autoMapPdes
            list.pageSize = 1
            let firstPage = try await service.listJobs(list, metadata: Self.metadata())
            #expect(firstPage.jobs.count == 1 && !firstPage.nextPageToken.isEmpty)
            list.pageToken = firstPage.nextPageToken
            let secondPage = try await service.listJobs(list, metadata: Self.metadata())
            #expect(secondPage.jobs.count == 1 && secondPage.jobs[0].id != firstPage.jobs[0].id)
            var byOwner = Planning_V1_ListJobsRequest()
            byOwner.owner = "nobody"
            #expect(try await service.listJobs(byOwner, metadata: Self.metadata()).jobs.isEmpty)
            byOwner.owner = "alice"
            byOwner.state = .succeeded
            #expect(try await service.listJobs(byOwner, metadata: Self.metadata()).jobs.count == 6)

            // GetJob and WatchJob of an ended job: the whole log at once.
            var get = Planning_V1_GetJobRequest()
            get.jobID = generated[0].jobID
            let job = try await service.getJob(get, metadata: Self.metadata())
            #expect(job.state == .succeeded && job.lastSequence == Int64(generated.count))
            var watch = Planning_V1_WatchJobRequest()
            watch.jobID = job.id
            watch.afterSequence = 3
            let watched = try await Self.events(try await service.startWatchJob(watch, metadata: Self.metadata()))
            #expect(watched.map(\.sequence) == Array(4...job.lastSequence))
        }
    }

    @Test func firstEventComesAtOnceAndRepeatedRequestIDAttaches() async throws {
        let gate = Gate()
        try await Self.withFixture(engine: GatedEngine(gate: gate)) { fixture in
            var request = Planning_V1_ClassifyPDEsRequest()
            request.pdeIds = try await fixture.store.listPDEs(system: nil, page: PageRequest(size: 3)).items.map(\.id)
            request.requestID = "req-1"
            let clock = ContinuousClock()
            let started = clock.now
            let stream = try await fixture.service.startClassifyPDEs(request, metadata: Self.metadata())
            let firstAt = Mutex<Duration?>(nil)
            let task = Task {
                try await stream.run { _ in
                    firstAt.withLock { if $0 == nil { $0 = clock.now - started } }
                }
            }
            try await waitUntil("the first event") { firstAt.withLock { $0 != nil } }
            let latency = try #require(firstAt.withLock { $0 })
            print("[measure] submit to first event: \(latency)")
            // A loose bound: the figure is printed; under a loaded test run the scheduler dominates it.
            #expect(latency < .seconds(2))

            let again = try await fixture.service.startClassifyPDEs(request, metadata: Self.metadata())
            #expect(again.jobID == stream.jobID)
            gate.open()
            let events = try await Self.events(again)
            #expect(events.first?.sequence == 1)
            #expect(events.first?.accepted.existing == true)
            #expect(events.first?.accepted.job.id == stream.jobID)
            #expect(events.last?.result.classified == 3)
            try await task.value
            let other = try await fixture.service.startClassifyPDEs(request, metadata: Self.metadata("bob"))
            #expect(other.jobID != stream.jobID)
        }
    }

    @Test func cancelOnDisconnectCancelsTheJobAndOtherwiseTheJobGoesOn() async throws {
        let gate = Gate()
        try await Self.withFixture(engine: GatedEngine(gate: gate)) { fixture in
            var request = Planning_V1_ClassifyPDEsRequest()
            request.pdeIds = try await fixture.store.listPDEs(system: nil, page: PageRequest(size: 3)).items.map(\.id)
            for cancelOnDisconnect in [true, false] {
                request.cancelOnDisconnect = cancelOnDisconnect
                let stream = try await fixture.service.startClassifyPDEs(request, metadata: Self.metadata())
                let task = Task { try await stream.run { _ in } }
                try await waitUntil("the job to run") {
                    try await fixture.store.job(id: stream.jobID).state == .running
                }
                task.cancel()
                _ = await task.result
                if cancelOnDisconnect {
                    try await waitUntil("the cancel") { try await fixture.store.job(id: stream.jobID).state.isEnded }
                    #expect(try await fixture.store.job(id: stream.jobID).state == .cancelled)
                } else {
                    try await Task.sleep(for: .milliseconds(50))
                    #expect(try await fixture.store.job(id: stream.jobID).state == .running)
                    gate.open()
                    var watch = Planning_V1_WatchJobRequest()
                    watch.jobID = stream.jobID
                    let events = try await Self.events(
                        try await fixture.service.startWatchJob(watch, metadata: Self.metadata()))
                    #expect(events.last?.result.classified == 3)
                }
            }
        }
    }

    @Test func cancelJobThroughTheService() async throws {
        let gate = Gate()
        try await Self.withFixture(engine: GatedEngine(gate: gate)) { fixture in
            var request = Planning_V1_ClassifyPDEsRequest()
            request.pdeIds = try await fixture.store.listPDEs(system: nil, page: PageRequest(size: 4)).items.map(\.id)
            let stream = try await fixture.service.startClassifyPDEs(request, metadata: Self.metadata())
            gate.release(1)
            try await waitUntil("one item") { try await fixture.store.job(id: stream.jobID).itemsDone == 1 }
            var cancel = Planning_V1_CancelJobRequest()
            cancel.jobID = stream.jobID
            _ = try await fixture.service.cancelJob(cancel, metadata: Self.metadata())
            let events = try await Self.events(stream)
            #expect(events.last?.state == .cancelled)
            #expect(events.last?.error.code == Int32(StatusCode.cancelled.rawValue))
            #expect(events.last?.error.message.contains("1 of 4 items") == true)
        }
    }

    @Test func badRequestsGetPreciseStatuses() async throws {
        try await Self.withFixture { fixture in
            let service = fixture.service
            let metadata = Self.metadata()
            var generate = Planning_V1_GenerateAttributesRequest()
            await Self.expectCode(.invalidArgument, naming: "report_id") {
                _ = try await service.startGenerateAttributes(generate, metadata: metadata)
            }
            generate.reportID = "rep_missing"
            await Self.expectCode(.notFound, naming: "report rep_missing") {
                _ = try await service.startGenerateAttributes(generate, metadata: metadata)
            }
            generate.reportID = fixture.report.id
            generate.jobDeadline = Google_Protobuf_Duration(seconds: -1)
            await Self.expectCode(.invalidArgument, naming: "job_deadline") {
                _ = try await service.startGenerateAttributes(generate, metadata: metadata)
            }
            generate.jobDeadline = Google_Protobuf_Duration(seconds: 60)
            generate.requestID = String(repeating: "x", count: 201)
            await Self.expectCode(.invalidArgument, naming: "request_id") {
                _ = try await service.startGenerateAttributes(generate, metadata: metadata)
            }
            let empty = try await fixture.store.createReport(
                ReportRecord(cycleID: fixture.report.cycleID, name: "Empty"))
            generate.requestID = ""
            generate.reportID = empty.id
            await Self.expectCode(.failedPrecondition, naming: "no documents") {
                _ = try await service.startGenerateAttributes(generate, metadata: metadata)
            }
            await Self.expectCode(.invalidArgument, naming: "report_id") {
                _ = try await service.startAutoMapPDEs(Planning_V1_AutoMapPDEsRequest(), metadata: metadata)
            }
            await Self.expectCode(.invalidArgument, naming: "report_id") {
                _ = try await service.startRegenerateAllPDEMappings(.init(), metadata: metadata)
            }
            var classify = Planning_V1_ClassifyPDEsRequest()
            await Self.expectCode(.invalidArgument, naming: "pde_ids, report_id") {
                _ = try await service.startClassifyPDEs(classify, metadata: metadata)
            }
            classify.reportID = fixture.report.id
            classify.pdeIds = ["pde_x"]
            await Self.expectCode(.invalidArgument, naming: "pde_ids, report_id") {
                _ = try await service.startClassifyPDEs(classify, metadata: metadata)
            }
            classify.reportID = ""
            await Self.expectCode(.notFound, naming: "pde pde_x") {
                _ = try await service.startClassifyPDEs(classify, metadata: metadata)
            }
            classify.pdeIds = [""]
            await Self.expectCode(.invalidArgument, naming: "pde_ids[0]") {
                _ = try await service.startClassifyPDEs(classify, metadata: metadata)
            }
            await Self.expectCode(.invalidArgument, naming: "job_id") {
                _ = try await service.getJob(.init(), metadata: metadata)
            }
            var get = Planning_V1_GetJobRequest()
            get.jobID = "job_missing"
            await Self.expectCode(.notFound, naming: "job job_missing") {
                _ = try await service.getJob(get, metadata: metadata)
            }
            var watch = Planning_V1_WatchJobRequest()
            watch.jobID = "job_missing"
            await Self.expectCode(.notFound, naming: "job job_missing") {
                _ = try await service.startWatchJob(watch, metadata: metadata)
            }
            watch.afterSequence = -1
            await Self.expectCode(.invalidArgument, naming: "after_sequence") {
                _ = try await service.startWatchJob(watch, metadata: metadata)
            }
            var cancel = Planning_V1_CancelJobRequest()
            await Self.expectCode(.invalidArgument, naming: "job_id") {
                _ = try await service.cancelJob(cancel, metadata: metadata)
            }
            cancel.jobID = "job_missing"
            await Self.expectCode(.notFound, naming: "job job_missing") {
                _ = try await service.cancelJob(cancel, metadata: metadata)
            }
            var list = Planning_V1_ListJobsRequest()
            list.pageToken = "garbage"
            await Self.expectCode(.invalidArgument, naming: "page_token") {
                _ = try await service.listJobs(list, metadata: metadata)
            }
            list.pageToken = ""
            list.kind = .UNRECOGNIZED(42)
            await Self.expectCode(.invalidArgument, naming: "kind") {
                _ = try await service.listJobs(list, metadata: metadata)
            }
            list.kind = .unspecified
            list.pageSize = -1
            await Self.expectCode(.invalidArgument, naming: "page_size") {
                _ = try await service.listJobs(list, metadata: metadata)
            }
            var suggest = Planning_V1_SuggestPDEMappingsRequest()
            await Self.expectCode(.invalidArgument, naming: "target") {
                _ = try await service.suggestPDEMappings(suggest, metadata: metadata)
            }
            suggest.attributeID = "att_missing"
            await Self.expectCode(.notFound, naming: "attribute att_missing") {
                _ = try await service.suggestPDEMappings(suggest, metadata: metadata)
            }
            suggest.adHoc = Planning_V1_AdHocAttribute()
            await Self.expectCode(.invalidArgument, naming: "ad_hoc.name") {
                _ = try await service.suggestPDEMappings(suggest, metadata: metadata)
            }
            suggest.adHoc.name = "Outstanding Balance"
            suggest.topK = -1
            await Self.expectCode(.invalidArgument, naming: "top_k") {
                _ = try await service.suggestPDEMappings(suggest, metadata: metadata)
            }
            suggest.topK = 0
            suggest.scope = .report
            await Self.expectCode(.invalidArgument, naming: "report_id") {
                _ = try await service.suggestPDEMappings(suggest, metadata: metadata)
            }
            suggest.reportID = "rep_missing"
            await Self.expectCode(.notFound, naming: "report rep_missing") {
                _ = try await service.suggestPDEMappings(suggest, metadata: metadata)
            }
        }
    }

    @Test func suggestRanksOverTheCatalogOrTheReport() async throws {
        try await Self.withFixture { fixture in
            var suggest = Planning_V1_SuggestPDEMappingsRequest()
            suggest.adHoc.name = "Outstanding Balance"
            suggest.adHoc.description_p = "The unpaid principal balance of the loan at the end of the period."
            let clock = ContinuousClock()
            let cold = clock.now
            let top = try await fixture.service.suggestPDEMappings(suggest, metadata: Self.metadata())
            let coldTime = clock.now - cold
            #expect(top.suggestions.count == 5)
            #expect(zip(top.suggestions, top.suggestions.dropFirst()).allSatisfy { $0.confidence >= $1.confidence })
            #expect(top.suggestions[0].pde.column.uppercased().contains("BAL"))
            let warm = clock.now
            for _ in 0..<20 { _ = try await fixture.service.suggestPDEMappings(suggest, metadata: Self.metadata()) }
            let warmTime = (clock.now - warm) / 20
            print(
                "[measure] SuggestPDEMappings over \(SampleData.pdeCatalog.count) PDEs: first call (index built) "
                    + "\(coldTime), cached \(warmTime)")
            suggest.topK = 500
            #expect(
                try await fixture.service.suggestPDEMappings(suggest, metadata: Self.metadata()).suggestions.count <= 50
            )

            // A new PDE is found without a restart: the cached index is rebuilt.
            _ = try await fixture.store.upsertPDEs([
                PDERecord(system: "NEW", table: "ZEBRA_FACTS", column: "ZEBRA_STRIPE_COUNT", dataType: "INTEGER")
            ])
            var zebra = Planning_V1_SuggestPDEMappingsRequest()
            zebra.adHoc.name = "Zebra stripe count"
            zebra.scope = .catalog
            let found = try await fixture.service.suggestPDEMappings(zebra, metadata: Self.metadata())
            #expect(found.suggestions.first?.pde.column == "ZEBRA_STRIPE_COUNT")

            // REPORT scope: only PDEs already mapped in the report (none yet).
            let attribute = try await fixture.store.createAttribute(
                AttributeRecord(reportID: fixture.report.id, name: "Outstanding Balance"))
            var byAttribute = Planning_V1_SuggestPDEMappingsRequest()
            byAttribute.attributeID = attribute.id
            #expect(
                try await fixture.service.suggestPDEMappings(byAttribute, metadata: Self.metadata()).suggestions.isEmpty
            )
            _ = try await fixture.store.createMapping(
                MappingRecord(attributeID: attribute.id, pdeID: top.suggestions[1].pde.id, confidence: 0.5))
            let scoped = try await fixture.service.suggestPDEMappings(byAttribute, metadata: Self.metadata())
            #expect(scoped.suggestions.map(\.pde.id) == [top.suggestions[1].pde.id])
            byAttribute.scope = .catalog
            #expect(
                try await fixture.service.suggestPDEMappings(byAttribute, metadata: Self.metadata()).suggestions.count
                    == 5)
        }
    }
}
