/// Builds response HEADERS and trailers. Names are lowercase, pseudo-headers first.
public enum ResponseHead {
    /// The response HEADERS: `:status 200`, `content-type`, `grpc-encoding` (unless identity),
    /// `grpc-accept-encoding`, then the application's metadata (reserved keys skipped).
    ///
    /// - Parameter contentSubtype: echoed in the content-type (`application/grpc+proto`), as grpc-go does.
    public static func headers(
        encoding: CompressionAlgorithm,
        metadata: Metadata,
        contentSubtype: String? = nil
    ) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        fields.reserveCapacity(4 + metadata.count)
        fields.append((name: ":status", value: "200"))
        fields.append((name: "content-type", value: contentType(subtype: contentSubtype)))
        if encoding != .identity {
            fields.append((name: "grpc-encoding", value: encoding.rawValue))
        }
        fields.append((name: "grpc-accept-encoding", value: CompressionNegotiation.acceptEncodingHeaderValue))
        metadata.appendHeaderFields(to: &fields)
        return fields
    }

    /// The trailers: `grpc-status`, `grpc-message` (only if non-empty, percent-encoded), then metadata (for
    /// instance `grpc-status-details-bin`).
    public static func trailers(status: StatusCode, message: String, metadata: Metadata)
        -> [(name: String, value: String)]
    {
        var fields: [(name: String, value: String)] = []
        fields.reserveCapacity(2 + metadata.count)
        appendStatus(status: status, message: message, metadata: metadata, to: &fields)
        return fields
    }

    /// A trailers-only response: `:status`, `content-type`, `grpc-accept-encoding` and the trailers, to be sent as
    /// one HEADERS frame with END_STREAM. `grpc-accept-encoding` is always there so that an UNIMPLEMENTED for an
    /// unsupported `grpc-encoding` tells the client what we accept, as the spec asks.
    public static func trailersOnly(
        status: StatusCode,
        message: String,
        metadata: Metadata,
        httpStatus: Int = 200,
        contentSubtype: String? = nil
    ) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        fields.reserveCapacity(5 + metadata.count)
        fields.append((name: ":status", value: String(httpStatus)))
        fields.append((name: "content-type", value: contentType(subtype: contentSubtype)))
        fields.append((name: "grpc-accept-encoding", value: CompressionNegotiation.acceptEncodingHeaderValue))
        appendStatus(status: status, message: message, metadata: metadata, to: &fields)
        return fields
    }

    /// The status a client reads from received trailers (or a trailers-only response).
    ///
    /// `grpc-status` that is not a number in 0...16 is UNKNOWN. When `grpc-status` is missing, a non-200 `:status`
    /// is mapped as gRPC's http-grpc-status-mapping says, and otherwise the result is UNKNOWN.
    public static func receivedStatus(
        _ fields: [(name: String, value: String)]
    ) -> (code: StatusCode, message: String) {
        var status: String?
        var message = ""
        var httpStatus: String?
        for (name, value) in fields {
            switch name {
            case "grpc-status": status = value
            case "grpc-message": message = PercentEncoding.decode(value)
            case ":status": httpStatus = value
            default: break
            }
        }
        if let status {
            return (StatusCode(headerValue: status), message)
        }
        guard let httpStatus, httpStatus != "200" else {
            return (.unknown, "missing grpc-status")
        }
        let code: StatusCode =
            switch httpStatus {
            case "400": .internalError
            case "401": .unauthenticated
            case "403": .permissionDenied
            case "404": .unimplemented
            case "429", "502", "503", "504": .unavailable
            default: .unknown
            }
        return (code, "HTTP status \(httpStatus)")
    }

    private static func appendStatus(
        status: StatusCode,
        message: String,
        metadata: Metadata,
        to fields: inout [(name: String, value: String)]
    ) {
        fields.append((name: "grpc-status", value: status.headerValue))
        if !message.isEmpty {
            fields.append((name: "grpc-message", value: PercentEncoding.encode(message)))
        }
        metadata.appendHeaderFields(to: &fields)
    }

    private static func contentType(subtype: String?) -> String {
        guard let subtype, !subtype.isEmpty else { return "application/grpc" }
        return "application/grpc+" + subtype
    }
}
