import NIOCore
import NIOEmbedded
import NIOHTTP1
import Prometheus
import Synchronization
import Testing

@testable import AdminServer

@Suite struct AdminHTTPHandlerTests {
    /// Sends one request through the admin pipeline and returns the response head and body.
    static func get(
        _ uri: String,
        method: HTTPMethod = .GET,
        endpoints: AdminServer.Endpoints
    ) async throws -> (head: HTTPResponseHead, body: String) {
        // The async testing channel: /metrics answers from a task that hops back to the channel's loop.
        let channel = NIOAsyncTestingChannel()
        try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(AdminHTTPHandler(endpoints: endpoints))
        }.get()
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: uri)
        try await channel.writeInbound(HTTPServerRequestPart.head(head))
        try await channel.writeInbound(HTTPServerRequestPart.end(nil))
        guard case .head(let responseHead) = try await channel.waitForOutboundWrite(as: HTTPServerResponsePart.self)
        else {
            throw HTTPParserError.invalidInternalState
        }
        var body = ""
        while true {
            let part = try await channel.waitForOutboundWrite(as: HTTPServerResponsePart.self)
            if case .body(.byteBuffer(let buffer)) = part {
                body += String(buffer: buffer)
            } else if case .end = part {
                break
            }
        }
        _ = try await channel.finish()
        return (responseHead, body)
    }

    static func endpoints(
        ready: Bool = true,
        registry: PrometheusCollectorRegistry = .init()
    ) -> AdminServer.Endpoints {
        AdminServer.Endpoints(registry: registry, isReady: { ready }, beforeScrape: {})
    }

    @Test func testMetricsServesThePrometheusTextFormat() async throws {
        let registry = PrometheusCollectorRegistry()
        // Through the swift-metrics factory, as the server's own counters are made.
        PrometheusMetricsFactory(registry: registry)
            .makeCounter(label: "grpc_server_started_total", dimensions: [("grpc_method", "/a.A/M")])
            .increment(by: 3)
        let (head, body) = try await Self.get("/metrics", endpoints: Self.endpoints(registry: registry))
        #expect(head.status == .ok)
        #expect(head.headers["content-type"].first?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(body.contains(#"grpc_server_started_total{grpc_method="/a.A/M"} 3"#))
    }

    @Test func testBeforeScrapeRunsOnEachScrape() async throws {
        let scrapes = Mutex(0)
        let endpoints = AdminServer.Endpoints(
            registry: PrometheusCollectorRegistry(),
            isReady: { true },
            beforeScrape: { scrapes.withLock { $0 += 1 } }
        )
        _ = try await Self.get("/metrics", endpoints: endpoints)
        _ = try await Self.get("/metrics?x=1", endpoints: endpoints)
        #expect(scrapes.withLock { $0 } == 2)
    }

    @Test func testHealthzIsOKWhenNotReady() async throws {
        #expect(try await Self.get("/healthz", endpoints: Self.endpoints(ready: false)).head.status == .ok)
    }

    @Test(arguments: [(true, HTTPResponseStatus.ok), (false, .serviceUnavailable)])
    func testReadyzFollowsReadiness(ready: Bool, status: HTTPResponseStatus) async throws {
        #expect(try await Self.get("/readyz", endpoints: Self.endpoints(ready: ready)).head.status == status)
    }

    @Test func testUnknownPathIsNotFound() async throws {
        #expect(try await Self.get("/nope", endpoints: Self.endpoints()).head.status == .notFound)
    }

    @Test func testPostIsMethodNotAllowed() async throws {
        let (head, _) = try await Self.get("/metrics", method: .POST, endpoints: Self.endpoints())
        #expect(head.status == .methodNotAllowed)
        #expect(head.headers["allow"] == ["GET, HEAD"])
    }
}
