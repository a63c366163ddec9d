import Foundation
import PlanningEngine
import Testing

@testable import OpenAIEngine

/// Invalid answers are sent back once with the reason, then the item fails with a typed error.
struct AnswerValidationTests {
    @Test func testInvalidJSONThenValidOnRetry() async throws {
        try await EngineFixtures.withEngine(respond: { _, index in
            index == 0 ? .reply("Sure! Here are the mappings: none") : .reply(EngineFixtures.mappingAnswer)
        }) { engine, server in
            let suggestions = try await engine.suggestMappings(
                for: EngineFixtures.balance, among: EngineFixtures.catalog, topK: 1)
            #expect(suggestions.map(\.pdeId) == ["LNS.LOAN.CURR_BAL_AMT"])
            #expect(server.requests.count == 2)
            let retry = server.requests[1].messages
            #expect(retry.map(\.role) == ["system", "user", "assistant", "user"])
            #expect(retry[2].content == "Sure! Here are the mappings: none")
            #expect(retry[3].content.contains("not a JSON object"))
            #expect(engine.usage.requests == 2)
            #expect(engine.usage.promptTokens == 22)
        }
    }

    @Test(arguments: [
        (#"{"suggestions": [{"pde_id": "NOPE.X", "confidence": 0.5, "rationale": "r"}]}"#, "NOPE.X"),
        (
            #"{"suggestions": [{"pde_id": "LNS.LOAN.ORIG_BAL_AMT", "confidence": 1.5, "rationale": "r"}]}"#,
            "out of range"
        ),
        (#"{"suggestions": [{"pde_id": "LNS.LOAN.ORIG_BAL_AMT", "confidence": 0.5}]}"#, "suggestions[0].rationale"),
        (#"{"choices": []}"#, "missing required field suggestions"),
        (#"{"suggestions": [{"pde_id": "LNS.LOAN.ORIG_BAL_AMT", "confidence": "high", "rationale": "r"}]}"#, "number"),
    ])
    func testInvalidMappingAnswerFailsAfterOneRetry(answer: String, reason: String) async throws {
        try await EngineFixtures.withEngine(respond: { _, _ in .reply(answer) }) { engine, server in
            let error = await #expect(throws: OpenAIEngineError.self) {
                try await engine.suggestMappings(for: EngineFixtures.balance, among: EngineFixtures.catalog, topK: 3)
            }
            #expect(error?.code == .invalidAnswer)
            #expect(error?.isItemFailure == true)
            #expect(error?.message.contains("mapping of 'Outstanding Balance'") == true)
            #expect(error?.message.contains(reason) == true, "\(error?.message ?? "")")
            #expect(error?.attempts == 2)
            #expect(server.requests.count == 2)
            #expect(server.requests[1].messages.last?.content.contains(reason) == true)
        }
    }

    @Test func testInvalidClassificationValues() async throws {
        let answer =
            #"{"criticality": "extreme", "security_class": "restricted", "contains_personal_data": true, "#
            + #""rationale": "r", "rule": "x"}"#
        try await EngineFixtures.withEngine(
            respond: { _, _ in .reply(answer) },
            configure: { $0.invalidAnswerRetries = 0 }
        ) { engine, server in
            let error = await #expect(throws: OpenAIEngineError.self) {
                try await engine.classify(EngineFixtures.catalog.descriptors[0])
            }
            #expect(error?.message.contains("criticality is 'extreme', not one of: low, medium, high") == true)
            #expect(server.requests.count == 1)
        }
    }

    @Test func testRefusalFailsTheItem() async throws {
        let body =
            #"{"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":null,"#
            + #""refusal":"I cannot help with that."}}]}"#
        try await EngineFixtures.withEngine(respond: { _, _ in .status(200, body: body) }) { engine, _ in
            let error = await #expect(throws: OpenAIEngineError.self) {
                try await engine.classify(EngineFixtures.catalog.descriptors[0])
            }
            #expect(error?.code == .incompleteAnswer)
            #expect(error?.message.contains("I cannot help with that.") == true)
        }
    }

    @Test func testNotAChatCompletionResponse() async throws {
        try await EngineFixtures.withEngine(respond: { _, _ in .status(200, body: "<html>proxy</html>") }) {
            engine, server in
            let error = await #expect(throws: OpenAIEngineError.self) {
                try await engine.classify(EngineFixtures.catalog.descriptors[0])
            }
            #expect(error?.code == .malformedResponse)
            #expect(error?.message.contains("<html>proxy</html>") == true)
            #expect(server.requests.count == 1)
        }
    }

    @Test func testAnswerReaderToleratesThinkingAndFences() throws {
        let reader = try AnswerReader.parse("<think>{not this}</think>\n```json\n{\"a\": \"b\"}\n```")
        #expect(try reader.string("a") == "b")
    }
}
