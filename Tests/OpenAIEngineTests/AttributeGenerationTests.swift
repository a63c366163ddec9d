import Foundation
import PlanningEngine
import Testing

@testable import OpenAIEngine

/// Documents are chunked and attributes stream out chunk by chunk.
struct AttributeGenerationTests {
    static let document = SourceDocument(
        id: "doc-1",
        title: "FR Y-14Q Schedule H.1",
        text: """
            # Section A: Loan Data

            1. Loan Number: The unique identifier of the loan, as assigned by the servicing system.
            2. Outstanding Balance: The current unpaid principal balance of the loan.

            # Section B: Dates

            3. Maturity Date: The date on which the loan matures.
            4. Loan Number: The loan identifier again, to tie dates to loans.
            """
    )

    /// Answers with one attribute per "N. Name: description" line of the excerpt, section left to the engine.
    static func answer(_ request: StubChatServer.Request) -> String {
        let text = request.messages.last?.content ?? ""
        var items: [JSONValue] = []
        for line in text.split(separator: "\n") {
            guard let match = line.wholeMatch(of: #/(\d+)\. ([^:]+): (.*)/#) else { continue }
            items.append([
                "name": .string(String(match.2)), "description": .string(String(match.3)),
                "data_type": String(match.2).contains("Date") ? "date" : "text",
                "is_critical_data_element": true, "allowable_values": [], "section": .null,
                "field_number": .string(String(match.1)),
            ])
        }
        return JSONValue.object(["attributes": .array(items)]).jsonText
    }

    private static func collect(
        _ stream: AsyncThrowingStream<AttributeGenerationEvent, any Error>
    ) async -> ([AttributeGenerationEvent], (any Error)?) {
        var events: [AttributeGenerationEvent] = []
        do {
            for try await event in stream { events.append(event) }
            return (events, nil)
        } catch {
            return (events, error)
        }
    }

    @Test func testChunksStreamSectionsAndAttributes() async throws {
        try await EngineFixtures.withEngine(
            respond: { request, _ in .reply(Self.answer(request)) },
            configure: { $0.contextBudgetCharacters = 200 }
        ) { engine, server in
            let (events, error) = await Self.collect(engine.generateAttributes(from: [Self.document]))
            #expect(error == nil)
            #expect(server.requests.count == 2)
            let names = events.compactMap { event -> String? in
                switch event {
                case .documentStarted(let id, _, _): "start \(id)"
                case .sectionStarted(_, let section): "section \(section)"
                case .attribute(let attribute): "attribute \(attribute.name) #\(attribute.fieldNumber ?? "-")"
                case .duplicate(let name, _, _): "duplicate \(name)"
                case .documentFinished(_, let count): "finish \(count)"
                }
            }
            #expect(
                names == [
                    "start doc-1", "section Section A: Loan Data", "attribute Loan Number #1",
                    "attribute Outstanding Balance #2", "section Section B: Dates", "attribute Maturity Date #3",
                    "duplicate Loan Number", "finish 3",
                ])
            let attributes = events.compactMap { event -> GeneratedAttribute? in
                if case .attribute(let attribute) = event { return attribute }
                return nil
            }
            #expect(attributes.map(\.documentId) == ["doc-1", "doc-1", "doc-1"])
            #expect(attributes.last?.dataType == .date)
            // Chunks are asked about concurrently: find the first chunk's request by its content.
            let firstUser = try #require(
                server.requests.compactMap { $0.messages.last?.content }.first { $0.contains("Excerpt 1 of 2") })
            #expect(firstUser.contains("Excerpt 1 of 2"))
            #expect(firstUser.contains("FR Y-14Q Schedule H.1"))
            #expect(!firstUser.contains("Maturity Date"))
        }
    }

    @Test(arguments: OpenAIEngine.FailedChunkPolicy.allCases)
    func testInvalidChunkPolicy(policy: OpenAIEngine.FailedChunkPolicy) async throws {
        try await EngineFixtures.withEngine(
            respond: { request, _ in
                // Every try for the second chunk (the retry too) gets the same incomplete answer.
                request.messages.contains { $0.content.contains("Section B") }
                    ? .reply(#"{"attributes": [{"name": "x"}]}"#) : .reply(Self.answer(request))
            },
            configure: {
                $0.contextBudgetCharacters = 200
                $0.failedChunkPolicy = policy
            }
        ) { engine, server in
            let second = SourceDocument(id: "doc-2", title: "", text: "1. Reporting Date: As of date.")
            let (events, error) = await Self.collect(engine.generateAttributes(from: [Self.document, second]))
            let attributeCount = events.filter { if case .attribute = $0 { true } else { false } }.count
            switch policy {
            case .failImmediately:
                #expect(attributeCount == 2)
                #expect(server.requests.count == 3)
            case .failAtEnd, .skip:
                // The failed chunk is skipped; the other document still runs.
                #expect(attributeCount == 3)
                #expect(server.requests.count == 4)
                #expect(events.last == .documentFinished(documentId: "doc-2", attributeCount: 1))
            }
            if policy == .skip {
                #expect(error == nil)
            } else {
                let failure = try #require(error as? OpenAIEngineError)
                #expect(failure.code == .invalidAnswer)
                #expect(failure.message.contains("document 'doc-1' chunk 2 of 2"))
                #expect(
                    failure.message.contains("attributes[0].data_type") || failure.message.contains("attributes[0]"))
            }
        }
    }

    @Test func testTransportFailureEndsTheStream() async throws {
        try await EngineFixtures.withEngine(
            respond: { _, _ in .status(500, body: "down") },
            configure: {
                $0.maxRetries = 1
                $0.chunkConcurrency = 1
            }
        ) { engine, server in
            let (events, error) = await Self.collect(engine.generateAttributes(from: [Self.document]))
            #expect((error as? OpenAIEngineError)?.code == .httpStatus)
            #expect(events == [.documentStarted(documentId: "doc-1", index: 0, count: 1)])
            #expect(server.requests.count == 2)
        }
    }

    @Test func testStoppingIterationCancelsTheWork() async throws {
        try await EngineFixtures.withEngine(respond: { request, _ in
            .delayed(.seconds(10), .reply(Self.answer(request)))
        }) { engine, server in
            let (elapsed, _) = await ContinuousClock.measure {
                for try await event in engine.generateAttributes(from: [Self.document]) {
                    if case .documentStarted = event { break }
                }
            }
            #expect(elapsed < .seconds(9))  // well under the stub's 10 s delay, with room for a loaded machine
            try await Task.sleep(for: .milliseconds(100))
            #expect(server.requests.count <= 2)
        }
    }

    @Test func testChunksRunConcurrentlyAndStayInOrder() async throws {
        let text = (1...4).map { "# Part \($0)\n\n\($0). Field \($0): " + String(repeating: "x", count: 150) }
            .joined(separator: "\n\n")
        try await EngineFixtures.withEngine(
            respond: { request, _ in
                // The first chunk answers last.
                let first = request.messages.last?.content.contains("Part 1") ?? false
                return .delayed(.milliseconds(first ? 500 : 150), .reply(Self.answer(request)))
            },
            configure: {
                $0.contextBudgetCharacters = 200
                $0.chunkConcurrency = 3
            }
        ) { engine, server in
            let document = SourceDocument(id: "long", title: "Long", text: text)
            let (events, error) = await Self.collect(engine.generateAttributes(from: [document]))
            #expect(error == nil)
            let names = events.compactMap { event -> String? in
                if case .attribute(let attribute) = event { return attribute.name }
                return nil
            }
            #expect(names == ["Field 1", "Field 2", "Field 3", "Field 4"])
            #expect(server.requests.count == 4)
            // Chunks overlapped, never more than the window (timing on a loaded machine may keep it at 2).
            #expect((2...3).contains(server.maxInFlight))
        }
    }

    @Test func testEmptyDocumentMakesNoRequest() async throws {
        try await EngineFixtures.withEngine(respond: { request, _ in .reply(Self.answer(request)) }) { engine, server in
            let empty = SourceDocument(id: "empty", title: "", text: "  \n\n ")
            let (events, error) = await Self.collect(engine.generateAttributes(from: [empty]))
            #expect(error == nil)
            #expect(events.count == 2)
            #expect(server.requests.isEmpty)
        }
    }
}
