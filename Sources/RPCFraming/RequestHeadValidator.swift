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
    public static func validate(
        _ fields: [(name: String, value: String)]
    ) -> Result<RequestHead, RequestHeadRejection> {
        var method: String?
        var scheme: String?
        var path: String?
        var authorities: [String] = []
        var hostCount = 0
        var contentType: String?
        var te: String?
        var timeoutValue: String?
        var encodingValue: String?
        var acceptEncoding: String?
        for (name, value) in fields {
            switch name {
            case ":method": method = value
            case ":scheme": scheme = value
            case ":path": path = value
            case ":authority": authorities.append(value)
            case "host": hostCount += 1
            case "content-type": contentType = value
            case "te": te = te.map { $0 + "," + value } ?? value
            case "grpc-timeout": timeoutValue = value
            case "grpc-encoding": encodingValue = value
            case "grpc-accept-encoding": acceptEncoding = acceptEncoding.map { $0 + "," + value } ?? value
            case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade":
                return .failure(malformed("connection-specific header '\(name)' is not allowed in HTTP/2"))
            default: break
            }
        }

        if authorities.count > 1 || hostCount > 1 {
            return .failure(
                malformed("num values of :authority: \(authorities.count), num values of host: \(hostCount), both "
                    + "must only have 1 value as per HTTP/2 spec")
            )
        }
        guard let contentType, let subtype = contentSubtype(contentType) else {
            return .failure(
                .http(
                    status: 415,
                    grpcStatus: .invalidArgument,
                    message: "invalid gRPC request content-type '\(contentType ?? "")'"
                )
            )
        }
        guard method == "POST" else {
            return .failure(
                .http(status: 405, grpcStatus: .internalError, message: "invalid :method '\(method ?? "")', want POST")
            )
        }
        guard scheme != nil else { return .failure(malformed("missing :scheme")) }
        guard let path else { return .failure(malformed("missing :path")) }
        // Compared case-insensitively, as nghttp2 does: te tokens are case-insensitive in HTTP.
        guard te?.lowercased() == "trailers" else {
            return .failure(malformed(te == nil ? "missing te header" : "invalid te header '\(te!)', want trailers"))
        }
        var timeout: GRPCTimeout?
        if let timeoutValue {
            guard let parsed = GRPCTimeout(headerValue: timeoutValue) else {
                return .failure(malformed("malformed grpc-timeout: '\(timeoutValue)'"))
            }
            timeout = parsed
        }
        let metadata: Metadata
        do throws(RPCError) {
            metadata = try Metadata(receivedHeaders: fields)
        } catch {
            return .failure(.http(status: 400, grpcStatus: error.code, message: error.message))
        }
        guard let (service, methodName) = splitPath(path) else {
            return .failure(.grpc(RPCError(code: .unimplemented, message: "malformed method name: '\(path)'")))
        }
        let encoding: CompressionAlgorithm
        do throws(RPCError) {
            encoding = try CompressionNegotiation.requestEncoding(encodingValue)
        } catch {
            return .failure(.grpc(error))
        }
        return .success(
            RequestHead(
                path: path,
                service: service,
                method: methodName,
                authority: authorities.first,
                timeout: timeout,
                encoding: encoding,
                acceptEncoding: acceptEncoding,
                contentSubtype: subtype,
                metadata: metadata
            )
        )
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
            let subtype = rest.dropFirst().prefix { $0 != UInt8(ascii: ";") }
            return .some(subtype.isEmpty ? nil : String(decoding: subtype, as: UTF8.self).lowercased())
        default:
            return nil
        }
    }

    /// Splits `/package.Service/Method` into its two non-empty parts.
    static func splitPath(_ path: String) -> (service: String, method: String)? {
        let parts = path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].isEmpty, !parts[1].isEmpty, !parts[2].isEmpty else { return nil }
        return (String(decoding: parts[1], as: UTF8.self), String(decoding: parts[2], as: UTF8.self))
    }

    private static func malformed(_ message: String) -> RequestHeadRejection {
        .http(status: 400, grpcStatus: .internalError, message: message)
    }
}
