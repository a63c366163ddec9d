import ArgumentParser
import Foundation
import Histogram
import NIOCore
import NIOPosix
import PlanningRPC
import RPCClient
import RPCFraming

/// `planning-rpc bench`: a load generator for any unary or server-streaming method, with raw bytes.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Load-tests a method with raw request bytes and reports throughput and latency.",
        discussion: """
            A call counts as a success only when it ends with grpc-status 0 (and, for --stream-count, with all \
            its messages). Each connection keeps --concurrency calls in flight, driven from its event loop. By \
            default calls go out on the bench's own lean HTTP/2 connection, which costs about what h2load does \
            per call; --client channel uses the general-purpose GRPCChannel instead.

            Job mode (--jobs N) starts N jobs (--job-kind classify or generate) and watches each with \
            --watchers-per-job WatchJob calls from sequence 0, some slow (--slow-watchers) and some cancelled and \
            re-attached from their last sequence (--reattach-watchers). It reports the time to the first event, \
            the gaps between events, and checks the delivery contract against a full replay of each job: no \
            sequence skipped but progress ones, no duplicate, every terminal event delivered. It exits 1 when \
            the contract did not hold.
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
    @Option(help: "Client: lean (the bench's own HTTP/2 connection, cheapest) or channel (GRPCChannel).")
    var client: BenchClient = .lean

    @Option(help: "Job mode: start this many jobs and watch them (instead of calling --method).") var jobs: Int?
    @Option(help: "Job mode: WatchJob calls per job, all from sequence 0 at once.") var watchersPerJob = 10
    @Option(help: "Job mode: classify (ClassifyPDEs) or generate (GenerateAttributes).") var jobKind: JobKind = .classify
    @Option(name: .customLong("pde"), help: "Job mode: a PDE to classify (repeatable; default: the first PDEs listed).")
    var pdes: [String] = []
    @Option(help: "Job mode: how many PDEs to classify when none is given.") var pdeCount = 10
    @Option(help: "Job mode: the report (generate, or classify without --pde; default: the first one listed).")
    var report: String?
    @Option(help: "Job mode: percent of watchers that sleep after each event.") var slowWatchers: Double = 0
    @Option(help: "Job mode: milliseconds a slow watcher sleeps per event.") var slowDelayMs = 20
    @Option(help: "Job mode: HTTP/2 stream window of slow watchers, in bytes, so the server sees them fall behind.")
    var slowWindow = 4096
    @Option(help: "Job mode: percent of watchers that cancel after a few events and watch again from there.")
    var reattachWatchers: Double = 0
    @Option(help: "Job mode: events a re-attaching watcher reads before it re-attaches.") var reattachAfter = 3

    @OptionGroup(title: "TLS") var tls: ClientTLSOptions

    func validate() throws {
        _ = try ClientOptions.parse(server: self.server)
        guard self.connections > 0, self.concurrency > 0 else {
            throw ValidationError("--connections and --concurrency must be positive")
        }
        guard self.duration.map({ $0 > 0 }) ?? true, self.requests.map({ $0 > 0 }) ?? true, self.warmup >= 0 else {
            throw ValidationError("--duration and --requests must be positive, --warmup not negative")
        }
        if let jobs = self.jobs {
            guard jobs > 0, self.watchersPerJob > 0, self.reattachAfter > 0, self.slowDelayMs >= 0,
                (1024...(1 << 30)).contains(self.slowWindow)
            else {
                throw ValidationError(
                    "--jobs, --watchers-per-job and --reattach-after must be positive, --slow-window at least 1024"
                )
            }
            guard (0...100).contains(self.slowWatchers), (0...100).contains(self.reattachWatchers) else {
                throw ValidationError("--slow-watchers and --reattach-watchers are percentages")
            }
        }
        guard self.method.hasPrefix("/"), self.method.dropFirst().contains("/") else {
            throw ValidationError("--method must be a path like /package.Service/Method")
        }
    }

    func run() async throws {
        if self.jobs != nil {
            try await self.runJobs()
            return
        }
        try await reportingFailures {
            let (host, port) = try ClientOptions.parse(server: self.server)
            let request = try self.requestBytes()
            let threads = self.threads ?? min(self.connections, System.coreCount)
            let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
            var configuration = ClientConfiguration()
            configuration.userAgent = "planning-rpc-bench/0.1"
            configuration.tls = self.tls.configuration
            let channels = (0..<(self.client == .channel ? self.connections : 1)).map { _ in
                GRPCChannel(host: host, port: port, configuration: configuration, eventLoopGroup: group)
            }
            // Connect first, so the measurement does not include the handshakes.
            for channel in channels {
                let probe = try await self.probe(channel, request: request)
                if let error = probe.error, error.code == .unavailable || error.code == .unimplemented {
                    throw error
                }
            }
            var leanConnections: [BenchConnection] = []
            if self.client == .lean {
                for channel in channels { await channel.close() }
                let tls = try configuration.tls.map { tls in
                    (context: try tls.makeContext(), serverHostname: tls.sniHostname(connectingTo: host))
                }
                for _ in 0..<self.connections {
                    let connection = BenchConnection(
                        eventLoop: group.next(), host: host, port: port, path: self.method, request: request,
                        timeout: self.timeout.map { .milliseconds(Int64($0 * 1000)) },
                        userAgent: configuration.userAgent, tls: tls != nil
                    )
                    try await connection.connect(host: host, port: port, tls: tls).get()
                    leanConnections.append(connection)
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
            let transports: [LoadDriver.Transport] =
                self.client == .lean ? leanConnections.map { .lean($0) } : channels.map { .channel($0) }
            let drivers = transports.map { LoadDriver(transport: $0, plan: plan, concurrency: self.concurrency) }
            let futures = drivers.map { $0.start() }
            for future in futures {
                try await future.get()
            }
            let report = BenchReport(drivers: drivers, method: self.method, connections: self.connections,
                                     concurrency: self.concurrency, requestBytes: request.count)
            print(self.json ? report.json() : report.text())
            for channel in channels where self.client == .channel {
                await channel.close()
            }
            for connection in leanConnections {
                try? await connection.close().get()
            }
            try await group.shutdownGracefully()
        }
    }

    /// Job mode: see ``JobBench``. Exits 1 when the delivery contract did not hold.
    private func runJobs() async throws {
        var passed = true
        try await reportingFailures {
            let (host, port) = try ClientOptions.parse(server: self.server)
            let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, self.threads ?? 1))
            var configuration = ClientConfiguration()
            configuration.userAgent = "planning-rpc-bench/0.1"
            configuration.tls = self.tls.configuration
            let channels = (0..<self.connections).map { _ in
                GRPCChannel(host: host, port: port, configuration: configuration, eventLoopGroup: group)
            }
            let timeout = Duration.milliseconds(Int64((self.timeout ?? 10) * 1000))
            let clients = channels.map {
                PlanningClient(channel: $0, metadata: Metadata(), timeout: timeout, streamTimeout: nil)
            }
            var slowConfiguration = configuration
            slowConfiguration.initialStreamWindowSize = self.slowWindow
            let slowChannels = (0..<self.connections).map { _ in
                GRPCChannel(host: host, port: port, configuration: slowConfiguration, eventLoopGroup: group)
            }
            let slowClients = slowChannels.map {
                PlanningClient(channel: $0, metadata: Metadata(), timeout: timeout, streamTimeout: nil)
            }
            let catalog = CatalogClient(channel: channels[0], metadata: Metadata(), timeout: timeout)
            var pdes = self.pdes
            var report = self.report ?? ""
            if self.jobKind == .classify && pdes.isEmpty && report.isEmpty {
                var request = Planning_V1_ListPDEsRequest()
                request.pageSize = Int32(self.pdeCount)
                pdes = try await catalog.listPDEs(request).pdes.map(\.id)
                guard !pdes.isEmpty else { throw CommandError("the server has no PDEs to classify; give --pde") }
            }
            if self.jobKind == .generate && report.isEmpty {
                report = try await Self.firstReport(catalog)
            }
            let plan = JobBenchPlan(
                jobs: self.jobs ?? 1,
                watchersPerJob: self.watchersPerJob,
                kind: self.jobKind,
                pdes: pdes,
                report: report,
                slowPercent: self.slowWatchers,
                slowDelay: .milliseconds(self.slowDelayMs),
                reattachPercent: self.reattachWatchers,
                reattachAfter: self.reattachAfter
            )
            let result = try await JobBench(plan: plan, clients: clients, slowClients: slowClients).run()
            print(self.json ? result.json() : result.text())
            passed = result.passed
            for channel in channels + slowChannels {
                await channel.close()
            }
            try await group.shutdownGracefully()
        }
        if !passed { throw ExitCode(1) }
    }

    private static func firstReport(_ catalog: CatalogClient) async throws -> String {
        let cycles = try await catalog.listCycles(Planning_V1_ListCyclesRequest()).cycles
        for cycle in cycles {
            var request = Planning_V1_ListReportsRequest()
            request.cycleID = cycle.id
            if let report = try await catalog.listReports(request).reports.first {
                return report.id
            }
        }
        throw CommandError("the server has no report; give --report")
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

extension JobKind: ExpressibleByArgument {}

enum BenchClient: String, ExpressibleByArgument, Sendable {
    case lean
    case channel
}
