/// libFuzzer target: the whole server receive path. Raw client bytes go into a real server connection (nghttp2
/// session, RPCServer's stream state machine, routing, the planning handlers on SQLite) over an in-memory
/// channel; no socket.
///
/// Input layout:
///   byte 0: chunking seed (0: the whole stream in one read; otherwise reads of 1-64 bytes)
///   byte 1: bit 0: move the clock 30 s on before closing (fires deadlines, keepalive and idle timers)
///   rest:   what the client sends, from the connection preface on
///
/// Properties checked (``InMemoryServer``): no crash or sanitizer report; every call the router started has ended
/// once the connection is closed; no call ends UNKNOWN, INTERNAL or DATA_LOSS; the server's output is whole frames.
enum ServerReceiveFuzzer {
    static func run(_ data: [UInt8]) {
        guard data.count >= 2 else { return }
        _ = InMemoryServer.shared.exchange(Array(data[2...]), chunkSeed: data[0], advanceTime: data[1] & 1 != 0)
    }

    /// Seeds: a valid call of every planning method (an empty request and, where it matters, a filled one).
    static func seeds() -> [(String, [UInt8])] {
        var seeds: [(String, [UInt8])] = []
        for (index, path) in InMemoryServer.paths.enumerated() {
            let name = path.split(separator: "/").last!
            for (variant, message) in PlanningRequestFuzzer.sampleRequests(for: index).enumerated() {
                seeds.append(("\(name)-\(variant)", [0, 0] + HTTP2Bytes.call(path: path, message: message)))
            }
        }
        let unary = InMemoryServer.paths[1]
        seeds.append(("ListCycles-chunked", [7, 0] + HTTP2Bytes.call(path: unary, message: [])))
        seeds.append(
            (
                "ListCycles-deadline",
                [0, 1] + HTTP2Bytes.call(path: unary, message: [], extra: [("grpc-timeout", "1S")])
            )
        )
        seeds.append(
            (
                "ListCycles-gzip",
                [0, 0]
                    + HTTP2Bytes.call(
                        path: unary,
                        message: [],
                        extra: [("grpc-encoding", "gzip"), ("grpc-accept-encoding", "gzip,deflate")]
                    )
            )
        )
        seeds.append(("unknown-method", [0, 0] + HTTP2Bytes.call(path: "/planning.v1.CatalogService/Nope", message: [])))
        // A call left open: HEADERS and a message, no END_STREAM; the close must end it.
        let open =
            HTTP2Bytes.preface + HTTP2Bytes.frame(type: HTTP2Bytes.settings, flags: 0, stream: 0, payload: [])
            + HTTP2Bytes.frame(
                type: HTTP2Bytes.headers,
                flags: HTTP2Bytes.endHeaders,
                stream: 1,
                payload: HTTP2Bytes.headerBlock(HTTP2Bytes.requestHeaders(path: InMemoryServer.paths[14]))
            )
        seeds.append(("GenerateAttributes-open", [0, 1] + open))
        return seeds
    }
}
