import ArgumentParser
import PlanningRPC

struct ReportsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reports",
        abstract: "Reports of a cycle.",
        subcommands: [Create.self, List.self]
    )

    static var columns: [Printer.Column<Planning_V1_Report>] {
        [
            .init("ID", \.id), .init("CYCLE", \.cycleID), .init("NAME", \.name), .init("CREATED", \.createTime.iso8601),
        ]
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Creates a report in a cycle.")
        @OptionGroup var options: ClientOptions
        @Option(help: "The cycle's id.") var cycle: String
        @Option(help: "The report's name.") var name: String
        @Option(help: "A description.") var description = ""

        func run() async throws {
            try await self.options.withClient { client in
                var request = Planning_V1_CreateReportRequest()
                request.cycleID = self.cycle
                request.report.name = self.name
                request.report.description_p = self.description
                let report = try await client.createReport(request)
                try self.options.printer.print([report], columns: ReportsCommand.columns)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lists the reports of a cycle, oldest first.")
        @OptionGroup var options: ClientOptions
        @OptionGroup var page: PageOptions
        @Option(help: "The cycle's id.") var cycle: String

        func run() async throws {
            try await self.options.withClient { client in
                let reports = try await self.page.collect { size, token in
                    var request = Planning_V1_ListReportsRequest()
                    request.cycleID = self.cycle
                    request.pageSize = size
                    request.pageToken = token
                    let response = try await client.listReports(request)
                    return (response.reports, response.nextPageToken)
                }
                try self.options.printer.print(reports, columns: ReportsCommand.columns)
            }
        }
    }
}
