import Foundation
import PlanningEngine
import Testing

@testable import OpenAIEngine

/// The call's timeout, task cancellation and the shared concurrency limit.
struct CancellationTests {
    private let pde = EngineFixtures.catalog.descriptors[0]

    @Test func testCallTimeoutStopsASlowRequest() async throws {
        try await EngineFixtures.withEngine(respond: { _, _ in
            .delayed(.seconds(10), .reply(EngineFixtures.classificationAnswer))
        }) { engine, server in
            let (elapsed, result) = await ContinuousClock.measure {
                try await engine.classify(pde, options: EngineCallOptions(timeout: .milliseconds(300)))
            }
            #expect(result.failure as? PlanningEngineError == .timedOut(.milliseconds(300)))
            #expect(elapsed < .seconds(9))  // well under the stub's 10 s delay (or 30 s Retry-After), with room for a loaded machine
            // One attempt, no retry after the call's time is up (it may be cut off before it arrives).
            try await Task.sleep(for: .milliseconds(200))
            #expect(server.requests.count <= 1)
        }
    }

    @Test func testCallTimeoutCutsBackoffShort() async throws {
        try await EngineFixtures.withEngine(
            respond: { _, _ in .status(429, body: "", headers: ["Retry-After": "30"]) },
            configure: { $0.maxRetryAfter = .seconds(30) }
        ) { engine, _ in
            let (elapsed, result) = await ContinuousClock.measure {
                try await engine.classify(pde, options: EngineCallOptions(timeout: .milliseconds(300)))
            }
            #expect(result.failure as? PlanningEngineError == .timedOut(.milliseconds(300)))
            #expect(elapsed < .seconds(9))  // well under the stub's 10 s delay (or 30 s Retry-After), with room for a loaded machine
        }
    }

    @Test func testCancellationCancelsTheRequest() async throws {
        try await EngineFixtures.withEngine(respond: { _, _ in
            .delayed(.seconds(10), .reply(EngineFixtures.classificationAnswer))
        }) { engine, server in
            let pde = pde
            let task = Task { try await engine.classify(pde) }
            try await server.waitForRequests(1, within: .seconds(5))
            #expect(server.closedConnections == 0)
            let (elapsed, result) = await ContinuousClock.measure {
                task.cancel()
                return try await task.value
            }
            #expect(result.failure is CancellationError)
            #expect(elapsed < .seconds(9))  // well under the stub's 10 s delay (or 30 s Retry-After), with room for a loaded machine
            #expect(server.requests.count == 1)
            // The stub would answer after 10 s: a closed connection now means the request was cancelled.
            try await server.waitForClosedConnections(1, within: .seconds(5))
            #expect(server.closedConnections == 1)
        }
    }

    @Test func testCancellationWhileWaitingForAPermit() async throws {
        try await EngineFixtures.withEngine(
            respond: { _, _ in .delayed(.milliseconds(600), .reply(EngineFixtures.classificationAnswer)) },
            configure: { $0.maxConcurrentRequests = 1 }
        ) { engine, server in
            let pde = pde
            let first = Task { try await engine.classify(pde) }
            try await server.waitForRequests(1, within: .seconds(5))
            let second = Task { try await engine.classify(pde) }
            try await Task.sleep(for: .milliseconds(50))
            second.cancel()
            await #expect(throws: CancellationError.self) { try await second.value }
            _ = try await first.value
            #expect(server.requests.count == 1)
        }
    }

    @Test func testConcurrencyLimitIsSharedByAllCalls() async throws {
        try await EngineFixtures.withEngine(
            respond: { _, _ in .delayed(.milliseconds(150), .reply(EngineFixtures.classificationAnswer)) },
            configure: { $0.maxConcurrentRequests = 2 }
        ) { engine, server in
            let pde = pde
            try await withThrowingTaskGroup(of: PDEClassification.self) { group in
                for _ in 0..<6 { group.addTask { try await engine.classify(pde) } }
                for try await _ in group {}
            }
            #expect(server.requests.count == 6)
            #expect(server.maxInFlight == 2)
            #expect(engine.usage.requests == 6)
        }
    }

    @Test func testUsageMeasuredPerScope() async throws {
        try await EngineFixtures.withEngine(respond: { _, _ in .reply(EngineFixtures.classificationAnswer) }) {
            engine, _ in
            let pde = pde
            _ = try await engine.classify(pde)
            let (_, usage) = try await OpenAIEngine.measuringUsage {
                _ = try await engine.classify(pde)
                _ = try await engine.classify(pde)
            }
            #expect(usage == TokenUsage(promptTokens: 22, completionTokens: 14, requests: 2))
            #expect(engine.usage.requests == 3)
            #expect(engine.usage.totalTokens == 54)
        }
    }
}
