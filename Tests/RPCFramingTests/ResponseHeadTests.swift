import RPCFraming
import Testing

struct ResponseHeadTests {
    static func render(_ fields: [(name: String, value: String)]) -> [String] {
        fields.map { "\($0.name): \($0.value)" }
    }

    @Test func headersWithIdentity() {
        var metadata = Metadata()
        metadata.add("x-job", "42")
        metadata.add("grpc-status", "0")  // reserved: never sent from metadata
        #expect(Self.render(ResponseHead.headers(encoding: .identity, metadata: metadata)) == [
            ":status: 200", "content-type: application/grpc", "grpc-accept-encoding: identity,gzip,deflate",
            "x-job: 42",
        ])
    }

    @Test func headersWithGzipAndSubtype() {
        #expect(Self.render(ResponseHead.headers(encoding: .gzip, metadata: Metadata(), contentSubtype: "proto")) == [
            ":status: 200", "content-type: application/grpc+proto", "grpc-encoding: gzip",
            "grpc-accept-encoding: identity,gzip,deflate",
        ])
    }

    @Test func trailersOmitEmptyMessage() {
        let fields = ResponseHead.trailers(status: .ok, message: "", metadata: Metadata())
        #expect(Self.render(fields) == ["grpc-status: 0"])
    }

    @Test func trailersPercentEncodeTheMessageAndCarryDetails() {
        var metadata = Metadata()
        metadata.add("grpc-status-details-bin", binary: [8, 5])
        metadata.add("x-retry", "no")
        let message = "job 7 n'existe pas: é 100%"
        let fields = ResponseHead.trailers(status: .notFound, message: message, metadata: metadata)
        #expect(Self.render(fields) == [
            "grpc-status: 5", "grpc-message: job 7 n'existe pas: %C3%A9 100%25", "grpc-status-details-bin: CAU",
            "x-retry: no",
        ])
    }

    @Test func trailersOnly() {
        var metadata = Metadata()
        metadata.add("x-a", "b")
        let fields = ResponseHead.trailersOnly(status: .unavailable, message: "draining", metadata: metadata)
        #expect(Self.render(fields) == [
            ":status: 200", "content-type: application/grpc", "grpc-accept-encoding: identity,gzip,deflate",
            "grpc-status: 14", "grpc-message: draining", "x-a: b",
        ])
        let http = ResponseHead.trailersOnly(status: .internalError, message: "", metadata: Metadata(), httpStatus: 400)
        #expect(Self.render(http) == [
            ":status: 400", "content-type: application/grpc", "grpc-accept-encoding: identity,gzip,deflate",
            "grpc-status: 13",
        ])
    }

    @Test func namesAreLowercaseAndPseudoHeadersFirst() {
        var metadata = Metadata()
        metadata.add("X-Upper", "v")
        for fields in [
            ResponseHead.headers(encoding: .deflate, metadata: metadata),
            ResponseHead.trailersOnly(status: .ok, message: "m", metadata: metadata),
        ] {
            #expect(fields.allSatisfy { $0.name == $0.name.lowercased() })
            let firstRegular = fields.firstIndex { !$0.name.hasPrefix(":") } ?? fields.count
            #expect(fields[firstRegular...].allSatisfy { !$0.name.hasPrefix(":") })
        }
    }

    @Test func receivedStatusRoundTripsEveryCode() {
        for code in StatusCode.allCases {
            let fields = ResponseHead.trailers(status: code, message: "m ü %", metadata: Metadata())
            let received = ResponseHead.receivedStatus(fields)
            #expect(received.code == code)
            #expect(received.message == "m ü %")
        }
    }

    @Test(arguments: [
        ([("grpc-status", "x")], StatusCode.unknown), ([("grpc-status", "17")], .unknown),
        ([(":status", "200")], .unknown), ([(":status", "400")], .internalError),
        ([(":status", "401")], .unauthenticated), ([(":status", "403")], .permissionDenied),
        ([(":status", "404")], .unimplemented), ([(":status", "429")], .unavailable),
        ([(":status", "502")], .unavailable), ([(":status", "503")], .unavailable),
        ([(":status", "504")], .unavailable),
        ([(":status", "500")], .unknown), ([(":status", "415"), ("grpc-status", "3")], .invalidArgument),
    ] as [([(String, String)], StatusCode)])
    func receivedStatusMapping(_ fields: [(String, String)], _ expected: StatusCode) {
        #expect(ResponseHead.receivedStatus(fields.map { (name: $0.0, value: $0.1) }).code == expected)
    }
}
