import RPCFraming
import RPCServer

/// `/bench.Echo/Bidi`: echoes each request message as it arrives, for the transport's bidirectional-streaming
/// tests. `x-grpc-test-read-delay-ms: N` makes the handler wait N ms before it reads, so that a test can fill the
/// request buffer past its limit; initial and trailing metadata are echoed as by the other methods.
extension EchoService {
    static func registerBidirectional(with router: inout RPCRouter) {
        router.registerBidirectionalStreaming(service: "bench.Echo", method: "Bidi") { request, _ in
            let delay = request.metadata[stringValues: "x-grpc-test-read-delay-ms"].first.flatMap { Int($0) } ?? 0
            var initial = Metadata()
            for value in request.metadata[stringValues: "x-grpc-test-echo-initial"] {
                initial.add("x-grpc-test-echo-initial", value)
            }
            return StreamingServerResponse(metadata: initial) { writer in
                if delay > 0 {
                    try await Task.sleep(for: .milliseconds(delay))
                }
                for try await message in request.messages {
                    try await writer.write(message)
                }
                return Metadata()
            }
        }
    }
}
