internal import NIOHTTP1

/// Cross-origin access for browsers on other origins: off unless origins are configured.
struct CORSPolicy: Sendable {
    /// Exact origins (`https://app.example.com`), or `*` for any.
    let allowedOrigins: Set<String>

    /// Response headers a page may read besides the CORS-safelisted ones: gRPC-Web's status in headers (a
    /// trailers-only answer) and the Connect protocol's.
    static let exposedHeaders = [
        "grpc-status", "grpc-message", "grpc-status-details-bin", "grpc-encoding", "grpc-accept-encoding",
        "connect-content-encoding", "connect-accept-encoding", "content-encoding",
    ]

    /// Request headers a preflight accepts when the browser names none.
    static let allowedHeaders = [
        "content-type", "connect-protocol-version", "connect-timeout-ms", "grpc-timeout", "x-grpc-web",
        "x-user-agent", "authorization",
    ]

    var isEnabled: Bool { !self.allowedOrigins.isEmpty }

    /// The origin to echo back in `access-control-allow-origin`, or nil when the request's is not allowed.
    func allowedOrigin(_ headers: HTTPHeaders) -> String? {
        guard self.isEnabled, let origin = headers.first(name: "origin") else { return nil }
        return self.allowedOrigins.contains("*") || self.allowedOrigins.contains(origin) ? origin : nil
    }

    /// Adds the headers of an actual (not preflight) response to an allowed origin; `metadataNames` are the
    /// response's own metadata headers, which a page can read only when they are exposed too.
    func addResponseHeaders(origin: String, metadataNames: [String], to headers: inout HTTPHeaders) {
        headers.add(name: "access-control-allow-origin", value: origin)
        headers.add(name: "vary", value: "origin")
        let exposed = Self.exposedHeaders + metadataNames.filter { !Self.exposedHeaders.contains($0) }
        headers.add(name: "access-control-expose-headers", value: exposed.joined(separator: ", "))
    }

    /// The headers of a preflight answer to an allowed origin.
    func preflightHeaders(origin: String, request: HTTPHeaders) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "access-control-allow-origin", value: origin)
        headers.add(name: "vary", value: "origin")
        headers.add(name: "access-control-allow-methods", value: "GET, POST")
        let requested = request.first(name: "access-control-request-headers")
        headers.add(
            name: "access-control-allow-headers",
            value: requested.map { $0.isEmpty ? Self.allowedHeaders.joined(separator: ", ") : $0 }
                ?? Self.allowedHeaders.joined(separator: ", ")
        )
        headers.add(name: "access-control-max-age", value: "7200")
        headers.add(name: "content-length", value: "0")
        return headers
    }
}
