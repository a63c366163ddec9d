import Dispatch
import Foundation
import Logging
import Metrics
import NIOCore
import NIOEmbedded
import PlanningEngine
import PlanningRPC
import RPCFraming
@_spi(Testing) import RPCServer

/// The daemon's planning services (CatalogService, PlanningService with its JobManager) on a temporary SQLite store
/// with the demo data, behind the real transport: each ``exchange(_:chunkSeed:advanceTime:)`` opens one in-memory
/// connection (no socket), feeds it the given client bytes through nghttp2, lets the handlers run, closes it and
/// checks what the server did.
///
/// One event loop serves every connection of the process, so a handler still finishing from an earlier input
/// just runs during a later one; nothing is left without a loop to run on.
final class InMemoryServer: Sendable {
    static let shared = InMemoryServer()

    let loop = NIOAsyncTestingEventLoop()
    let router: RPCRouter
    let configuration: ServerConfiguration
    let logger: Logger
    let demoReportID: String
    /// A job on the demo report (GenerateAttributes, made at start-up), for WatchJob, GetJob and CancelJob.
    let demoJobID: String

    /// The planning methods and their request types, in the order the request target selects them.
    static let catalogMethods = [
        "CreateCycle", "ListCycles", "CreateReport", "ListReports", "AddDocument", "ListDocuments", "ImportPDEs",
        "ListPDEs", "CreateAttribute", "ListAttributes", "ListPDEMappings", "UpdatePDEMapping",
        "ListPDEClassifications",
    ]
    static let planningMethods = [
        "SuggestPDEMappings", "GenerateAttributes", "AutoMapPDEs", "RegenerateAllPDEMappings", "ClassifyPDEs",
        "WatchJob", "GetJob", "ListJobs", "CancelJob",
    ]
    static let paths =
        catalogMethods.map { "/planning.v1.CatalogService/\($0)" }
        + planningMethods.map { "/\(PlanningService.serviceName)/\($0)" }

    private init() {
        MetricsSystem.bootstrap(CallLedger.shared)
        LoggingSystem.bootstrap { label in FaultLogHandler(label: label) }
        // The transport's and the jobs' logger: errors there (a handler throwing a non-RPC error) are faults too.
        let logger = Logger(label: "fuzz")
        self.logger = logger
        var configuration = ServerConfiguration()
        configuration.threads = 1
        self.configuration = configuration

        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("planning-fuzz-\(getpid())", isDirectory: true)
        try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try! SQLiteStore(directory: directory)
        let engine = BuiltInEngine()
        var jobConfiguration = JobManager.Configuration()
        jobConfiguration.maxRunningJobs = 1
        jobConfiguration.maxQueuedJobs = 16
        let jobs = JobManager(store: store, engine: engine, configuration: jobConfiguration, logger: logger)
        let (reportID, jobID, router) = Self.blocking {
            let reportID = try! await DemoData.load(into: store, logger: logger)
            try! await jobs.start()
            let planning = PlanningService(store: store, jobs: jobs, engine: engine, logger: logger)
            var request = Planning_V1_GenerateAttributesRequest()
            request.reportID = reportID
            _ = try! await planning.startGenerateAttributes(request, metadata: Metadata())
            let jobID = try! await store.listJobs(filter: JobFilter(), page: PageRequest(size: 1)).items[0].id
            var router = RPCRouter()
            router.register(CatalogService(store: store))
            router.register(planning)
            return (reportID, jobID, router)
        }
        self.demoReportID = reportID
        self.demoJobID = jobID
        self.router = router
    }

    /// Runs `body` to its end from synchronous code (libFuzzer's callback, the replay loop).
    static func blocking<Result: Sendable>(_ body: @escaping @Sendable () async -> Result) -> Result {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<Result>()
        Task.detached {
            box.value = await body()
            done.signal()
        }
        done.wait()
        return box.value!
    }

    /// What one connection did.
    struct Exchange {
        var output: [UInt8] = []
        var startedCalls = 0
    }

    /// Feeds `input` to a fresh connection in chunks chosen by `chunkSeed` (0: all at once), lets the handlers
    /// answer, optionally moves the loop's clock 30 s on (deadlines, keepalive, idle timers), closes the
    /// connection and checks that every call the router started has ended with a precise status.
    func exchange(_ input: [UInt8], chunkSeed: UInt8, advanceTime: Bool) -> Exchange {
        Self.blocking { await self.run(input, chunkSeed: chunkSeed, advanceTime: advanceTime) }
    }

    private func run(_ input: [UInt8], chunkSeed: UInt8, advanceTime: Bool) async -> Exchange {
        let before = CallLedger.shared.snapshot
        var exchange = Exchange()
        let channel = NIOAsyncTestingChannel(loop: self.loop)
        let configuration = self.configuration
        let router = self.router
        let logger = self.logger
        try! await self.loop.executeInContext {
            try RPCServer.serveConnection(on: channel, configuration: configuration, router: router, logger: logger)
            channel.pipeline.connect(to: try! SocketAddress(ipAddress: "127.0.0.1", port: 1), promise: nil)
        }

        var offset = 0
        var seed = UInt64(chunkSeed) &* 0x9E37_79B9_7F4A_7C15 | 1
        while offset < input.count && channel.isActive {
            var size = input.count - offset
            if chunkSeed != 0 {
                seed ^= seed << 13
                seed ^= seed >> 7
                seed ^= seed << 17
                size = min(size, Int(seed % 64) + 1)
            }
            var buffer = channel.allocator.buffer(capacity: size)
            buffer.writeBytes(input[offset..<offset + size])
            offset += size
            // A protocol error closes the channel; the rest of the input then goes nowhere, as on a socket.
            _ = try? await channel.writeInbound(buffer)
            await self.loop.run()
            await Self.drain(channel, into: &exchange.output)
        }

        // Let the handlers answer: a few turns at once, then a few short sleeps while a started call is running
        // (a handler waiting on SQLite resumes on the loop from another thread).
        for turn in 0..<40 {
            await self.loop.run()
            await Self.drain(channel, into: &exchange.output)
            let now = CallLedger.shared.snapshot
            if now.started - before.started == now.handled - before.handled && turn >= 3 {
                break
            }
            if turn < 8 {
                await Task.yield()
            } else {
                try? await Task.sleep(for: .microseconds(250))
            }
        }
        if advanceTime {
            await self.loop.advanceTime(by: .seconds(30))
            await Self.drain(channel, into: &exchange.output)
        }

        try? await self.loop.executeInContext { channel.close(promise: nil) }
        await self.loop.run()
        await Self.drain(channel, into: &exchange.output)
        _ = try? await channel.finish(acceptAlreadyClosed: true)

        // Closing a connection ends (as CANCELLED) every call still open on it, at once.
        let after = CallLedger.shared.snapshot
        exchange.startedCalls = after.started - before.started
        fuzzCheck(
            after.started - before.started == after.handled - before.handled,
            "\(after.started - before.started) calls started but \(after.handled - before.handled) ended"
        )
        let unexpected = CallLedger.shared.takeUnexpected()
        fuzzCheck(unexpected.isEmpty, "a call ended without a precise status: \(unexpected)")
        if let problem = HTTP2Bytes.frameProblem(exchange.output) {
            fuzzCheck(false, "the server wrote \(problem)")
        }
        return exchange
    }

    private static func drain(_ channel: NIOAsyncTestingChannel, into output: inout [UInt8]) async {
        while let buffer = try? await channel.readOutbound(as: ByteBuffer.self) {
            output += buffer.readableBytesView
        }
    }
}

/// Carries a result out of a detached task to the thread waiting on the semaphore; the semaphore orders the
/// write before the read.
private final class ResultBox<Value: Sendable>: @unchecked Sendable {
    var value: Value?
}

/// Stops the process with `message` when a property does not hold: libFuzzer records the input as a crash.
func fuzzCheck(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition {
        fatalError(message())
    }
}
