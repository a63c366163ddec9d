import Foundation
import PlanningEngine
import Testing

@testable import OpenAIEngine

/// Retries with backoff on 429, 5xx, timeouts and dropped connections; no retry on other 4xx.
struct RetryTests {
    private let pde = EngineFixtures.catalog.descriptors[0]

    @Test func testRetryAfterIsHonoured() async throws {
        try await EngineFixtures.withEngine(respond: { _, index in
            index == 0
                ? .status(429, body: #"{"error":{"message":"slow down"}}"#, headers: ["Retry-After": "0.4"])
                : .reply(EngineFixtures.classificationAnswer)
        }) { engine, server in
            let (elapsed, result) = await ContinuousClock.measure { try await engine.classify(pde) }
            _ = try result.get()
            #expect(server.requests.count == 2)
            // The backoff alone would be 5 ms; Retry-After asked for 400.
            #expect(elapsed >= .milliseconds(400))
            #expect(engine.usage.requests == 2)
        }
    }

    @Test func testServerErrorThenSuccess() async throws {
        try await EngineFixtures.withEngine(respond: { _, index in
            index == 0 ? .status(503, body: "upstream busy") : .reply(EngineFixtures.classificationAnswer)
        }) { engine, server in
            let classification = try await engine.classify(pde)
            #expect(classification.rule == "personal.tax-id")
            #expect(server.requests.count == 2)
            // The retry is the same request.
            #expect(server.requests[0].body == server.requests[1].body)
        }
    }

    @Test func testServerErrorForeverFailsAfterMaxRetries() async throws {
        try await EngineFixtures.withEngine(
            respond: { _, _ in .status(500, body: #"{"error":"boom"}"#) },
            configure: { $0.maxRetries = 3 }
        ) { engine, server in
            let error = await #expect(throws: OpenAIEngineError.self) { try await engine.classify(pde) }
            #expect(error?.code == .httpStatus)
            #expect(error?.httpStatus == 500)
            #expect(error?.attempts == 4)
            #expect(error?.isItemFailure == false)
            #expect(error?.message.contains("boom") == true)
            #expect(server.requests.count == 4)
        }
    }

    @Test func testClientErrorIsNotRetriedAndKeyIsRedacted() async throws {
        // A server that echoes the key back (some proxies do) must not leak it into the error.
        try await EngineFixtures.withEngine(respond: { request, _ in
            .status(401, body: #"{"error":"bad key \#(request.header("Authorization") ?? "")"}"#)
        }) { engine, server in
            let error = await #expect(throws: OpenAIEngineError.self) { try await engine.classify(pde) }
            #expect(error?.code == .httpStatus)
            #expect(error?.httpStatus == 401)
            #expect(server.requests.count == 1)
            let text = "\(error.map { String(describing: $0) } ?? "") \(error?.message ?? "")"
            #expect(!text.contains(EngineFixtures.secret))
            #expect(text.contains("<redacted>"))
            #expect(text.contains("API key"))
        }
    }

    @Test func testRejectedResponseFormatHint() async throws {
        try await EngineFixtures.withEngine(respond: { _, _ in
            .status(400, body: #"{"error":"unknown field response_format"}"#)
        }) { engine, server in
            let error = await #expect(throws: OpenAIEngineError.self) { try await engine.classify(pde) }
            #expect(error?.message.contains("responseFormat .jsonObject or .instructions") == true)
            #expect(server.requests.count == 1)
        }
    }

    @Test func testDroppedConnectionThenSuccess() async throws {
        try await EngineFixtures.withEngine(respond: { _, index in
            index == 0 ? .dropConnection : .reply(EngineFixtures.classificationAnswer)
        }) { engine, server in
            _ = try await engine.classify(pde)
            #expect(server.requests.count == 2)
        }
    }

    @Test func testDroppedConnectionForever() async throws {
        try await EngineFixtures.withEngine(respond: { _, _ in .dropConnection }) { engine, server in
            let error = await #expect(throws: OpenAIEngineError.self) { try await engine.classify(pde) }
            #expect(error?.code == .transport)
            #expect(error?.attempts == 3)
            #expect(server.requests.count == 3)
            #expect(error?.message.contains(EngineFixtures.secret) == false)
        }
    }

    @Test func testSlowServerTimesOutEachRequest() async throws {
        try await EngineFixtures.withEngine(
            respond: { _, _ in .delayed(.seconds(10), .reply(EngineFixtures.classificationAnswer)) },
            configure: {
                $0.requestTimeout = .milliseconds(400)
                $0.maxRetries = 1
            }
        ) { engine, server in
            let (elapsed, result) = await ContinuousClock.measure { try await engine.classify(pde) }
            let error = try #require(result.failure as? OpenAIEngineError)
            #expect(error.code == .requestTimedOut)
            #expect(error.attempts == 2)
            // On a loaded machine the second request may reach the stub after the client gave up on it.
            try await server.waitForRequests(2, within: .seconds(5))
            #expect(server.requests.count == 2)
            #expect(elapsed >= .milliseconds(800))
            #expect(elapsed < .seconds(9))  // well under the stub's 10 s delay (or 30 s Retry-After), with room for a loaded machine
        }
    }

    @Test func testSlowThenFast() async throws {
        try await EngineFixtures.withEngine(
            respond: { _, index in
                index == 0
                    ? .delayed(.seconds(10), .reply(EngineFixtures.classificationAnswer))
                    : .reply(EngineFixtures.classificationAnswer)
            },
            configure: { $0.requestTimeout = .milliseconds(500) }
        ) { engine, server in
            _ = try await engine.classify(pde)
            #expect(server.requests.count == 2)
        }
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
