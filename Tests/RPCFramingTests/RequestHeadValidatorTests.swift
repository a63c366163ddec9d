import RPCFraming
import Testing

struct RequestHeadValidatorTests {
    typealias Fields = [(name: String, value: String)]

    static let valid: Fields = [
        (":method", "POST"), (":scheme", "https"), (":path", "/planning.v1.Planning/GenerateAttributes"),
        (":authority", "rpc.example:443"), ("content-type", "application/grpc+proto"), ("te", "trailers"),
        ("grpc-timeout", "30S"), ("grpc-encoding", "gzip"), ("grpc-accept-encoding", "gzip,deflate"),
        ("user-agent", "grpc-go/1.60"), ("x-tenant", "t1"), ("trace-bin", "AQI"),
    ]

    static func replacing(_ name: String, with value: String?) -> Fields {
        var fields = valid.filter { $0.name != name }
        if let value {
            fields.append((name: name, value: value))
        }
        return fields
    }

    static func rejection(_ fields: Fields) -> RequestHeadRejection? {
        guard case .failure(let rejection) = RequestHeadValidator.validate(fields) else { return nil }
        return rejection
    }

    @Test func validHead() throws {
        let head = try RequestHeadValidator.validate(Self.valid).get()
        #expect(head.path == "/planning.v1.Planning/GenerateAttributes")
        #expect(head.service == "planning.v1.Planning")
        #expect(head.method == "GenerateAttributes")
        #expect(head.authority == "rpc.example:443")
        #expect(head.timeout == GRPCTimeout(nanoseconds: 30_000_000_000))
        #expect(head.encoding == .gzip)
        #expect(head.acceptEncoding == "gzip,deflate")
        #expect(head.contentSubtype == "proto")
        #expect(head.metadata.map(\.key) == ["user-agent", "x-tenant", "trace-bin"])
        #expect(head.metadata[binaryValues: "trace-bin"] == [[1, 2]])
    }

    @Test func teIsCaseInsensitive() throws {
        #expect(throws: Never.self) { try RequestHeadValidator.validate(Self.replacing("te", with: "Trailers")).get() }
    }

    @Test func minimalHead() throws {
        let head = try RequestHeadValidator.validate([
            (":method", "POST"), (":scheme", "http"), (":path", "/S/M"), ("content-type", "application/grpc"),
            ("te", "trailers"),
        ]).get()
        #expect(head.service == "S")
        #expect(head.method == "M")
        #expect(head.authority == nil)
        #expect(head.timeout == nil)
        #expect(head.encoding == .identity)
        #expect(head.acceptEncoding == nil)
        #expect(head.contentSubtype == nil)
        #expect(head.metadata.isEmpty)
    }

    @Test(arguments: [
        ("application/grpc", String?.none), ("application/grpc+proto", "proto"), ("application/grpc+json", "json"),
        ("application/grpc+custom", "custom"), ("application/grpc;charset=utf-8", nil),
        ("application/grpc+proto;x=y", "proto"), ("application/grpc+", nil), ("Application/GRPC+Proto", "proto"),
        ("application/grpc+proto ;x=y", "proto"),
    ])
    func acceptedContentTypes(_ contentType: String, _ subtype: String?) throws {
        let head = try RequestHeadValidator.validate(Self.replacing("content-type", with: contentType)).get()
        #expect(head.contentSubtype == subtype)
    }

    @Test(arguments: [
        String?.none, "", "application/json", "application/grpcx", "application/grpc-web", "text/plain",
        "application/grp", "application/grpc proto",
        // Found by RequestHeadFuzzer: the subtype is echoed in the response content-type, so it must be a token.
        "application/grpc+prot\u{19}o", "application/grpc+pr\u{FFFD}to", "application/grpc+a b",
        "application/grpc+a\u{7F}",
    ])
    func otherContentTypesAre415(_ contentType: String?) {
        let rejection = Self.rejection(Self.replacing("content-type", with: contentType))
        guard case .http(let status, let grpcStatus, let message) = rejection else {
            Issue.record("expected an HTTP rejection, got \(String(describing: rejection))")
            return
        }
        #expect(status == 415)
        #expect(grpcStatus == .invalidArgument)
        #expect(message == "invalid gRPC request content-type '\(contentType ?? "")'")
    }

    @Test(arguments: [String?.none, "GET", "PUT", "post"])
    func methodOtherThanPostIs405(_ method: String?) {
        let rejection = Self.rejection(Self.replacing(":method", with: method))
        let message = "invalid :method '\(method ?? "")', want POST"
        #expect(rejection == .http(status: 405, grpcStatus: .internalError, message: message))
    }

    @Test func missingSchemeIs400() {
        let expected = RequestHeadRejection.http(status: 400, grpcStatus: .internalError, message: "missing :scheme")
        #expect(Self.rejection(Self.replacing(":scheme", with: nil)) == expected)
    }

    @Test func missingPathIs400() {
        let expected = RequestHeadRejection.http(status: 400, grpcStatus: .internalError, message: "missing :path")
        #expect(Self.rejection(Self.replacing(":path", with: nil)) == expected)
    }

    @Test(arguments: [String?.none, "", "gzip", "trailers, deflate", "trailer"])
    func teOtherThanTrailersIs400(_ te: String?) {
        let rejection = Self.rejection(Self.replacing("te", with: te))
        guard case .http(400, .internalError, let message) = rejection else {
            Issue.record("expected HTTP 400 INTERNAL, got \(String(describing: rejection))")
            return
        }
        #expect(message == (te == nil ? "missing te header" : "invalid te header '\(te!)', want trailers"))
    }

    @Test(arguments: ["123456789S", "", "S", "10", "1x", "-1S", " 1S", "1 S", "+5m"])
    func malformedTimeoutIs400Internal(_ value: String) {
        #expect(Self.rejection(Self.replacing("grpc-timeout", with: value))
            == .http(status: 400, grpcStatus: .internalError, message: "malformed grpc-timeout: '\(value)'"))
    }

    @Test func malformedBinaryMetadataIs400Internal() {
        let rejection = Self.rejection(Self.replacing("trace-bin", with: "A"))
        let message = "malformed binary metadata 'A' in header 'trace-bin'"
        #expect(rejection == .http(status: 400, grpcStatus: .internalError, message: message))
    }

    @Test(arguments: ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"])
    func connectionSpecificHeadersAre400(_ name: String) {
        var fields = Self.valid
        fields.append((name: name, value: "x"))
        let message = "connection-specific header '\(name)' is not allowed in HTTP/2"
        #expect(Self.rejection(fields) == .http(status: 400, grpcStatus: .internalError, message: message))
    }

    @Test func duplicateAuthorityOrHostIs400() {
        var twoAuthorities = Self.valid
        twoAuthorities.append((name: ":authority", value: "other"))
        var twoHosts = Self.valid
        twoHosts.append((name: "host", value: "a"))
        twoHosts.append((name: "host", value: "b"))
        for fields in [twoAuthorities, twoHosts] {
            guard case .http(400, .internalError, _) = Self.rejection(fields) else {
                Issue.record("expected HTTP 400 INTERNAL")
                continue
            }
        }
    }

    @Test(arguments: [
        "", "/", "//", "S/M", "/S", "/S/", "//M", "/a/b/c", "/S/M/", "planning.v1.Planning/Generate",
    ])
    func malformedPathIsUnimplemented(_ path: String) {
        #expect(Self.rejection(Self.replacing(":path", with: path))
            == .grpc(RPCError(code: .unimplemented, message: "malformed method name: '\(path)'")))
    }

    @Test(arguments: ["snappy", "br", "GZIP"])
    func unsupportedEncodingIsUnimplementedTrailersOnly(_ encoding: String) {
        let rejection = Self.rejection(Self.replacing("grpc-encoding", with: encoding))
        let message = "grpc-encoding '\(encoding)' is not supported; supported: identity,gzip,deflate"
        #expect(rejection == .grpc(RPCError(code: .unimplemented, message: message)))
        let fields = rejection?.responseFields ?? []
        #expect(fields.first { $0.name == ":status" }?.value == "200")
        #expect(fields.first { $0.name == "grpc-status" }?.value == "12")
        #expect(fields.first { $0.name == "grpc-accept-encoding" }?.value == "identity,gzip,deflate")
    }

    @Test func httpRejectionResponseFields() {
        let rejection = RequestHeadRejection.http(status: 415, grpcStatus: .invalidArgument, message: "bad type")
        let fields = rejection.responseFields.map { "\($0.name): \($0.value)" }
        #expect(fields == [
            ":status: 415", "content-type: application/grpc", "grpc-accept-encoding: identity,gzip,deflate",
            "grpc-status: 3", "grpc-message: bad type",
        ])
    }

    @Test func repeatedAcceptEncodingHeadersAreJoined() throws {
        var fields = Self.valid
        fields.append((name: "grpc-accept-encoding", value: "identity"))
        #expect(try RequestHeadValidator.validate(fields).get().acceptEncoding == "gzip,deflate,identity")
    }
}
