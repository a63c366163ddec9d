import RPCFraming
import RPCServer

/// The bench service of ../shared/anchors: the wire contract every performance comparison runs on.
///
/// `/bench.Echo/Unary` echoes the request bytes; `/bench.Echo/Stream` takes a big-endian UInt32 K
/// and streams K messages of 64 bytes. Both echo `x-grpc-test-echo-initial` into the response
/// headers and `x-grpc-test-echo-trailing-bin` into the trailers, as gRPC's interop TestService.
/// `x-grpc-test-response-compression: gzip|deflate` asks for a compressed response, so the interop
/// suite can check server-side compression with a stock client. `x-grpc-test-echo-status` (a
/// code) with `x-grpc-test-echo-message-bin` (UTF-8) makes the call fail with that status and
/// message, as the interop `special_status_message` case asks. `/bench.Echo/Bidi` is in
/// EchoService+Bidirectional.swift, `/bench.Echo/Peer` (the client certificate's subject) in EchoService+Peer.swift.
struct EchoService: RPCService {
    static let payload = [UInt8](repeating: UInt8(ascii: "a"), count: 64)

    func registerMethods(with router: inout RPCRouter) {
        router.registerUnary(service: "bench.Echo", method: "Unary") { request, _ in
            try Self.failIfAsked(request.metadata)
            let (initial, trailing) = Self.echoedMetadata(request.metadata)
            return ServerResponse(
                message: request.message,
                metadata: initial,
                trailingMetadata: trailing,
                compression: Self.requestedCompression(request.metadata)
            )
        }
        router.registerServerStreaming(service: "bench.Echo", method: "Stream") { request, _ in
            guard request.message.count >= 4 else {
                throw RPCError(
                    code: .invalidArgument,
                    message: "the request must be a 4-byte big-endian message count, got \(request.message.count) bytes"
                )
            }
            try Self.failIfAsked(request.metadata)
            let count = request.message.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let (initial, trailing) = Self.echoedMetadata(request.metadata)
            return StreamingServerResponse(
                metadata: initial,
                compression: Self.requestedCompression(request.metadata)
            ) { writer in
                for _ in 0..<count {
                    try await writer.write(Self.payload)
                }
                return trailing
            }
        }
        Self.registerBidirectional(with: &router)
        Self.registerPeer(with: &router)
    }

    private static func failIfAsked(_ metadata: Metadata) throws {
        guard let raw = metadata[stringValues: "x-grpc-test-echo-status"].first else { return }
        guard let value = Int(raw), let code = StatusCode(rawValue: value) else {
            throw RPCError(code: .invalidArgument, message: "x-grpc-test-echo-status must be a status code 0...16")
        }
        let message = metadata[binaryValues: "x-grpc-test-echo-message-bin"].first.map {
            String(decoding: $0, as: UTF8.self)
        }
        if code != .ok {
            throw RPCError(code: code, message: message ?? "")
        }
    }

    private static func echoedMetadata(_ metadata: Metadata) -> (initial: Metadata, trailing: Metadata) {
        var initial = Metadata()
        for value in metadata[stringValues: "x-grpc-test-echo-initial"] {
            initial.add("x-grpc-test-echo-initial", value)
        }
        var trailing = Metadata()
        for value in metadata[binaryValues: "x-grpc-test-echo-trailing-bin"] {
            trailing.add("x-grpc-test-echo-trailing-bin", binary: value)
        }
        return (initial, trailing)
    }

    private static func requestedCompression(_ metadata: Metadata) -> CompressionAlgorithm? {
        metadata[stringValues: "x-grpc-test-response-compression"].first.flatMap(CompressionAlgorithm.init(rawValue:))
    }
}
