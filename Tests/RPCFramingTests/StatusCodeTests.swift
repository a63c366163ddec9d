import RPCFraming
import Testing

struct StatusCodeTests {
    @Test func allSeventeenCodesHaveTheirNames() {
        let expected = [
            "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
            "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
            "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
        ]
        let statics: [StatusCode] = [
            .ok, .cancelled, .unknown, .invalidArgument, .deadlineExceeded, .notFound, .alreadyExists,
            .permissionDenied, .resourceExhausted, .failedPrecondition, .aborted, .outOfRange, .unimplemented,
            .internalError, .unavailable, .dataLoss, .unauthenticated,
        ]
        #expect(StatusCode.allCases == statics)
        for (number, name) in expected.enumerated() {
            let code = StatusCode(rawValue: number)
            #expect(code == statics[number])
            #expect(code?.name == name)
            #expect(code?.description == name)
            #expect(code?.headerValue == String(number))
        }
    }

    @Test(arguments: [-1, 17, 100, Int.max, Int.min])
    func numbersOutsideTheRangeAreNotCodes(_ number: Int) {
        #expect(StatusCode(rawValue: number) == nil)
    }

    @Test(arguments: [
        ("0", StatusCode.ok), ("8", .resourceExhausted), ("16", .unauthenticated), ("17", .unknown),
        ("-1", .unknown), ("", .unknown), ("abc", .unknown), ("1a", .unknown), (" 1", .unknown), ("1 ", .unknown),
        ("+1", .unknown), ("99999999999999999999", .unknown), ("0016", .unknown), ("١", .unknown),
    ])
    func grpcStatusTrailerParsing(_ value: String, _ expected: StatusCode) {
        #expect(StatusCode(headerValue: value) == expected)
    }

    @Test func rpcErrorDescription() {
        #expect(RPCError(code: .notFound, message: "no job 7").description == "NOT_FOUND: no job 7")
        #expect(RPCError(code: .aborted, message: "").description == "ABORTED")
    }
}
