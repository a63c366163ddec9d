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
    ) throws -> (head: HTTPResponseHead, body: String) {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(AdminHTTPHandler(endpoints: endpoints))
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: uri)
        try channel.writeInbound(HTTPServerRequestPart.head(head))
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        guard case .head(let head) = try channel.readOutbound(as: HTTPServerResponsePart.self) else {
            throw HTTPParserError.invalidInternalState
        }
        var body = ""
        while let part = try channel.readOutbound(as: HTTPServerResponsePart.self) {
            if case .body(.byteBuffer(let buffer)) = part {
                body += String(buffer: buffer)
            }
        }
        _ = try channel.finish()
        return (head, body)
    }

    static func endpoints(
        ready: Bool = true,
        registry: PrometheusCollectorRegistry = .init()
    ) -> AdminServer.Endpoints {
        AdminServer.Endpoints(registry: registry, isReady: { ready }, beforeScrape: {})
    }

    @Test func testMetricsServesThePrometheusTextFormat() throws {
        let registry = PrometheusCollectorRegistry()
        // Through the swift-metrics factory, as the server's own counters are made.
        PrometheusMetricsFactory(registry: registry)
            .makeCounter(label: "grpc_server_started_total", dimensions: [("grpc_method", "/a.A/M")])
            .increment(by: 3)
        let (head, body) = try Self.get("/metrics", endpoints: Self.endpoints(registry: registry))
        #expect(head.status == .ok)
        #expect(head.headers["content-type"].first?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(body.contains(#"grpc_server_started_total{grpc_method="/a.A/M"} 3"#))
    }

    @Test func testBeforeScrapeRunsOnEachScrape() throws {
        let scrapes = Mutex(0)
        let endpoints = AdminServer.Endpoints(
            registry: PrometheusCollectorRegistry(),
            isReady: { true },
            beforeScrape: { scrapes.withLock { $0 += 1 } }
        )
        _ = try Self.get("/metrics", endpoints: endpoints)
        _ = try Self.get("/metrics?x=1", endpoints: endpoints)
        #expect(scrapes.withLock { $0 } == 2)
    }

    @Test func testHealthzIsOKWhenNotReady() throws {
        #expect(try Self.get("/healthz", endpoints: Self.endpoints(ready: false)).head.status == .ok)
    }

    @Test(arguments: [(true, HTTPResponseStatus.ok), (false, .serviceUnavailable)])
    func testReadyzFollowsReadiness(ready: Bool, status: HTTPResponseStatus) throws {
        #expect(try Self.get("/readyz", endpoints: Self.endpoints(ready: ready)).head.status == status)
    }

    @Test func testUnknownPathIsNotFound() throws {
        #expect(try Self.get("/nope", endpoints: Self.endpoints()).head.status == .notFound)
    }

    @Test func testPostIsMethodNotAllowed() throws {
        let (head, _) = try Self.get("/metrics", method: .POST, endpoints: Self.endpoints())
        #expect(head.status == .methodNotAllowed)
        #expect(head.headers["allow"] == ["GET, HEAD"])
    }
}
