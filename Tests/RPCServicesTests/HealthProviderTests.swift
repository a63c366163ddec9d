import Testing

@testable import RPCServices

@Suite struct HealthProviderTests {
    @Test func testServerIsServingWhenCreated() {
        let provider = HealthProvider(services: ["a.A"])
        #expect(provider.status(forService: "") == .serving)
        #expect(provider.status(forService: "a.A") == .serving)
        #expect(provider.status(forService: "b.B") == nil)
    }

    @Test func testWatchSendsCurrentThenChangesWhenServing() async {
        let provider = HealthProvider(services: ["a.A"])
        var statuses = provider.watch(service: "a.A").makeAsyncIterator()
        #expect(await statuses.next() == .serving)
        provider.setStatus(.notServing, forService: "a.A")
        #expect(await statuses.next() == .notServing)
        provider.setStatus(.notServing, forService: "a.A")  // no change: nothing sent
        provider.setStatus(.serving, forService: "a.A")
        #expect(await statuses.next() == .serving)
    }

    @Test func testWatchSendsServiceUnknownThenStatusWhenUnknown() async {
        let provider = HealthProvider()
        var statuses = provider.watch(service: "later.Service").makeAsyncIterator()
        #expect(await statuses.next() == .serviceUnknown)
        provider.setStatus(.serving, forService: "later.Service")
        #expect(await statuses.next() == .serving)
    }

    @Test func testWatchEndsAfterNotServingWhenShutdownBegins() async {
        let provider = HealthProvider(services: ["a.A"])
        var overall = provider.watch(service: "").makeAsyncIterator()
        var service = provider.watch(service: "a.A").makeAsyncIterator()
        #expect(await overall.next() == .serving)
        #expect(await service.next() == .serving)
        provider.beginGracefulShutdown()
        #expect(await overall.next() == .notServing)
        #expect(await overall.next() == nil)
        #expect(await service.next() == .notServing)
        #expect(await service.next() == nil)
        #expect(provider.isShuttingDown)
    }

    @Test func testSetStatusIsIgnoredWhenShuttingDown() async {
        let provider = HealthProvider(services: ["a.A"])
        provider.beginGracefulShutdown()
        provider.setStatus(.serving, forService: "a.A")
        provider.setStatus(.serving, forService: "new.Service")
        #expect(provider.statuses == ["": .notServing, "a.A": .notServing])
        // A watch that starts during the drain gets the status and ends at once.
        var statuses = provider.watch(service: "").makeAsyncIterator()
        #expect(await statuses.next() == .notServing)
        #expect(await statuses.next() == nil)
    }

    @Test func testCancelledWatchIsForgotten() async {
        let provider = HealthProvider()
        let watching = Task {
            for await _ in provider.watch(service: "") {}
        }
        watching.cancel()
        await watching.value
        // A change after the watcher left must not reach (or crash on) a finished continuation.
        provider.setStatus(.notServing, forService: "")
        #expect(provider.status(forService: "") == .notServing)
    }
}
