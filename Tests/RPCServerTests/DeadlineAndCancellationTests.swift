import RPCClient
import RPCFraming
import RPCServer
import Testing

@Suite(.timeLimit(.minutes(1)))
struct DeadlineAndCancellationTests {
    @Test func aPassedDeadlineFailsTheCallAndCancelsTheHandler() async throws {
        let probe = Probe()
        try await withTestServer(probe: probe) { _, channel in
            let start = ContinuousClock.now
            let error = await #expect(throws: RPCError.self) {
                try await channel.unary(
                    path: "/test.Control/Sleep",
                    request: .uint32(10_000),
                    timeout: .milliseconds(200)
                )
            }
            #expect(error?.code == .deadlineExceeded)
            // Ended by the 200 ms deadline, not by the handler's 10 s sleep; the bound leaves room for a loaded
            // machine or a sanitizer (2.6 s was seen with the suites in parallel beside an ASan run).
            #expect(ContinuousClock.now - start < .seconds(8))
            // Counted only when the handler is cancelled (a handler that slept its 10 s out is not), so a generous
            // wait checks the same thing; 3 s was not enough with 404 tests in parallel on a loaded machine.
            #expect(await eventually(timeout: .seconds(20)) { probe.cancelled == 1 })
        }
    }

    @Test func cancellingTheCallingTaskCancelsTheHandler() async throws {
        let probe = Probe()
        try await withTestServer(probe: probe) { _, channel in
            let call = Task {
                try await channel.unary(path: "/test.Control/Sleep", request: .uint32(10_000))
            }
            #expect(await eventually { probe.started == 1 })
            call.cancel()
            let error = await #expect(throws: RPCError.self) { try await call.value }
            #expect(error?.code == .cancelled)
            #expect(await eventually { probe.cancelled == 1 })
        }
    }

    @Test func aStreamingDeadlineEndsTheStream() async throws {
        try await withTestServer { _, channel in
            let responses = channel.serverStreaming(
                path: "/test.Control/Flood",
                request: [],
                timeout: .milliseconds(300)
            )
            let error = await #expect(throws: RPCError.self) {
                for try await _ in responses {}
            }
            #expect(error?.code == .deadlineExceeded)
        }
    }

    @Test func connectionRefusedIsUnavailable() async throws {
        // Bind then release a port so that nothing listens there.
        let port = try await withTestServer { _, channel in channel.port }
        let channel = GRPCChannel(host: "127.0.0.1", port: port)
        let error = await #expect(throws: RPCError.self) {
            try await channel.unary(path: "/test.Echo/Unary", request: [])
        }
        #expect(error?.code == .unavailable)
        await channel.close()
    }
}
