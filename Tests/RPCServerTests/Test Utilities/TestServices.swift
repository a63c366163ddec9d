import RPCFraming
import RPCServer

/// The handlers the transport tests call.
///
/// - `/test.Echo/Unary`: echoes the request; `x-*` request metadata comes back in the headers and the trailers;
///   `x-response-compression: gzip` compresses the response.
/// - `/test.Echo/Stream`: request = UInt32 count, UInt32 size; streams `count` messages of `size` bytes (at least
///   4), each starting with its index.
/// - `/test.Control/Sleep`: request = UInt32 milliseconds; sleeps, reporting start and cancellation to the probe.
/// - `/test.Control/Fail`: throws RPCError FAILED_PRECONDITION with a Unicode message.
/// - `/test.Control/Boom`: throws an error that is not an RPCError.
/// - `/test.Control/Concurrent`: counts concurrent calls, holding each for 50 ms.
/// - `/test.Control/Flood`: streams 16 KiB messages until cancelled, counting writes.
/// - `/test.Control/Peer`: answers `subject:` and the client certificate's subject, or `none`.
struct TestServices: RPCService {
    let probe: Probe

    static let failureMessage = "ça a échoué — 失败 🚫 100% \"quoted\""

    struct InternalDetail: Error {
        let secret = "database password is hunter2"
    }

    func registerMethods(with router: inout RPCRouter) {
        let probe = self.probe
        router.registerUnary(service: "test.Control", method: "Peer") { _, context in
            ServerResponse(message: Array((context.tlsPeerSubject.map { "subject:" + $0 } ?? "none").utf8))
        }
        router.registerUnary(service: "test.Echo", method: "Unary") { request, _ in
            var echoed = Metadata()
            for (key, value) in request.metadata where key.hasPrefix("x-") {
                switch value {
                case .string(let string): echoed.add(key, string)
                case .binary(let bytes): echoed.add(key, binary: bytes)
                }
            }
            let compression = request.metadata[stringValues: "x-response-compression"].first
                .flatMap(CompressionAlgorithm.init(rawValue:))
            return ServerResponse(
                message: request.message,
                metadata: echoed,
                trailingMetadata: echoed,
                compression: compression
            )
        }
        router.registerServerStreaming(service: "test.Echo", method: "Stream") { request, _ in
            let count = request.message.uint32(at: 0)
            let size = max(4, Int(request.message.uint32(at: 4)))
            return StreamingServerResponse { writer in
                var message = [UInt8](repeating: 0x5A, count: size)
                for index in 0..<count {
                    message.replaceSubrange(0..<4, with: [UInt8].uint32(index))
                    try await writer.write(message)
                }
                var trailing = Metadata()
                trailing.add("x-count", String(count))
                return trailing
            }
        }
        router.registerUnary(service: "test.Control", method: "Sleep") { request, _ in
            let milliseconds = request.message.uint32(at: 0)
            probe.callStarted()
            try await withTaskCancellationHandler {
                try await Task.sleep(for: .milliseconds(milliseconds))
            } onCancel: {
                probe.callCancelled()
            }
            return ServerResponse(message: [])
        }
        router.registerUnary(service: "test.Control", method: "Fail") { _, _ in
            throw RPCError(code: .failedPrecondition, message: Self.failureMessage)
        }
        router.registerUnary(service: "test.Control", method: "Boom") { _, _ in
            throw InternalDetail()
        }
        router.registerUnary(service: "test.Control", method: "Concurrent") { _, _ in
            probe.enter()
            defer { probe.leave() }
            try await Task.sleep(for: .milliseconds(50))
            return ServerResponse(message: [])
        }
        router.registerServerStreaming(service: "test.Control", method: "Flood") { _, _ in
            StreamingServerResponse { writer in
                let message = [UInt8](repeating: 0x42, count: 16 * 1024)
                do {
                    while true {
                        try await writer.write(message)
                        probe.wrote()
                    }
                } catch {
                    probe.callCancelled()
                    throw error
                }
            }
        }
    }
}
