/// Checks a request's header fields against gRPC's PROTOCOL-HTTP2 and builds its ``RequestHead``.
///
/// Rejections follow grpc-go's server (`http2_server.go` `operateHeaders`, `server.go` `handleStream`) where the
/// spec leaves the answer open:
///
/// | problem | answer |
/// | --- | --- |
/// | `connection`, `keep-alive`, `proxy-connection`, `transfer-encoding`, `upgrade` | HTTP 400, INTERNAL |
/// | more than one `:authority` or `host` | HTTP 400, INTERNAL |
/// | `content-type` missing or not `application/grpc[+subtype][;params]` | HTTP 415, INVALID_ARGUMENT |
/// | `:method` not POST | HTTP 405, INTERNAL |
/// | `:scheme` or `:path` missing | HTTP 400, INTERNAL |
/// | `te` missing or not `trailers` | HTTP 400, INTERNAL (grpc-go does not check; gRPC C++ refuses) |
/// | malformed `grpc-timeout` | HTTP 400, INTERNAL "malformed grpc-timeout: ..." |
/// | undecodable `-bin` metadata | HTTP 400, INTERNAL |
/// | `:path` not `/Service/Method` | 200 trailers-only, UNIMPLEMENTED |
/// | unsupported `grpc-encoding` | 200 trailers-only, UNIMPLEMENTED (+ our `grpc-accept-encoding`) |
public enum RequestHeadValidator {
    /// Validates a request's header fields (names lowercase, as HTTP/2 requires).
    ///
    /// The transport feeds ``RequestHeadParser`` from bytes instead; this is the same parser over Strings.
    public static func validate(
        _ fields: [(name: String, value: String)]
    ) -> Result<RequestHead, RequestHeadRejection> {
        var parser = RequestHeadParser()
        for (name, value) in fields {
            var name = name
            var value = value
            name.withUTF8 { name in
                value.withUTF8 { value in
                    parser.add(name: UnsafeRawBufferPointer(name), value: UnsafeRawBufferPointer(value))
                }
            }
        }
        return parser.finish()
    }

    /// The subtype of a gRPC content-type: `.some(nil)` for plain `application/grpc`, `.some("proto")` for
    /// `application/grpc+proto`, nil when the content-type is not gRPC's. Parameters (`;...`) are ignored, and so
    /// is case in the `application/grpc` part, as media types are case-insensitive.
    static func contentSubtype(_ contentType: String) -> String?? {
        let base = "application/grpc"
        let utf8 = contentType.utf8
        guard String(decoding: utf8.prefix(base.utf8.count), as: UTF8.self).lowercased() == base else { return nil }
        let rest = utf8.dropFirst(base.utf8.count)
        guard let separator = rest.first else { return .some(nil) }
        switch separator {
        case UInt8(ascii: ";"):
            return .some(nil)
        case UInt8(ascii: "+"):
            var subtype = rest.dropFirst().prefix { $0 != UInt8(ascii: ";") }
            // Optional whitespace may precede the parameters (RFC 9110 §8.3.1).
            while let last = subtype.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
                subtype = subtype.dropLast()
            }
            // The subtype is echoed in the response's content-type (ResponseHead.headers), so it must be a token
            // (RFC 9110 §5.6.2): found by fuzzing, a control byte such as 0x19 or a non-ASCII byte was copied into
            // a response header that strict HTTP/2 peers refuse. Such a content-type is not a valid media type: 415.
            guard subtype.allSatisfy(isTokenByte) else { return nil }
            return .some(subtype.isEmpty ? nil : String(decoding: subtype, as: UTF8.self).lowercased())
        default:
            return nil
        }
    }

    /// True for RFC 9110 `tchar`: ALPHA, DIGIT and ``!#$%&'*+-.^_`|~``.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// Splits `/package.Service/Method` into its two non-empty parts.
    public static func splitPath(_ path: String) -> (service: String, method: String)? {
        // Index arithmetic rather than split(): no array of slices per call.
        let utf8 = path.utf8
        let slash = UInt8(ascii: "/")
        guard utf8.first == slash else { return nil }
        let serviceStart = utf8.index(after: utf8.startIndex)
        guard let serviceEnd = utf8[serviceStart...].firstIndex(of: slash) else { return nil }
        let methodStart = utf8.index(after: serviceEnd)
        let method = utf8[methodStart...]
        guard serviceStart != serviceEnd, !method.isEmpty, !method.contains(slash) else { return nil }
        return (
            String(decoding: utf8[serviceStart..<serviceEnd], as: UTF8.self),
            String(decoding: method, as: UTF8.self)
        )
    }
}
