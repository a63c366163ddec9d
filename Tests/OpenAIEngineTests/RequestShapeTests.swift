import Foundation
import PlanningEngine
import Testing

@testable import OpenAIEngine

/// What the provider sends: endpoint, headers, model, messages, response format.
struct RequestShapeTests {
    @Test func testMappingRequestAndRankedAnswer() async throws {
        try await EngineFixtures.withEngine(respond: { _, _ in .reply(EngineFixtures.mappingAnswer) }) {
            engine, server in
            let suggestions = try await engine.suggestMappings(
                for: EngineFixtures.balance, among: EngineFixtures.catalog, topK: 5)
            #expect(suggestions.map(\.pdeId) == ["LNS.LOAN.CURR_BAL_AMT", "LNS.LOAN.ORIG_BAL_AMT"])
            #expect(suggestions.first?.confidence == 0.92)
            #expect(suggestions.first?.rationale == "current principal balance")
            // Matched terms come from the lexical ranking of the same PDE.
            #expect(suggestions.first?.matchedTerms.isEmpty == false)

            let request = try #require(server.requests.first)
            #expect(server.requests.count == 1)
            #expect(request.method == "POST")
            #expect(request.uri == "/v1/chat/completions")
            #expect(request.header("Authorization") == "Bearer \(EngineFixtures.secret)")
            #expect(request.header("Content-Type") == "application/json")
            #expect(request["model"] == .string("stub-model"))
            #expect(request["temperature"] == .number(0))
            #expect(request["stream"] == .bool(false))
            #expect(request.messages.map(\.role) == ["system", "user"])
            let user = try #require(request.messages.last?.content)
            #expect(user.contains("Outstanding Balance"))
            #expect(user.contains("LNS.LOAN.CURR_BAL_AMT"))
            // The taxpayer id shares no word with the attribute: not shortlisted, not sent.
            #expect(!user.contains("CIF.CUST.TIN"))

            guard case .object(let format)? = request["response_format"],
                case .object(let jsonSchema)? = format["json_schema"]
            else {
                Issue.record("no response_format.json_schema in \(request.json.jsonText)")
                return
            }
            #expect(format["type"] == .string("json_schema"))
            #expect(jsonSchema["name"] == .string("pde_mappings"))
            #expect(jsonSchema["strict"] == .bool(true))
            // Only shortlisted ids are allowed by the schema.
            #expect(jsonSchema["schema"]?.jsonText.contains("\"enum\":[\"LNS.LOAN.") == true)
            #expect(jsonSchema["schema"]?.jsonText.contains("CIF.CUST.TIN") == false)

            #expect(engine.usage == TokenUsage(promptTokens: 11, completionTokens: 7, requests: 1))
        }
    }

    @Test func testNoAuthorizationHeaderWithoutKey() async throws {
        try await EngineFixtures.withEngine(
            respond: { _, _ in .reply(EngineFixtures.classificationAnswer) },
            configure: { $0.apiKey = nil }
        ) { engine, server in
            _ = try await engine.classify(EngineFixtures.catalog.descriptors[3])
            #expect(server.requests.first?.header("Authorization") == nil)
        }
    }

    @Test(arguments: [OpenAIEngine.ResponseFormat.jsonObject, .instructions])
    func testSchemaInInstructionsWhenNotEnforced(format: OpenAIEngine.ResponseFormat) async throws {
        try await EngineFixtures.withEngine(
            respond: { _, _ in .reply("```json\n" + EngineFixtures.classificationAnswer + "\n```") },
            configure: { $0.responseFormat = format }
        ) { engine, server in
            let classification = try await engine.classify(EngineFixtures.catalog.descriptors[3])
            #expect(classification.securityClass == .restricted)
            let request = try #require(server.requests.first)
            let system = try #require(request.messages.first?.content)
            #expect(system.contains("\"security_class\""))
            switch format {
            case .jsonObject: #expect(request["response_format"] == ["type": "json_object"])
            default: #expect(request["response_format"] == nil)
            }
        }
    }

    @Test(arguments: [
        (OpenAIEngine.SampleValuePolicy.masked, "999-99-9999", true),
        (.omit, "999-99-9999", false),
        (.raw, "123-45-6789", true),
    ])
    func testSampleValuePolicy(policy: OpenAIEngine.SampleValuePolicy, shown: String, present: Bool) async throws {
        try await EngineFixtures.withEngine(
            respond: { _, _ in .reply(EngineFixtures.classificationAnswer) },
            configure: { $0.sampleValuePolicy = policy }
        ) { engine, server in
            let classification = try await engine.classify(EngineFixtures.catalog.descriptors[3])
            #expect(
                classification
                    == PDEClassification(
                        criticality: .high, securityClass: .restricted, containsPersonalData: true,
                        rationale: "taxpayer identification number", rule: "personal.tax-id"))
            let user = try #require(server.requests.first?.messages.last?.content)
            #expect(user.contains(shown) == present)
            if policy != .raw { #expect(!user.contains("123-45-6789")) }
        }
    }

    @Test func testOptionalRequestFields() async throws {
        try await EngineFixtures.withEngine(
            respond: { _, _ in .reply(EngineFixtures.classificationAnswer) },
            configure: {
                $0.maxCompletionTokens = 256
                $0.seed = 7
                $0.additionalHeaders = ["OpenAI-Organization": "org-test"]
                $0.baseURL += "/"
            }
        ) { engine, server in
            _ = try await engine.classify(EngineFixtures.catalog.descriptors[0])
            let request = try #require(server.requests.first)
            #expect(request.uri == "/v1/chat/completions")
            #expect(request["max_tokens"] == .number(256))
            #expect(request["seed"] == .number(7))
            #expect(request.header("OpenAI-Organization") == "org-test")
        }
    }

    @Test func testNoModelCallWhenNothingIsShortlisted() async throws {
        try await EngineFixtures.withEngine(respond: { _, _ in .reply(EngineFixtures.mappingAnswer) }) {
            engine, server in
            let suggestions = try await engine.suggestMappings(
                for: AttributeQuery(name: "Zebra Quux"), among: EngineFixtures.catalog, topK: 3)
            #expect(suggestions.isEmpty)
            #expect(server.requests.isEmpty)
        }
    }
}
