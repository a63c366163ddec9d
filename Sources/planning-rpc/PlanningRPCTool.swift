import ArgumentParser

/// `planning-rpc`: the command-line client of planning-rpcd.
@main
struct PlanningRPCTool: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "planning-rpc",
        abstract: "Calls planning-rpcd: the catalog, the planning jobs with live progress, and a load generator.",
        discussion: """
            Exit codes: 0 success, 1 other errors, 2 NOT_FOUND, 3 UNAVAILABLE (server down or unreachable), \
            64 usage errors.
            """,
        subcommands: [
            CyclesCommand.self,
            ReportsCommand.self,
            DocumentsCommand.self,
            PDEsCommand.self,
            AttributesCommand.self,
            MappingsCommand.self,
            ClassificationsCommand.self,
            AuthCommand.self,
            SuggestCommand.self,
            GenerateAttributesCommand.self,
            AutoMapCommand.self,
            RegenerateMappingsCommand.self,
            ClassifyCommand.self,
            JobsCommand.self,
            BenchCommand.self,
        ]
    )
}
