import RPCClient
import RPCFraming
import RPCServer
import Testing

@Suite(.timeLimit(.minutes(1)))
struct UnaryCallTests {
    @Test(arguments: [0, 1, 64 * 1024, 4 * 1024 * 1024])
    func echoesMessagesOfEverySize(size: Int) async throws {
        try await withTestServer { _, channel in
            let request = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let response = try await channel.unary(path: "/test.Echo/Unary", request: request)
            #expect(response.message == request)
        }
    }

    @Test func refusesAMessageOverTheServerLimit() async throws {
        try await withTestServer { _, channel in
            let request = [UInt8](repeating: 7, count: 4 * 1024 * 1024 + 1)
            let error = await #expect(throws: RPCError.self) {
                try await channel.unary(path: "/test.Echo/Unary", request: request)
            }
            #expect(error?.code == .resourceExhausted)
            // The connection stays usable.
            let response = try await channel.unary(path: "/test.Echo/Unary", request: [1, 2, 3])
            #expect(response.message == [1, 2, 3])
        }
    }

    @Test func compressesRequestsAndDecompressesResponses() async throws {
        try await withTestServer { _, channel in
            let request = [UInt8](repeating: UInt8(ascii: "z"), count: 100_000)
            var metadata = Metadata()
            metadata.add("x-response-compression", "gzip")
            let response = try await channel.unary(
                path: "/test.Echo/Unary",
                request: request,
                metadata: metadata,
                compression: .gzip
            )
            #expect(response.message == request)
        }
    }

    @Test func unknownServiceAndMethodAreUnimplemented() async throws {
        try await withTestServer { _, channel in
            let service = await #expect(throws: RPCError.self) {
                try await channel.unary(path: "/nope.Missing/Call", request: [])
            }
            #expect(service?.code == .unimplemented)
            #expect(service?.message == "unknown service nope.Missing")
            let method = await #expect(throws: RPCError.self) {
                try await channel.unary(path: "/test.Echo/Missing", request: [])
            }
            #expect(method?.code == .unimplemented)
            #expect(method?.message == "unknown method Missing for service test.Echo")
        }
    }

    @Test func echoesAsciiAndBinaryMetadata() async throws {
        try await withTestServer { _, channel in
            var metadata = Metadata()
            metadata.add("x-token", "abc 123")
            metadata.add("x-token", "second")
            let binary: [UInt8] = [0, 1, 2, 0xFF, 0xFE, 10, 13]
            metadata.add("x-blob-bin", binary: binary)
            let response = try await channel.unary(path: "/test.Echo/Unary", request: [], metadata: metadata)
            #expect(response.initialMetadata[stringValues: "x-token"] == ["abc 123", "second"])
            #expect(response.initialMetadata[binaryValues: "x-blob-bin"] == [binary])
            #expect(response.trailingMetadata[stringValues: "x-token"] == ["abc 123", "second"])
            #expect(response.trailingMetadata[binaryValues: "x-blob-bin"] == [binary])
        }
    }

    @Test func aHandlerRPCErrorReachesTheClientWithItsUnicodeMessage() async throws {
        try await withTestServer { _, channel in
            let error = await #expect(throws: RPCError.self) {
                try await channel.unary(path: "/test.Control/Fail", request: [])
            }
            #expect(error?.code == .failedPrecondition)
            #expect(error?.message == TestServices.failureMessage)
        }
    }

    @Test func anyOtherHandlerErrorIsUnknownWithAGenericMessage() async throws {
        try await withTestServer { _, channel in
            let error = await #expect(throws: RPCError.self) {
                try await channel.unary(path: "/test.Control/Boom", request: [])
            }
            #expect(error?.code == .unknown)
            #expect(error?.message.contains("hunter2") == false)
            #expect(error?.message.isEmpty == false)
        }
    }

    @Test func hundredConcurrentCallsShareOneConnection() async throws {
        try await withTestServer { server, channel in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<100 {
                    group.addTask {
                        let request = [UInt8].uint32(UInt32(index))
                        let response = try await channel.unary(path: "/test.Echo/Unary", request: request)
                        #expect(response.message == request)
                    }
                }
                try await group.waitForAll()
            }
            #expect(server.connectionCount == 1)
        }
    }

    @Test func maxConcurrentStreamsOfTheServerIsRespected() async throws {
        let probe = Probe()
        try await withTestServer(probe: probe, configure: { $0.maxConcurrentStreams = 4 }) { _, channel in
            // Let the server's SETTINGS arrive first: before them nghttp2 assumes 100 streams.
            _ = try await channel.unary(path: "/test.Echo/Unary", request: [])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        _ = try await channel.unary(path: "/test.Control/Concurrent", request: [])
                    }
                }
                try await group.waitForAll()
            }
        }
        #expect(probe.maxActive >= 1)
        #expect(probe.maxActive <= 4)
    }
}
