import ArgumentParser
import PlanningRPC
import RPCClientProtobuf
import SwiftProtobuf

/// The four background operations: each starts a job and follows its progress to the end.
struct GenerateAttributesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-attributes",
        abstract: "Generates a report's test attributes from its documents, with live progress."
    )
    @OptionGroup var options: ClientOptions
    @OptionGroup var follow: FollowOptions
    @Option(help: "The report.") var report: String
    @Flag(inversion: .prefixedNo, help: "Create the attributes (otherwise only report them).") var autoCreate = true
    @Option(help: "Idempotency key: repeating it re-attaches to the same job.") var requestId = ""

    func run() async throws {
        var request = Planning_V1_GenerateAttributesRequest()
        request.reportID = self.report
        request.autoCreate = self.autoCreate
        request.requestID = self.requestId
        try await runJob(self.options, self.follow) { [request] client in try client.generateAttributes(request) }
    }
}

struct AutoMapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auto-map",
        abstract: "Suggests PDE mappings for every attribute of a report without an accepted one."
    )
    @OptionGroup var options: ClientOptions
    @OptionGroup var follow: FollowOptions
    @Option(help: "The report.") var report: String
    @Option(help: "Idempotency key: repeating it re-attaches to the same job.") var requestId = ""

    func run() async throws {
        var request = Planning_V1_AutoMapPDEsRequest()
        request.reportID = self.report
        request.requestID = self.requestId
        try await runJob(self.options, self.follow) { [request] client in try client.autoMapPDEs(request) }
    }
}

struct RegenerateMappingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regenerate-mappings",
        abstract: "Replaces every suggested (never accepted or rejected) mapping of a report."
    )
    @OptionGroup var options: ClientOptions
    @OptionGroup var follow: FollowOptions
    @Option(help: "The report.") var report: String
    @Option(help: "Idempotency key: repeating it re-attaches to the same job.") var requestId = ""

    func run() async throws {
        var request = Planning_V1_RegenerateAllPDEMappingsRequest()
        request.reportID = self.report
        request.requestID = self.requestId
        try await runJob(self.options, self.follow) { [request] client in try client.regenerateAllPDEMappings(request) }
    }
}

struct ClassifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classifies PDEs: the given ones, or all PDEs mapped in a report."
    )
    @OptionGroup var options: ClientOptions
    @OptionGroup var follow: FollowOptions
    @Option(help: "Classify the PDEs mapped in this report.") var report = ""
    @Option(name: .customLong("pde"), help: "A PDE to classify (repeatable).") var pdes: [String] = []
    @Option(help: "Idempotency key: repeating it re-attaches to the same job.") var requestId = ""

    func validate() throws {
        guard !self.report.isEmpty || !self.pdes.isEmpty else { throw ValidationError("give --report or --pde") }
    }

    func run() async throws {
        var request = Planning_V1_ClassifyPDEsRequest()
        request.reportID = self.report
        request.pdeIds = self.pdes
        request.requestID = self.requestId
        try await runJob(self.options, self.follow) { [request] client in try client.classifyPDEs(request) }
    }
}

/// Starts (or re-attaches to) a job stream and follows it; the exit code is the job's outcome.
func runJob(
    _ options: ClientOptions,
    _ follow: FollowOptions,
    start: @escaping @Sendable (PlanningClient) throws -> MessageStream<Planning_V1_JobEvent>
) async throws {
    var code: Int32 = 0
    try await reportingFailures {
        let client = try options.makePlanningClient()
        let follower = JobFollower(client: client, format: options.output, cancelOnExit: follow.cancelOnExit)
        code = try await follower.run { try start(client) }
        await client.channel.close()
    }
    if code != 0 { throw ExitCode(code) }
}
