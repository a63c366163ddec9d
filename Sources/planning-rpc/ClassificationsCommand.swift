import ArgumentParser
import PlanningRPC

struct ClassificationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classifications",
        abstract: "PDE classifications (criticality, sensitivity).",
        subcommands: [List.self]
    )

    static var columns: [Printer.Column<Planning_V1_PdeClassification>] {
        [
            .init("ID", \.id), .init("PDE", \.pdeID), .init("CRITICALITY", { "\($0.criticality)" }),
            .init("SECURITY", { "\($0.securityClass)" }), .init("PERSONAL", { $0.personalData ? "yes" : "no" }),
            .init("RATIONALE", \.rationale),
        ]
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lists PDE classifications, oldest first.")
        @OptionGroup var options: ClientOptions
        @OptionGroup var page: PageOptions
        @Option(help: "Only this PDE's classifications.") var pde = ""

        func run() async throws {
            try await self.options.withClient { client in
                let classifications = try await self.page.collect { size, token in
                    var request = Planning_V1_ListPDEClassificationsRequest()
                    request.pdeID = self.pde
                    request.pageSize = size
                    request.pageToken = token
                    let response = try await client.listPDEClassifications(request)
                    return (response.classifications, response.nextPageToken)
                }
                try self.options.printer.print(classifications, columns: ClassificationsCommand.columns)
            }
        }
    }
}
