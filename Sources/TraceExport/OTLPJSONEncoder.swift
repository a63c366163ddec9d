/// Encodes spans as an OTLP `ExportTraceServiceRequest` in OTLP's JSON mapping
/// (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): lowerCamelCase field names, trace and span
/// ids as hex (not base64), enums as numbers, 64-bit integers (timestamps, `intValue`) as decimal strings.
///
/// Written by hand into one byte array: it runs on the exporter's task, once per batch, and needs no JSON library.
public struct OTLPJSONEncoder: Sendable {
    /// The resource's attributes (`service.name` first), the same on every request.
    public let resource: [SpanAttribute]
    /// The instrumentation scope's name and version.
    public let scopeName: String
    public let scopeVersion: String

    public init(serviceName: String, scopeName: String = "planning-rpcd", scopeVersion: String = "1") {
        self.resource = [
            SpanAttribute("service.name", serviceName),
            SpanAttribute("telemetry.sdk.name", "planning-rpcd"),
            SpanAttribute("telemetry.sdk.language", "swift"),
        ]
        self.scopeName = scopeName
        self.scopeVersion = scopeVersion
    }

    /// The request body for `spans`.
    public func encode(_ spans: [Span]) -> [UInt8] {
        var out = JSONWriter()
        out.raw(#"{"resourceSpans":[{"resource":{"attributes":"#)
        Self.attributes(self.resource, into: &out)
        out.raw(#"},"scopeSpans":[{"scope":{"name":"#)
        out.string(self.scopeName)
        out.raw(#","version":"#)
        out.string(self.scopeVersion)
        out.raw(#"},"spans":["#)
        for (index, span) in spans.enumerated() {
            if index > 0 { out.raw(",") }
            Self.span(span, into: &out)
        }
        out.raw("]}]}]}")
        return out.bytes
    }

    private static func span(_ span: Span, into out: inout JSONWriter) {
        out.raw(#"{"traceId":"#)
        out.string(span.traceID)
        out.raw(#","spanId":"#)
        out.string(Span.hex(span.spanID))
        if let parent = span.parentSpanID {
            out.raw(#","parentSpanId":"#)
            out.string(parent)
        }
        if !span.traceState.isEmpty {
            out.raw(#","traceState":"#)
            out.string(span.traceState)
        }
        out.raw(#","flags":"#)
        // W3C flags in the low byte; bit 8 says whether the parent is remote, which a server span's is.
        out.raw(String(UInt32(span.flags) | (span.kind == .server && span.parentSpanID != nil ? 0x300 : 0x100)))
        out.raw(#","name":"#)
        out.string(span.name)
        out.raw(#","kind":"#)
        out.raw(String(span.kind.rawValue))
        out.raw(#","startTimeUnixNano":""#)
        out.raw(String(span.startUnixNano))
        out.raw(#"","endTimeUnixNano":""#)
        out.raw(String(span.endUnixNano))
        out.raw(#"","attributes":"#)
        Self.attributes(Self.allAttributes(of: span), into: &out)
        out.raw(#","status":{"code":"#)
        out.raw(String(span.status.code))
        if case .error(let message) = span.status, !message.isEmpty {
            out.raw(#","message":"#)
            out.string(message)
        }
        out.raw("}}")
    }

    /// The span's own attributes, after the RPC ones a call span implies.
    static func allAttributes(of span: Span) -> [SpanAttribute] {
        guard let code = span.grpcStatusCode else { return span.attributes }
        let slash = span.name.firstIndex(of: "/") ?? span.name.endIndex
        let method = slash < span.name.endIndex ? span.name[span.name.index(after: slash)...] : ""
        return [
            SpanAttribute("rpc.system", "grpc"),
            SpanAttribute("rpc.service", String(span.name[..<slash])),
            SpanAttribute("rpc.method", String(method)),
            SpanAttribute("rpc.grpc.status_code", Int64(code)),
        ] + span.attributes
    }

    private static func attributes(_ attributes: [SpanAttribute], into out: inout JSONWriter) {
        out.raw("[")
        for (index, attribute) in attributes.enumerated() {
            if index > 0 { out.raw(",") }
            out.raw(#"{"key":"#)
            out.string(attribute.key)
            switch attribute.value {
            case .string(let value):
                out.raw(#","value":{"stringValue":"#)
                out.string(value)
            case .int(let value):
                out.raw(#","value":{"intValue":""#)
                out.raw(String(value))
                out.raw(#"""#)
            }
            out.raw("}}")
        }
        out.raw("]")
    }
}
