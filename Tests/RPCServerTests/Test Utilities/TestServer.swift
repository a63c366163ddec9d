import Logging
import NIOCore
import RPCClient
import RPCFraming
import RPCServer
import Synchronization

/// The in-process server of a test, with an idempotent shutdown: `RPCServer.shutdownGracefully()` must be
/// called once only (a second call would close a listener on an event loop group that is already gone).
final class TestServer: Sendable {
    let server: RPCServer
    private let stopped = Mutex(false)

    init(server: RPCServer) {
        self.server = server
    }

    var connectionCount: Int { self.server.connectionCount }

    func shutdownGracefully() async {
        let first = self.stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        if first {
            await self.server.shutdownGracefully()
        }
    }
}

/// Runs `body` against an in-process server on 127.0.0.1 (port 0) with the test services, and a client channel
/// to it; both are closed afterwards, whatever `body` does.
func withTestServer<Result: Sendable>(
    probe: Probe = Probe(),
    configure: (inout ServerConfiguration) -> Void = { _ in },
    client: ClientConfiguration = ClientConfiguration(),
    _ body: (TestServer, GRPCChannel) async throws -> Result
) async throws -> Result {
    var configuration = ServerConfiguration()
    configuration.host = "127.0.0.1"
    configuration.port = 0
    configuration.threads = 1
    configuration.drainTimeout = .seconds(2)
    configure(&configuration)
    var router = RPCRouter()
    router.register(TestServices(probe: probe))
    let rpcServer = RPCServer(configuration: configuration, router: router, logger: Logger(label: "test.server"))
    let address = try await rpcServer.start()
    let server = TestServer(server: rpcServer)
    let channel = GRPCChannel(host: "127.0.0.1", port: address.port!, configuration: client)
    do {
        let result = try await body(server, channel)
        await channel.close()
        await server.shutdownGracefully()
        return result
    } catch {
        await channel.close()
        await server.shutdownGracefully()
        throw error
    }
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(3), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// Big-endian UInt32 helpers for the test protocol.
extension Array where Element == UInt8 {
    static func uint32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    func uint32(at offset: Int = 0) -> UInt32 {
        self[offset..<offset + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }
}
