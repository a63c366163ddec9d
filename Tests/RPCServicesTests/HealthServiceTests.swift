import RPCFraming
import Testing

@testable import RPCServices

@Suite struct HealthServiceTests {
    @Test func testCheckAnswersStatusWhenKnown() throws {
        let provider = HealthProvider(services: ["a.A"])
        provider.setStatus(.notServing, forService: "a.A")
        let overall = try HealthService.check(.with { $0.service = "" }, provider: provider)
        #expect(overall.status == .serving)
        let service = try HealthService.check(.with { $0.service = "a.A" }, provider: provider)
        #expect(service.status == .notServing)
    }

    @Test func testCheckIsNotFoundWhenUnknown() {
        let provider = HealthProvider()
        #expect(throws: RPCError(code: .notFound, message: "unknown service")) {
            try HealthService.check(.with { $0.service = "nobody.Here" }, provider: provider)
        }
    }

    @Test func testListAnswersEveryService() {
        let provider = HealthProvider(services: ["a.A", "b.B"])
        provider.setStatus(.notServing, forService: "b.B")
        let list = HealthService.list(provider: provider)
        #expect(list.statuses.mapValues(\.status) == ["": .serving, "a.A": .serving, "b.B": .notServing])
    }

    @Test func testWatchWritesEachChangeUntilShutdown() async throws {
        let provider = HealthProvider(services: ["a.A"])
        let written = AsyncStream.makeStream(of: Grpc_Health_V1_HealthCheckResponse.ServingStatus.self)
        let watch = Task {
            try await HealthService.watch(.with { $0.service = "a.A" }, provider: provider) { response in
                written.continuation.yield(response.status)
            }
            written.continuation.finish()
        }
        var statuses = written.stream.makeAsyncIterator()
        #expect(await statuses.next() == .serving)
        provider.setStatus(.notServing, forService: "a.A")
        #expect(await statuses.next() == .notServing)
        provider.setStatus(.serving, forService: "a.A")
        #expect(await statuses.next() == .serving)
        provider.beginGracefulShutdown()
        #expect(await statuses.next() == .notServing)
        #expect(await statuses.next() == nil)
        try await watch.value
    }
}
