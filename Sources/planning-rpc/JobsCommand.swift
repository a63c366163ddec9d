import ArgumentParser
import PlanningRPC

/// `planning-rpc jobs list|get|watch|cancel`.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "Background jobs: list, inspect, watch live, cancel.",
        subcommands: [List.self, Get.self, Watch.self, Cancel.self]
    )

    static var columns: [Printer.Column<Planning_V1_Job>] {
        [
            .init("ID", \.id), .init("KIND", { Self.name($0.kind) }), .init("STATE", { Self.name($0.state) }),
            .init("PERCENT", { String(Int($0.percent)) }), .init("ITEMS", { "\($0.itemsDone)/\($0.itemsTotal)" }),
            .init("STEP", \.step), .init("REPORT", \.reportID), .init("OWNER", \.owner), .init("TEAM", \.team),
            .init("CREATED", \.createTime.iso8601),
        ]
    }

    static func name(_ kind: Planning_V1_JobKind) -> String {
        switch kind {
        case .generateAttributes: "generate-attributes"
        case .autoMapPdes: "auto-map"
        case .regenerateAllPdeMappings: "regenerate-mappings"
        case .classifyPdes: "classify"
        default: "unknown"
        }
    }

    static func name(_ state: Planning_V1_JobState) -> String {
        switch state {
        case .queued: "queued"
        case .running: "running"
        case .succeeded: "succeeded"
        case .failed: "failed"
        case .cancelled: "cancelled"
        default: "unknown"
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lists jobs, newest first.")
        @OptionGroup var options: ClientOptions
        @OptionGroup var page: PageOptions
        @Option(help: "Only jobs of this report.") var report = ""
        @Option(help: "Only jobs of this cycle.") var cycle = ""
        @Option(help: "Only jobs of this owner.") var owner = ""
        @Option(help: "Only jobs in this state: queued, running, succeeded, failed, cancelled.") var state: String?

        func run() async throws {
            let states: [String: Planning_V1_JobState] = [
                "queued": .queued, "running": .running, "succeeded": .succeeded, "failed": .failed,
                "cancelled": .cancelled,
            ]
            var filter = Planning_V1_ListJobsRequest()
            if let state = self.state {
                guard let value = states[state] else {
                    throw ValidationError("--state must be one of \(states.keys.sorted().joined(separator: ", "))")
                }
                filter.state = value
            }
            filter.reportID = self.report
            filter.cycleID = self.cycle
            filter.owner = self.owner
            try await reportingFailures {
                let client = try self.options.makePlanningClient()
                let jobs = try await self.page.collect { size, token in
                    var request = filter
                    request.pageSize = size
                    request.pageToken = token
                    let response = try await client.listJobs(request)
                    return (response.jobs, response.nextPageToken)
                }
                try self.options.printer.print(jobs, columns: JobsCommand.columns)
                await client.channel.close()
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Shows one job (for polling scripts).")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The job id.") var job: String

        func run() async throws {
            try await reportingFailures {
                let client = try self.options.makePlanningClient()
                var request = Planning_V1_GetJobRequest()
                request.jobID = self.job
                try self.options.printer.print([try await client.getJob(request)], columns: JobsCommand.columns)
                await client.channel.close()
            }
        }
    }

    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Follows a job live: replays what came after --after, then the live events, to the end."
        )
        @OptionGroup var options: ClientOptions
        @OptionGroup var follow: FollowOptions
        @Argument(help: "The job id.") var job: String
        @Option(help: "Replay from the event after this sequence (0: from the start).") var after: Int64 = 0

        func run() async throws {
            var request = Planning_V1_WatchJobRequest()
            request.jobID = self.job
            request.afterSequence = self.after
            try await runJob(self.options, self.follow) { [request] client in try client.watchJob(request) }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancels a queued or running job.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The job id.") var job: String

        func run() async throws {
            try await reportingFailures {
                let client = try self.options.makePlanningClient()
                var request = Planning_V1_CancelJobRequest()
                request.jobID = self.job
                try self.options.printer.print([try await client.cancelJob(request)], columns: JobsCommand.columns)
                await client.channel.close()
            }
        }
    }
}

/// `planning-rpc suggest`: ranked PDE suggestions for one attribute, answered synchronously.
struct SuggestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suggest",
        abstract: "Suggests PDEs for one attribute (by id, or ad hoc by name and description)."
    )
    @OptionGroup var options: ClientOptions
    @Option(help: "An existing attribute.") var attribute = ""
    @Option(help: "Ad hoc: the attribute's name.") var name = ""
    @Option(help: "Ad hoc: the attribute's description.") var description = ""
    @Option(help: "Limit to the PDEs mapped in this report (default: the whole catalog).") var report = ""
    @Option(help: "How many suggestions.") var topK: Int32 = 5

    func validate() throws {
        guard !self.attribute.isEmpty || !self.name.isEmpty else { throw ValidationError("give --attribute or --name") }
    }

    func run() async throws {
        var request = Planning_V1_SuggestPDEMappingsRequest()
        if self.attribute.isEmpty {
            var adHoc = Planning_V1_AdHocAttribute()
            adHoc.name = self.name
            adHoc.description_p = self.description
            request.adHoc = adHoc
        } else {
            request.attributeID = self.attribute
        }
        request.scope = self.report.isEmpty ? .catalog : .report
        request.reportID = self.report
        request.topK = self.topK
        try await reportingFailures {
            let client = try self.options.makePlanningClient()
            let response = try await client.suggestPDEMappings(request)
            try self.options.printer.print(
                response.suggestions,
                columns: [
                    .init("PDE", \.pde.id),
                    .init("COLUMN", { "\($0.pde.system).\($0.pde.table).\($0.pde.column)" }),
                    .init("CONFIDENCE", { String(format: "%.2f", $0.confidence) }),
                    .init("RATIONALE", \.rationale),
                ]
            )
            await client.channel.close()
        }
    }
}
