import RPCClient
import RPCFraming
import RPCServer
import Testing

@Suite(.timeLimit(.minutes(1)))
struct StreamingCallTests {
    @Test func streamsTenThousandMessagesInOrder() async throws {
        try await withTestServer { _, channel in
            let responses = channel.serverStreaming(
                path: "/test.Echo/Stream",
                request: .uint32(10_000) + .uint32(64)
            )
            var expected: UInt32 = 0
            for try await message in responses {
                #expect(message.count == 64)
                if message.uint32() != expected {
                    Issue.record("message \(expected) arrived as \(message.uint32())")
                    break
                }
                expected += 1
            }
            #expect(expected == 10_000)
            #expect(responses.trailingMetadata?[stringValues: "x-count"] == ["10000"])
        }
    }

    @Test func streamsLargeMessagesThroughSmallWindows() async throws {
        var client = ClientConfiguration()
        client.initialStreamWindowSize = 65_535
        client.connectionWindowSize = 65_535
        try await withTestServer(client: client) { _, channel in
            // 1 MiB messages through a 64 KiB window: partial messages must give their window back.
            let responses = channel.serverStreaming(path: "/test.Echo/Stream", request: .uint32(8) + .uint32(1 << 20))
            var count = 0
            for try await message in responses {
                #expect(message.count == 1 << 20)
                count += 1
            }
            #expect(count == 8)
        }
    }

    @Test func initialMetadataAndErrorsOfAStream() async throws {
        try await withTestServer { _, channel in
            let responses = channel.serverStreaming(path: "/test.Missing/Stream", request: [])
            let headError = await #expect(throws: RPCError.self) { try await responses.initialMetadata }
            #expect(headError?.code == .unimplemented)
            let error = await #expect(throws: RPCError.self) {
                for try await _ in responses {}
            }
            #expect(error?.code == .unimplemented)
        }
    }

    /// A client that reads nothing holds the server's writer: the handler writes about one stream window plus
    /// the server's stream write buffer, then waits.
    @Test func aClientThatDoesNotReadHoldsTheServerWriter() async throws {
        let probe = Probe()
        let messageSize = 16 * 1024
        let serverBufferLimit = 64 * 1024
        var client = ClientConfiguration()
        client.initialStreamWindowSize = 128 * 1024
        try await withTestServer(
            probe: probe,
            configure: { $0.streamWriteBufferLimit = serverBufferLimit },
            client: client
        ) { _, channel in
            let responses = channel.serverStreaming(path: "/test.Control/Flood", request: [])
            // Wait until the writes stop, then check they stay stopped.
            var last = -1
            for _ in 0..<50 where probe.writes != last {
                last = probe.writes
                try await Task.sleep(for: .milliseconds(100))
            }
            let stalled = probe.writes
            try await Task.sleep(for: .milliseconds(300))
            #expect(probe.writes == stalled)
            let bound = (client.initialStreamWindowSize + serverBufferLimit) / messageSize + 2
            #expect(stalled > 0)
            #expect(stalled <= bound, "the handler wrote \(stalled) messages; the windows allow \(bound)")

            // Reading lets it go on.
            var read = 0
            for try await _ in responses {
                read += 1
                if read == stalled + 50 { break }
            }
            #expect(probe.writes >= stalled + 40)
            responses.cancel()
            #expect(await eventually { probe.cancelled == 1 })
        }
    }

    @Test func droppingAStreamCancelsTheHandler() async throws {
        let probe = Probe()
        try await withTestServer(probe: probe) { _, channel in
            do {
                let responses = channel.serverStreaming(path: "/test.Control/Flood", request: [])
                var iterator = responses.makeAsyncIterator()
                _ = try await iterator.next()
            }
            #expect(await eventually { probe.cancelled == 1 })
            // The connection's window was given back: the next stream flows.
            let responses = channel.serverStreaming(path: "/test.Echo/Stream", request: .uint32(1_000) + .uint32(4096))
            var count = 0
            for try await _ in responses { count += 1 }
            #expect(count == 1_000)
        }
    }
}
