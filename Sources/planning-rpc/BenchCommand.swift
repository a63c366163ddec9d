import ArgumentParser
import Foundation
import Histogram
import NIOCore
import NIOPosix
import RPCClient
import RPCFraming

/// `planning-rpc bench`: a load generator for any unary or server-streaming method, with raw bytes.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Load-tests a method with raw request bytes and reports throughput and latency.",
        discussion: """
            A call counts as a success only when it ends with grpc-status 0 (and, for --stream-count, with all \
            its messages). Each connection keeps --concurrency calls in flight, driven from its event loop.
            """
    )

    @Option(help: "The server, as host:port.") var server = "127.0.0.1:50051"
    @Option(help: "The method path.") var method = "/bench.Echo/Unary"
    @Option(help: "Request size in bytes (filled with 'a').") var payloadSize = 64
    @Option(help: "Send this file's bytes as the request instead.") var bodyFile: String?
    @Option(help: "For streaming methods: send the 4-byte big-endian count K and expect K messages.")
    var streamCount: UInt32?
    @Option(help: "Connections.") var connections = 1
    @Option(help: "Calls in flight per connection.") var concurrency = 100
    @Option(help: "Event loop threads (default: min(connections, cores)).") var threads: Int?
    @Option(help: "Seconds to measure (default 10 unless --requests is given).") var duration: Double?
    @Option(help: "Stop after this many measured calls.") var requests: Int?
    @Option(help: "Seconds of warmup, not measured.") var warmup: Double = 1
    @Option(help: "Seconds each call may take (grpc-timeout).") var timeout: Double?
    @Flag(help: "Print the report as JSON.") var json = false

    func validate() throws {
        _ = try ClientOptions.parse(server: self.server)
        guard self.connections > 0, self.concurrency > 0 else {
            throw ValidationError("--connections and --concurrency must be positive")
        }
        guard self.duration.map({ $0 > 0 }) ?? true, self.requests.map({ $0 > 0 }) ?? true, self.warmup >= 0 else {
            throw ValidationError("--duration and --requests must be positive, --warmup not negative")
        }
        guard self.method.hasPrefix("/"), self.method.dropFirst().contains("/") else {
            throw ValidationError("--method must be a path like /package.Service/Method")
        }
    }

    func run() async throws {
        try await reportingFailures {
            let (host, port) = try ClientOptions.parse(server: self.server)
            let request = try self.requestBytes()
            let threads = self.threads ?? min(self.connections, System.coreCount)
            let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
            var configuration = ClientConfiguration()
            configuration.userAgent = "planning-rpc-bench/0.1"
            let channels = (0..<self.connections).map { _ in
                GRPCChannel(host: host, port: port, configuration: configuration, eventLoopGroup: group)
            }
            // Connect first, so the measurement does not include the handshakes.
            for channel in channels {
                let probe = try await self.probe(channel, request: request)
                if let error = probe.error, error.code == .unavailable || error.code == .unimplemented {
                    throw error
                }
            }
            let duration = self.duration ?? (self.requests == nil ? 10 : nil)
            let plan = LoadPlan(
                path: self.method,
                request: request,
                timeout: self.timeout.map { .milliseconds(Int64($0 * 1000)) },
                expectedMessages: self.streamCount.map(Int.init),
                warmup: .milliseconds(Int64(self.warmup * 1000)),
                duration: duration.map { .milliseconds(Int64($0 * 1000)) },
                requests: self.requests
            )
            let drivers = channels.map { LoadDriver(channel: $0, plan: plan, concurrency: self.concurrency) }
            let futures = drivers.map { $0.start() }
            for future in futures {
                try await future.get()
            }
            let report = BenchReport(drivers: drivers, method: self.method, connections: self.connections,
                                     concurrency: self.concurrency, requestBytes: request.count)
            print(self.json ? report.json() : report.text())
            for channel in channels {
                await channel.close()
            }
            try await group.shutdownGracefully()
        }
    }

    private func requestBytes() throws -> [UInt8] {
        if let streamCount = self.streamCount {
            return [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: streamCount >> $0) }
        }
        if let bodyFile = self.bodyFile {
            guard let data = FileManager.default.contents(atPath: bodyFile) else {
                throw CommandError("cannot read \(bodyFile)")
            }
            return [UInt8](data)
        }
        return [UInt8](repeating: UInt8(ascii: "a"), count: self.payloadSize)
    }

    /// One call to open the connection and fail early on a server that is down or lacks the method.
    private func probe(_ channel: GRPCChannel, request: [UInt8]) async throws -> CallResult {
        try await withCheckedThrowingContinuation { continuation in
            channel.startCall(path: self.method, request: request, timeout: .seconds(10)) { result in
                continuation.resume(returning: result)
            }
        }
    }
}
