import RPCFraming
import Testing

struct TraceContextTests {
    static let trace = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let span = "00f067aa0ba902b7"

    @Test func parsesTheSpecificationsExample() throws {
        let context = try #require(TraceContext(traceparent: "00-\(Self.trace)-\(Self.span)-01", tracestate: "rojo=1"))
        #expect(context.traceID == Self.trace)
        #expect(context.spanID == Self.span)
        #expect(context.flags == 1)
        #expect(context.isSampled)
        #expect(context.traceState == "rojo=1")
        #expect(context.traceparent == "00-\(Self.trace)-\(Self.span)-01")
        #expect(try #require(TraceContext(traceparent: "00-\(Self.trace)-\(Self.span)-00")).isSampled == false)
    }

    @Test(arguments: [
        "",
        "00-\(trace)-\(span)-0",  // 54 characters, one short
        "00-\(trace)-\(span)-01-",  // version 00 has exactly 55
        "00-\(trace)-\(span)-011",
        "00-\(trace.uppercased())-\(span)-01",  // upper case is invalid
        "00-\(trace)-\(span.uppercased())-01",
        "00-00000000000000000000000000000000-\(span)-01",  // all-zero trace id
        "00-\(trace)-0000000000000000-01",  // all-zero parent id
        "ff-\(trace)-\(span)-01",  // version ff is invalid
        "0g-\(trace)-\(span)-01",
        "00_\(trace)-\(span)-01",
        "00-\(trace)_\(span)-01",
        "00-\(trace)-\(span)_01",
        "00-\(trace)-\(span)-0x",
        "01-\(trace)-\(span)-01x",  // a later version may grow, but only after a dash
        " 00-\(trace)-\(span)-01",
    ])
    func rejectsInvalidValues(_ value: String) {
        #expect(TraceContext(traceparent: value) == nil)
    }

    @Test func readsALaterVersionAsVersion00() throws {
        let context = try #require(TraceContext(traceparent: "cc-\(Self.trace)-\(Self.span)-01-what-comes-next"))
        #expect(context.traceID == Self.trace)
        #expect(context.traceparent == "00-\(Self.trace)-\(Self.span)-01")
        #expect(TraceContext(traceparent: "cc-\(Self.trace)-\(Self.span)-01") != nil)
    }

    @Test func tracestateIsKeptUpToItsLimit() throws {
        let parent = "00-\(Self.trace)-\(Self.span)-01"
        let atLimit = String(repeating: "a", count: TraceContext.maxTraceStateLength)
        #expect(try #require(TraceContext(traceparent: parent, tracestate: atLimit)).traceState == atLimit)
        #expect(try #require(TraceContext(traceparent: parent, tracestate: atLimit + "a")).traceState == "")
    }

    @Test func fromMetadataNeedsExactlyOneTraceparent() throws {
        var metadata = Metadata()
        #expect(TraceContext(metadata: metadata) == nil)
        metadata.add("traceparent", "00-\(Self.trace)-\(Self.span)-01")
        metadata.add("tracestate", "a=1")
        metadata.add("tracestate", "b=2")
        #expect(try #require(TraceContext(metadata: metadata)).traceState == "a=1,b=2")
        metadata.add("traceparent", "00-\(Self.trace)-\(Self.span)-01")
        #expect(TraceContext(metadata: metadata) == nil)
    }
}
