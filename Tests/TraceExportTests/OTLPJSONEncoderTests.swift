import Foundation
import RPCFraming
import Testing

@testable import TraceExport

@Suite struct OTLPJSONEncoderTests {
    private func decode(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    private func firstSpan(_ document: [String: Any]) throws -> [String: Any] {
        let resourceSpans = try #require(document["resourceSpans"] as? [[String: Any]])
        let scopeSpans = try #require(resourceSpans.first?["scopeSpans"] as? [[String: Any]])
        let spans = try #require(scopeSpans.first?["spans"] as? [[String: Any]])
        return try #require(spans.first)
    }

    private func attributes(_ item: [String: Any]) throws -> [String: [String: String]] {
        let list = try #require(item["attributes"] as? [[String: Any]])
        var result: [String: [String: String]] = [:]
        for attribute in list {
            let key = try #require(attribute["key"] as? String)
            result[key] = try #require(attribute["value"] as? [String: String])
        }
        return result
    }

    private func callSpan(code: StatusCode, message: String = "") -> Span {
        var span = Span(
            name: "bench.Echo/Unary", kind: .server, traceID: "4bf92f3577b34da6a3ce929d0e0e4736",
            spanID: 0x00f0_67aa_0ba9_02b7, parentSpanID: "1111111111111111", traceState: "rojo=1",
            startUnixNano: 1_700_000_000_000_000_001)
        span.endUnixNano = 1_700_000_000_000_500_000
        span.grpcStatusCode = code.rawValue
        span.status = Span.serverStatus(code, message: message)
        return span
    }

    @Test func aCallSpanHasHexIdsStringTimesAndTheRPCAttributes() throws {
        let encoder = OTLPJSONEncoder(serviceName: "planning-test")
        let document = try self.decode(encoder.encode([self.callSpan(code: .ok)]))
        let resourceSpans = try #require(document["resourceSpans"] as? [[String: Any]])
        let resource = try #require(resourceSpans.first?["resource"] as? [String: Any])
        #expect(try self.attributes(resource)["service.name"] == ["stringValue": "planning-test"])
        let span = try self.firstSpan(document)
        #expect(span["traceId"] as? String == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(span["spanId"] as? String == "00f067aa0ba902b7")
        #expect(span["parentSpanId"] as? String == "1111111111111111")
        #expect(span["traceState"] as? String == "rojo=1")
        #expect(span["name"] as? String == "bench.Echo/Unary")
        #expect(span["kind"] as? Int == 2)
        // 64-bit integers are strings in OTLP's JSON mapping: a double would lose the nanoseconds.
        #expect(span["startTimeUnixNano"] as? String == "1700000000000000001")
        #expect(span["endTimeUnixNano"] as? String == "1700000000000500000")
        // The sampled flag, with "has is-remote" and "is remote" (a server span's parent came over the wire).
        #expect(span["flags"] as? Int == 0x301)
        let attributes = try self.attributes(span)
        #expect(attributes["rpc.system"] == ["stringValue": "grpc"])
        #expect(attributes["rpc.service"] == ["stringValue": "bench.Echo"])
        #expect(attributes["rpc.method"] == ["stringValue": "Unary"])
        #expect(attributes["rpc.grpc.status_code"] == ["intValue": "0"])
        #expect(span["status"] as? [String: Int] == ["code": 1])
    }

    @Test func aServerFaultIsAnErrorWithItsMessageAndACallersFaultIsUnset() throws {
        let encoder = OTLPJSONEncoder(serviceName: "s")
        let failed = try self.firstSpan(self.decode(encoder.encode([self.callSpan(code: .internalError, message: "x")])))
        let status = try #require(failed["status"] as? [String: Any])
        #expect(status["code"] as? Int == 2)
        #expect(status["message"] as? String == "INTERNAL: x")
        let notFound = try self.firstSpan(self.decode(encoder.encode([self.callSpan(code: .notFound, message: "x")])))
        #expect(notFound["status"] as? [String: Int] == ["code": 0])
        #expect(try self.attributes(notFound)["rpc.grpc.status_code"] == ["intValue": "5"])
    }

    @Test(arguments: [
        (StatusCode.ok, 1), (.cancelled, 0), (.unknown, 2), (.invalidArgument, 0), (.deadlineExceeded, 2),
        (.notFound, 0), (.alreadyExists, 0), (.permissionDenied, 0), (.resourceExhausted, 0),
        (.failedPrecondition, 0), (.aborted, 0), (.outOfRange, 0), (.unimplemented, 2), (.internalError, 2),
        (.unavailable, 2), (.dataLoss, 2), (.unauthenticated, 0),
    ])
    func serverStatusFollowsTheGRPCConventions(code: StatusCode, otlp: Int) {
        #expect(Span.serverStatus(code, message: "m").code == otlp)
    }

    @Test func aRootJobSpanHasNoParentAndItsOwnAttributes() throws {
        var span = Span(
            name: "job classify_pdes", kind: .internal, traceID: "0123456789abcdef0123456789abcdef", spanID: 1,
            parentSpanID: nil, startUnixNano: 5)
        span.attributes = [SpanAttribute("job.id", "job_1"), SpanAttribute("job.items_done", Int64(-3))]
        let encoded = try self.firstSpan(self.decode(OTLPJSONEncoder(serviceName: "s").encode([span])))
        #expect(encoded["parentSpanId"] == nil)
        #expect(encoded["traceState"] == nil)
        #expect(encoded["spanId"] as? String == "0000000000000001")
        #expect(encoded["kind"] as? Int == 1)
        #expect(encoded["flags"] as? Int == 0x101)
        #expect(encoded["status"] as? [String: Int] == ["code": 0])
        let attributes = try self.attributes(encoded)
        #expect(attributes == ["job.id": ["stringValue": "job_1"], "job.items_done": ["intValue": "-3"]])
    }

    @Test func stringsAreEscaped() throws {
        var span = self.callSpan(code: .unknown, message: "quote \" backslash \\ newline \n tab \t bell \u{7} é ☃")
        span.name = "a\"b/c\u{1}"
        let bytes = OTLPJSONEncoder(serviceName: "s\"vc").encode([span])
        let encoded = try self.firstSpan(self.decode(bytes))
        #expect(encoded["name"] as? String == "a\"b/c\u{1}")
        let status = try #require(encoded["status"] as? [String: Any])
        #expect(status["message"] as? String == "UNKNOWN: quote \" backslash \\ newline \n tab \t bell \u{7} é ☃")
        #expect(String(decoding: bytes, as: UTF8.self).contains(#"\u0007"#))
    }

    @Test func aBatchKeepsItsOrderAndAnEmptyOneIsValid() throws {
        let spans = (1...3).map { index in
            Span(
                name: "s\(index)", kind: .internal, traceID: "0123456789abcdef0123456789abcdef",
                spanID: UInt64(index), parentSpanID: nil, startUnixNano: 1)
        }
        let document = try self.decode(OTLPJSONEncoder(serviceName: "s").encode(spans))
        let resourceSpans = try #require(document["resourceSpans"] as? [[String: Any]])
        let scopeSpans = try #require(resourceSpans.first?["scopeSpans"] as? [[String: Any]])
        let encoded = try #require(scopeSpans.first?["spans"] as? [[String: Any]])
        #expect(encoded.map { $0["name"] as? String } == ["s1", "s2", "s3"])
        let empty = try self.decode(OTLPJSONEncoder(serviceName: "s").encode([]))
        #expect(empty["resourceSpans"] != nil)
    }

    @Test func hexIsSixteenLowerCaseDigitsAtBothEnds() {
        #expect(Span.hex(1) == "0000000000000001")
        #expect(Span.hex(UInt64.max) == "ffffffffffffffff")
        #expect(Span.hex(0xABCD_EF01_2345_6789) == "abcdef0123456789")
    }

    @Test func aSpansContextIsAValidTraceparentForItsChildren() throws {
        let span = self.callSpan(code: .ok)
        let context = span.context
        let reparsed = try #require(TraceContext(traceparent: context.traceparent, tracestate: context.traceState))
        #expect(reparsed == context)
        #expect(reparsed.spanID == "00f067aa0ba902b7")
        #expect(reparsed.traceState == "rojo=1")
    }
}
