/// Collects a request's header fields one at a time, straight from the bytes HPACK decoded, and
/// then validates them as ``RequestHeadValidator`` documents.
///
/// Why bytes: a String per name and per value was a fifth of a unary call's server CPU. The
/// pseudo-headers and the gRPC headers the transport reads are recognised by comparing bytes;
/// the usual values (`POST`, `application/grpc`, `trailers`) need no String at all; only
/// application metadata, the path and the rarer values become Strings.
public struct RequestHeadParser: Sendable {
    /// `:method`; only its equality with `POST` matters unless it is reported in an error.
    private enum MethodValue: Sendable {
        case none
        case post
        case other(String)
    }

    /// `te`, repeated values joined with commas as the validator always did.
    private enum TEValue: Sendable {
        case none
        /// Exactly one field, exactly `trailers`.
        case trailers
        case other(String)
    }

    /// `content-type`; the exact `application/grpc` needs no parsing.
    private enum ContentTypeValue: Sendable {
        case none
        case grpc
        case other(String)
    }

    private var method = MethodValue.none
    private var hasScheme = false
    private var path: String?
    private var authority: String?
    private var authorityCount = 0
    private var hostCount = 0
    private var contentType = ContentTypeValue.none
    private var te = TEValue.none
    private var timeoutValue: String?
    private var encodingValue: String?
    private var acceptEncoding: String?
    /// The first connection-specific header, which the validator refuses before anything else.
    private var forbiddenHeader: String?
    /// Every other field, in order: the candidates for application metadata.
    private var others: [(name: String, value: String)] = []

    public init() {}

    /// Adds one field (names lowercase, as HTTP/2 requires; a name that is not is only metadata).
    public mutating func add(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        guard let first = name.first else {
            self.others.append((name: "", value: Self.string(value)))
            return
        }
        switch first {
        case UInt8(ascii: ":"):
            if Self.equals(name, ":path") {
                self.path = Self.string(value)
            } else if Self.equals(name, ":method") {
                self.method = Self.equals(value, "POST") ? .post : .other(Self.string(value))
            } else if Self.equals(name, ":scheme") {
                self.hasScheme = true
            } else if Self.equals(name, ":authority") {
                if self.authorityCount == 0 {
                    self.authority = Self.string(value)
                }
                self.authorityCount += 1
            } else {
                self.addOther(name: name, value: value)
            }
        case UInt8(ascii: "c"):
            if Self.equals(name, "content-type") {
                self.contentType = Self.equals(value, "application/grpc") ? .grpc : .other(Self.string(value))
            } else if Self.equals(name, "connection") {
                self.forbid(name)
            } else {
                self.addOther(name: name, value: value)
            }
        case UInt8(ascii: "t"):
            if Self.equals(name, "te") {
                switch self.te {
                case .none:
                    self.te = Self.equals(value, "trailers") ? .trailers : .other(Self.string(value))
                case .trailers:
                    self.te = .other("trailers," + Self.string(value))
                case .other(let joined):
                    self.te = .other(joined + "," + Self.string(value))
                }
            } else if Self.equals(name, "transfer-encoding") {
                self.forbid(name)
            } else {
                self.addOther(name: name, value: value)
            }
        case UInt8(ascii: "g"):
            if Self.equals(name, "grpc-timeout") {
                self.timeoutValue = Self.string(value)
            } else if Self.equals(name, "grpc-encoding") {
                self.encodingValue = Self.string(value)
            } else if Self.equals(name, "grpc-accept-encoding") {
                let value = Self.string(value)
                self.acceptEncoding = self.acceptEncoding.map { $0 + "," + value } ?? value
            } else {
                self.addOther(name: name, value: value)
            }
        case UInt8(ascii: "h"):
            if Self.equals(name, "host") {
                self.hostCount += 1
            } else {
                self.addOther(name: name, value: value)
            }
        case UInt8(ascii: "k"), UInt8(ascii: "p"), UInt8(ascii: "u"):
            if Self.equals(name, "keep-alive") || Self.equals(name, "proxy-connection") || Self.equals(name, "upgrade") {
                self.forbid(name)
            } else {
                self.addOther(name: name, value: value)
            }
        default:
            self.addOther(name: name, value: value)
        }
    }

    private mutating func addOther(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        self.others.append((name: Self.string(name), value: Self.string(value)))
    }

    private mutating func forbid(_ name: UnsafeRawBufferPointer) {
        if self.forbiddenHeader == nil {
            self.forbiddenHeader = Self.string(name)
        }
    }

    /// Validates what was added, with the checks in ``RequestHeadValidator/validate(_:)``'s order.
    ///
    /// Consuming, so the path and the other Strings move into the head instead of being copied.
    public consuming func finish() -> Result<RequestHead, RequestHeadRejection> {
        if let name = self.forbiddenHeader {
            return .failure(Self.malformed("connection-specific header '\(name)' is not allowed in HTTP/2"))
        }
        if self.authorityCount > 1 || self.hostCount > 1 {
            return .failure(
                Self.malformed("num values of :authority: \(self.authorityCount), num values of host: "
                    + "\(self.hostCount), both must only have 1 value as per HTTP/2 spec")
            )
        }
        let subtype: String?
        switch self.contentType {
        case .grpc:
            subtype = nil
        case .none, .other:
            var contentType: String?
            if case .other(let value) = self.contentType {
                contentType = value
            }
            guard let contentType, let parsed = RequestHeadValidator.contentSubtype(contentType) else {
                return .failure(
                    .http(
                        status: 415,
                        grpcStatus: .invalidArgument,
                        message: "invalid gRPC request content-type '\(contentType ?? "")'"
                    )
                )
            }
            subtype = parsed
        }
        switch self.method {
        case .post:
            break
        case .none:
            return .failure(.http(status: 405, grpcStatus: .internalError, message: "invalid :method '', want POST"))
        case .other(let method):
            guard method == "POST" else {
                return .failure(
                    .http(status: 405, grpcStatus: .internalError, message: "invalid :method '\(method)', want POST")
                )
            }
        }
        guard self.hasScheme else { return .failure(Self.malformed("missing :scheme")) }
        guard let path = self.path else { return .failure(Self.malformed("missing :path")) }
        switch self.te {
        case .trailers:
            break
        case .none:
            return .failure(Self.malformed("missing te header"))
        case .other(let te):
            // Compared case-insensitively, as nghttp2 does: te tokens are case-insensitive in HTTP.
            guard te.lowercased() == "trailers" else {
                return .failure(Self.malformed("invalid te header '\(te)', want trailers"))
            }
        }
        var timeout: GRPCTimeout?
        if let timeoutValue = self.timeoutValue {
            guard let parsed = GRPCTimeout(headerValue: timeoutValue) else {
                return .failure(Self.malformed("malformed grpc-timeout: '\(timeoutValue)'"))
            }
            timeout = parsed
        }
        let metadata: Metadata
        if self.others.isEmpty {
            metadata = Metadata()
        } else {
            do throws(RPCError) {
                metadata = try Metadata(receivedHeaders: self.others)
            } catch {
                return .failure(.http(status: 400, grpcStatus: error.code, message: error.message))
            }
        }
        guard let (service, methodName) = RequestHeadValidator.splitPath(path) else {
            return .failure(.grpc(RPCError(code: .unimplemented, message: "malformed method name: '\(path)'")))
        }
        let encoding: CompressionAlgorithm
        do throws(RPCError) {
            encoding = try CompressionNegotiation.requestEncoding(self.encodingValue)
        } catch {
            return .failure(.grpc(error))
        }
        return .success(
            RequestHead(
                path: path,
                service: service,
                method: methodName,
                authority: self.authority,
                timeout: timeout,
                encoding: encoding,
                acceptEncoding: self.acceptEncoding,
                contentSubtype: subtype,
                metadata: metadata
            )
        )
    }

    private static func malformed(_ message: String) -> RequestHeadRejection {
        .http(status: 400, grpcStatus: .internalError, message: message)
    }

    private static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    @inline(__always)
    private static func equals(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count == count else { return false }
        let start = literal.utf8Start
        for index in 0..<count where bytes[index] != start[index] {
            return false
        }
        return true
    }
}
