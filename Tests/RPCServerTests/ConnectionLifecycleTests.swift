import Logging
import RPCClient
import RPCFraming
import RPCServer
import Testing

@Suite(.timeLimit(.minutes(1)))
struct ConnectionLifecycleTests {
    @Test func aCallInFlightCompletesDuringGracefulShutdown() async throws {
        let probe = Probe()
        try await withTestServer(probe: probe) { server, channel in
            let call = Task {
                try await channel.unary(path: "/test.Control/Sleep", request: .uint32(500))
            }
            #expect(await eventually { probe.started == 1 })
            await server.shutdownGracefully()
            _ = try await call.value
            #expect(probe.cancelled == 0)
            // The listener is gone: a new call cannot connect.
            let error = await #expect(throws: RPCError.self) {
                try await channel.unary(path: "/test.Echo/Unary", request: [])
            }
            #expect(error?.code == .unavailable)
        }
    }

    @Test func aDroppedConnectionFailsCallsWithUnavailable() async throws {
        let probe = Probe()
        try await withTestServer(probe: probe, configure: { $0.drainTimeout = .milliseconds(100) }) { server, channel in
            let call = Task {
                try await channel.unary(path: "/test.Control/Sleep", request: .uint32(10_000))
            }
            #expect(await eventually { probe.started == 1 })
            await server.shutdownGracefully()
            let error = await #expect(throws: RPCError.self) { try await call.value }
            #expect(error?.code == .unavailable)
        }
    }

    @Test func aSecondShutdownReturnsAtOnce() async throws {
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.threads = 1
        var router = RPCRouter()
        router.register(TestServices(probe: Probe()))
        let server = RPCServer(configuration: configuration, router: router, logger: Logger(label: "test.server"))
        try await server.start()
        await server.shutdownGracefully()
        // Before, the second call scheduled work on event loops the first had shut down, and hung.
        await server.shutdownGracefully()
        #expect(server.connectionCount == 0)
    }

    @Test func aNewCallReconnectsAfterTheServerComesBack() async throws {
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.threads = 1
        configuration.drainTimeout = .milliseconds(200)
        var router = RPCRouter()
        router.register(TestServices(probe: Probe()))
        let first = RPCServer(configuration: configuration, router: router, logger: Logger(label: "test.server"))
        let port = try await first.start().port!
        let channel = GRPCChannel(host: "127.0.0.1", port: port)

        _ = try await channel.unary(path: "/test.Echo/Unary", request: [1])
        await first.shutdownGracefully()
        let error = await #expect(throws: RPCError.self) {
            try await channel.unary(path: "/test.Echo/Unary", request: [2])
        }
        #expect(error?.code == .unavailable)

        configuration.port = port
        let second = RPCServer(configuration: configuration, router: router, logger: Logger(label: "test.server"))
        try await second.start()
        // The failed attempt armed a backoff of about 100 ms: calls fail fast until it passes, then connect.
        var response: ClientResponse?
        for _ in 0..<50 where response == nil {
            response = try? await channel.unary(path: "/test.Echo/Unary", request: [3])
            if response == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(response?.message == [3])
        await channel.close()
        await second.shutdownGracefully()
    }
}
