import Foundation
import Logging
import NIOCore
import RPCFraming
import Testing

@testable import TraceExport

/// The exporter against a collector on 127.0.0.1: batching, the interval, retries, timeouts, drops and the flush at
/// shutdown.
@Suite struct TracerTests {
    private func tracer(
        _ collector: TestCollector, configure: (inout TracerConfiguration) -> Void = { _ in }
    ) throws -> Tracer {
        var configuration = TracerConfiguration(endpoint: try OTLPEndpoint(url: "http://127.0.0.1:\(collector.port)"))
        configuration.interval = .seconds(30)
        configuration.initialBackoff = .milliseconds(10)
        configuration.exportTimeout = .seconds(5)
        configure(&configuration)
        let tracer = Tracer(configuration: configuration, logger: Logger(label: "tracer-test"))
        tracer.start()
        return tracer
    }

    private func spanCount(_ request: TestCollector.Request) throws -> Int {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        let resourceSpans = try #require(document["resourceSpans"] as? [[String: Any]])
        let scopeSpans = try #require(resourceSpans.first?["scopeSpans"] as? [[String: Any]])
        return try #require(scopeSpans.first?["spans"] as? [[String: Any]]).count
    }

    /// Polls `condition` until it holds or 10 s have passed: the tracer counts an export once the collector's answer
    /// is back, a moment after the collector has seen the request.
    private func eventually(_ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    private func finish(_ tracer: Tracer, count: Int) {
        for index in 0..<count {
            tracer.end(tracer.startSpan(name: "s\(index)", kind: .internal, parent: nil))
        }
    }

    @Test func aFullBatchIsSentWithoutWaitingForTheInterval() async throws {
        let collector = try await TestCollector()
        let tracer = try self.tracer(collector) { $0.batchSize = 3 }
        self.finish(tracer, count: 2)
        try await Task.sleep(for: .milliseconds(200))
        #expect(collector.requests.isEmpty, "a batch one short of its size waits for the interval")
        self.finish(tracer, count: 1)
        let requests = try await collector.waitForRequests(1)
        #expect(requests.count == 1)
        #expect(try self.spanCount(requests[0]) == 3)
        #expect(requests[0].path == "/v1/traces")
        #expect(requests[0].headers.contains { $0.0.lowercased() == "content-type" && $0.1 == "application/json" })
        await tracer.shutdown(within: .seconds(5))
        try await collector.stop()
    }

    @Test func aPartialBatchIsSentWhenTheIntervalIsUp() async throws {
        let collector = try await TestCollector()
        let tracer = try self.tracer(collector) { $0.interval = .milliseconds(100) }
        self.finish(tracer, count: 1)
        let requests = try await collector.waitForRequests(1)
        #expect(try requests.map(self.spanCount) == [1])
        #expect(try await self.eventually { tracer.exportedSpans == 1 })
        await tracer.shutdown(within: .seconds(5))
        try await collector.stop()
    }

    @Test func moreThanABatchGoesOutInBatches() async throws {
        let collector = try await TestCollector()
        let tracer = try self.tracer(collector) { $0.batchSize = 4 }
        self.finish(tracer, count: 10)
        await tracer.shutdown(within: .seconds(5))
        #expect(try collector.requests.map(self.spanCount) == [4, 4, 2])
        try await collector.stop()
    }

    @Test func retryableAnswersAreRetriedUpToTheLastAttempt() async throws {
        // Two retryable answers, then success: the third and last attempt gets it.
        let collector = try await TestCollector(statuses: [503, 429])
        let tracer = try self.tracer(collector) { $0.batchSize = 1 }
        self.finish(tracer, count: 1)
        let requests = try await collector.waitForRequests(3)
        #expect(requests.count == 3)
        #expect(requests[0].body == requests[2].body)
        #expect(try await self.eventually { tracer.exportedSpans == 1 })
        #expect(tracer.failedSpans == 0)
        await tracer.shutdown(within: .seconds(5))
        try await collector.stop()
    }

    @Test func aBatchIsDroppedAfterItsLastRetryableFailure() async throws {
        // One failure more than the attempts allow: no fourth request, the span is counted as failed.
        let collector = try await TestCollector(statuses: [502, 503, 504, 503])
        let tracer = try self.tracer(collector) { $0.batchSize = 1 }
        self.finish(tracer, count: 1)
        _ = try await collector.waitForRequests(3)
        try await Task.sleep(for: .milliseconds(300))
        #expect(collector.requests.count == 3)
        #expect(try await self.eventually { tracer.failedSpans == 1 })
        #expect(tracer.exportedSpans == 0)
        await tracer.shutdown(within: .seconds(5))
        try await collector.stop()
    }

    @Test(arguments: [400, 401, 404, 500])
    func otherAnswersAreNotRetried(status: Int) async throws {
        let collector = try await TestCollector(statuses: [status])
        let tracer = try self.tracer(collector) { $0.batchSize = 2 }
        self.finish(tracer, count: 2)
        _ = try await collector.waitForRequests(1)
        try await Task.sleep(for: .milliseconds(200))
        #expect(collector.requests.count == 1)
        #expect(try await self.eventually { tracer.failedSpans == 2 })
        await tracer.shutdown(within: .seconds(5))
        try await collector.stop()
    }

    @Test func aSlowCollectorTimesOutAndTheCallPathNeverWaits() async throws {
        let collector = try await TestCollector(delay: .seconds(3))
        let tracer = try self.tracer(collector) { configuration in
            configuration.batchSize = 1
            configuration.queueCapacity = 5
            configuration.exportTimeout = .milliseconds(200)
            configuration.maxAttempts = 1
        }
        let started = ContinuousClock.now
        // One span in flight, five queued, the rest dropped: ending a span costs the same either way.
        self.finish(tracer, count: 100)
        // Waiting for the collector would take 100 × 3 s; the bound only has to tell the two apart.
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(tracer.droppedSpans >= 100 - 5 - 1)
        _ = try await collector.waitForRequests(1)
        #expect(try await self.eventually { tracer.failedSpans >= 1 })
        await tracer.shutdown(within: .milliseconds(300))
        try await collector.stop()
    }

    @Test func aFullQueueDropsAndCountsTheSpanOnePastItsCapacity() async throws {
        let collector = try await TestCollector()
        let tracer = try self.tracer(collector) { configuration in
            configuration.queueCapacity = 3
            configuration.batchSize = 10
        }
        self.finish(tracer, count: 3)
        #expect(tracer.droppedSpans == 0)
        self.finish(tracer, count: 1)
        #expect(tracer.droppedSpans == 1)
        await tracer.shutdown(within: .seconds(5))
        #expect(tracer.exportedSpans == 3)
        try await collector.stop()
    }

    @Test func shutdownFlushesWhatIsQueued() async throws {
        let collector = try await TestCollector()
        let tracer = try self.tracer(collector)
        self.finish(tracer, count: 2)
        await tracer.shutdown(within: .seconds(5))
        #expect(try collector.requests.map(self.spanCount) == [2])
        try await collector.stop()
    }

    @Test func shutdownIsBoundedByItsTimeout() async throws {
        // A collector that answers after a minute: the shutdown returns after its own 300 ms, not the export's 60 s
        // (the bound is loose because a loaded test run can delay any task by seconds).
        let collector = try await TestCollector(delay: .seconds(60))
        let tracer = try self.tracer(collector) { $0.exportTimeout = .seconds(60) }
        self.finish(tracer, count: 1)
        let started = ContinuousClock.now
        await tracer.shutdown(within: .milliseconds(300))
        #expect(ContinuousClock.now - started < .seconds(30))
        try await collector.stop()
    }

    @Test func anUnsampledParentRecordsNothing() async throws {
        let collector = try await TestCollector()
        let tracer = try self.tracer(collector)
        let parent = try #require(TraceContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"))
        tracer.end(tracer.startSpan(name: "s", kind: .server, parent: parent))
        #expect(tracer.queue.count == 0)
        await tracer.shutdown(within: .seconds(5))
        #expect(collector.requests.isEmpty)
        try await collector.stop()
    }

    @Test func aSpanJoinsItsParentsTraceOrStartsANewOne() async throws {
        let collector = try await TestCollector()
        let tracer = try self.tracer(collector)
        let parent = try #require(
            TraceContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", tracestate: "k=v"))
        let child = tracer.startSpan(name: "s", kind: .server, parent: parent)
        #expect(child.traceID == parent.traceID)
        #expect(child.parentSpanID == parent.spanID)
        #expect(child.traceState == "k=v")
        #expect(child.spanID != 0 && Span.hex(child.spanID) != parent.spanID)
        let root = tracer.startSpan(name: "s", kind: .server, parent: nil)
        #expect(root.parentSpanID == nil && root.isSampled)
        #expect(root.traceID.utf8.count == 32 && root.traceID != String(repeating: "0", count: 32))
        #expect(TraceContext(traceparent: root.context.traceparent) != nil)
        await tracer.shutdown(within: .seconds(5))
        try await collector.stop()
    }

    @Test func theHeadersGoWithEveryExport() async throws {
        let collector = try await TestCollector()
        var configuration = TracerConfiguration(
            endpoint: try OTLPEndpoint(url: "http://127.0.0.1:\(collector.port)/p", headers: "authorization=Bearer t"))
        configuration.interval = .seconds(30)
        let tracer = Tracer(configuration: configuration, logger: Logger(label: "tracer-test"))
        tracer.start()
        self.finish(tracer, count: 1)
        await tracer.shutdown(within: .seconds(5))
        let request = try #require(collector.requests.first)
        #expect(request.path == "/p/v1/traces")
        #expect(request.headers.contains { $0.0.lowercased() == "authorization" && $0.1 == "Bearer t" })
        try await collector.stop()
    }
}
