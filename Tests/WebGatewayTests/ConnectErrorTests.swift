import Foundation
import RPCFraming
import Testing

@testable import WebGateway

struct ConnectErrorTests {
    /// The Connect specification's table: code name and HTTP status of every code but OK.
    static let table: [(StatusCode, String, Int)] = [
        (.cancelled, "canceled", 499), (.unknown, "unknown", 500), (.invalidArgument, "invalid_argument", 400),
        (.deadlineExceeded, "deadline_exceeded", 504), (.notFound, "not_found", 404),
        (.alreadyExists, "already_exists", 409), (.permissionDenied, "permission_denied", 403),
        (.resourceExhausted, "resource_exhausted", 429), (.failedPrecondition, "failed_precondition", 400),
        (.aborted, "aborted", 409), (.outOfRange, "out_of_range", 400), (.unimplemented, "unimplemented", 501),
        (.internalError, "internal", 500), (.unavailable, "unavailable", 503), (.dataLoss, "data_loss", 500),
        (.unauthenticated, "unauthenticated", 401),
    ]

    @Test func everyCodeHasItsNameAndHTTPStatus() {
        #expect(Self.table.count == StatusCode.allCases.count - 1)
        for (code, name, status) in Self.table {
            #expect(ConnectError.name(of: code) == name)
            #expect(ConnectError.httpStatus(of: code) == status)
        }
    }

    @Test func unaryBodyIsTheErrorJSON() throws {
        let body = ConnectError.unaryBody(RPCError(code: .notFound, message: "job job_x not found"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: String])
        #expect(object == ["code": "not_found", "message": "job job_x not found"])
        let bare = ConnectError.unaryBody(RPCError(code: .internalError, message: ""))
        #expect(String(decoding: bare, as: UTF8.self) == #"{"code":"internal"}"#)
    }

    @Test func endOfStreamCarriesTheErrorAndTheTrailers() throws {
        #expect(String(decoding: ConnectError.endOfStream(error: nil, trailers: Metadata()), as: UTF8.self) == "{}")
        var trailers = Metadata()
        trailers.add("x-a", "1")
        trailers.add("x-a", "2")
        trailers.add("x-b-bin", binary: [0xFF])
        let payload = ConnectError.endOfStream(error: RPCError(code: .cancelled, message: "stop"), trailers: trailers)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any])
        #expect(object["error"] as? [String: String] == ["code": "canceled", "message": "stop"])
        #expect(object["metadata"] as? [String: [String]] == ["x-a": ["1", "2"], "x-b-bin": ["/w"]])
    }
}
