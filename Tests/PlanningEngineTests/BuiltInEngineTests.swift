import Testing

@testable import PlanningEngine

struct BuiltInEngineTests {
    let engine = BuiltInEngine()

    @Test func streamReportsProgressAndMergesDuplicatesAcrossDocuments() async throws {
        var events: [AttributeGenerationEvent] = []
        for try await event in engine.generateAttributes(from: SampleData.documents) {
            events.append(event)
        }
        #expect(events.first == .documentStarted(documentId: "doc-h1", index: 0, count: 2))
        #expect(events.last == .documentFinished(documentId: "doc-h1-coll", attributeCount: 4))
        #expect(events.contains(.documentFinished(documentId: "doc-h1", attributeCount: 36)))
        #expect(events.contains(.duplicate(name: "Lien Position", documentId: "doc-h1-coll", section: "Collateral Supplement")))
        let sections = events.compactMap { event -> String? in
            if case .sectionStarted(_, let section) = event { return section }
            return nil
        }
        #expect(sections.count == 5)
        let attributes = try await engine.collectAttributes(from: SampleData.documents)
        #expect(attributes.count == 40)
        #expect(Set(attributes.map { engine.analyzer.normalizedName($0.name) }).count == 40)
    }

    @Test func duplicatesWithinADocumentAreMergedIntoTheFirst() {
        let text = """
            Field 1. Outstanding Balance: The balance.
            | Name | Description | Allowable Values |
            | --- | --- | --- |
            | Outstanding Balances | The unpaid principal balance in dollars, required. | |
            """
        let found = engine.extractAttributes(from: SourceDocument(id: "d", title: "t", text: text))
        #expect(found.count == 1)
        #expect(found[0].name == "Outstanding Balance")
        #expect(found[0].fieldNumber == "1")
        #expect(found[0].description == "The unpaid principal balance in dollars, required.")
        #expect(found[0].isCriticalDataElement)
    }

    @Test func deterministic() async throws {
        let first = try await engine.collectAttributes(from: SampleData.documents)
        let second = try await BuiltInEngine().collectAttributes(from: SampleData.documents)
        #expect(first == second)
        let catalog = engine.makeCatalog(SampleData.pdeCatalog)
        let otherCatalog = BuiltInEngine().makeCatalog(SampleData.pdeCatalog)
        for attribute in first {
            let a = try await engine.suggestMappings(for: AttributeQuery(attribute), among: catalog, topK: 5)
            let b = try await engine.suggestMappings(for: AttributeQuery(attribute), among: otherCatalog, topK: 5)
            #expect(a == b)
        }
    }

    @Test func cancellationStopsTheStream() async throws {
        let documents = (0..<200).map { SourceDocument(id: "doc-\($0)", title: "", text: SampleData.loanScheduleDocument) }
        let task = Task {
            var count = 0
            for try await _ in engine.generateAttributes(from: documents) {
                count += 1
                if count == 5 { withUnsafeCurrentTask { $0?.cancel() } }
            }
            return count
        }
        let result = await task.result
        // Either the iteration ends early (the stream finishes on cancellation) or the producer throws.
        switch result {
        case .success(let count): #expect(count < 200 * 40)
        case .failure(let error): #expect(error is CancellationError)
        }
    }

    @Test func cancelledCallsThrow() async {
        let catalog = engine.makeCatalog(SampleData.pdeCatalog)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await engine.suggestMappings(for: AttributeQuery(name: "Maturity Date"), among: catalog)
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        let classify = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await engine.classify(SampleData.pdeCatalog[0])
        }
        await #expect(throws: CancellationError.self) { try await classify.value }
    }

    @Test func timeoutEndsTheStreamWithAnError() async {
        let documents = (0..<50).map { SourceDocument(id: "doc-\($0)", title: "", text: SampleData.loanScheduleDocument) }
        await #expect(throws: PlanningEngineError.timedOut(.zero)) {
            _ = try await engine.collectAttributes(from: documents, options: EngineCallOptions(timeout: .zero))
        }
    }

    @Test func invalidArguments() async {
        let catalog = engine.makeCatalog(SampleData.pdeCatalog)
        await #expect(throws: PlanningEngineError.self) {
            try await engine.suggestMappings(for: AttributeQuery(name: "Balance"), among: catalog, topK: 0)
        }
        await #expect(throws: PlanningEngineError.self) {
            try await engine.suggestMappings(for: AttributeQuery(name: "  "), among: catalog, topK: 3)
        }
    }

    @Test func suggestionsAreCalibratedAndExplained() async throws {
        let catalog = engine.makeCatalog(SampleData.pdeCatalog)
        let exact = try await engine.suggestMappings(
            for: AttributeQuery(name: "Maturity Date", dataType: .date), among: catalog, topK: 3)
        #expect(exact[0].pdeId == "pde-0008")
        #expect(exact[0].confidence >= 0.85)
        #expect(exact[0].rationale.contains("name terms: maturity (column), date (column)"))
        #expect(exact[0].rationale.contains("type: date~DATE"))
        #expect(exact[0].matchedTerms.starts(with: ["maturity", "date"]))
        #expect(exact.map(\.confidence) == exact.map(\.confidence).sorted(by: >))
        let weak = try await engine.suggestMappings(for: AttributeQuery(name: "Widget Colour Date"), among: catalog)
        #expect(weak.allSatisfy { $0.confidence < 0.5 })
        let none = try await engine.suggestMappings(for: AttributeQuery(name: "Zebra"), among: catalog)
        #expect(none.isEmpty)
        #expect(engine.makeCatalog([]).count == 0)
    }

    @Test func sampleCatalogIdsAreUnique() {
        let ids = SampleData.pdeCatalog.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(ids.count >= 300)
    }
}
