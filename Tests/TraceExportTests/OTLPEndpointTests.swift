import Testing

@testable import TraceExport

@Suite struct OTLPEndpointTests {
    @Test func aBaseURLGetsTheTracesPath() throws {
        let endpoint = try OTLPEndpoint(url: "http://collector:4318")
        #expect(endpoint.host == "collector")
        #expect(endpoint.port == 4318)
        #expect(endpoint.path == "/v1/traces")
        #expect(try OTLPEndpoint(url: "http://127.0.0.1:4318/").path == "/v1/traces")
        #expect(try OTLPEndpoint(url: "http://127.0.0.1:4318/otel/").path == "/otel/v1/traces")
        #expect(try OTLPEndpoint(url: "HTTP://h").port == 80)
        let v6 = try OTLPEndpoint(url: "http://[::1]:4318")
        #expect(v6.host == "::1" && v6.port == 4318)
    }

    @Test func portsAreCheckedAtAndPastTheirBounds() throws {
        #expect(try OTLPEndpoint(url: "http://h:1").port == 1)
        #expect(try OTLPEndpoint(url: "http://h:65535").port == 65535)
        #expect(throws: OTLPConfigurationError.self) { try OTLPEndpoint(url: "http://h:0") }
        #expect(throws: OTLPConfigurationError.self) { try OTLPEndpoint(url: "http://h:65536") }
        #expect(throws: OTLPConfigurationError.self) { try OTLPEndpoint(url: "http://h:x") }
        #expect(throws: OTLPConfigurationError.self) { try OTLPEndpoint(url: "http://h:") }
    }

    @Test(arguments: [
        ("https://h:4318", "https is not supported"), ("h:4318", "must be an http:// URL"),
        ("ftp://h", "ftp is not supported"), ("http://:4318", "has no host"), ("http://", "has no host"),
        ("http://u:p@h", "no user, query or fragment"), ("http://h/?a=1", "no user, query or fragment"),
        ("http://[::1:4318", "unclosed IPv6"),
    ])
    func aBadURLSaysWhy(url: String, reason: String) {
        do {
            _ = try OTLPEndpoint(url: url)
            Issue.record("\(url) was accepted")
        } catch {
            #expect(error.description.contains(reason), "\(error.description)")
        }
    }

    @Test func headersAreNameValuePairs() throws {
        let endpoint = try OTLPEndpoint(url: "http://h", headers: "Authorization=Bearer a=b, x-team = blue ,")
        #expect(endpoint.headers.map(\.name) == ["authorization", "x-team"])
        #expect(endpoint.headers.map(\.value) == ["Bearer a=b", "blue"])
        #expect(try OTLPEndpoint(url: "http://h", headers: "").headers.isEmpty)
        #expect(throws: OTLPConfigurationError.self) { try OTLPEndpoint(url: "http://h", headers: "novalue") }
        #expect(throws: OTLPConfigurationError.self) { try OTLPEndpoint(url: "http://h", headers: "=v") }
        #expect(throws: OTLPConfigurationError.self) { try OTLPEndpoint(url: "http://h", headers: "a b=v") }
        #expect(throws: OTLPConfigurationError.self) { try OTLPEndpoint(url: "http://h", headers: "a=v\u{1}") }
    }
}
