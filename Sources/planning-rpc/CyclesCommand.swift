import ArgumentParser
import PlanningRPC

struct CyclesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cycles",
        abstract: "Test cycles.",
        subcommands: [Create.self, List.self]
    )

    static var columns: [Printer.Column<Planning_V1_Cycle>] {
        [
            .init("ID", \.id), .init("NAME", \.name), .init("CREATED", \.createTime.iso8601),
            .init("DESCRIPTION", \.description_p),
        ]
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Creates a cycle.")
        @OptionGroup var options: ClientOptions
        @Option(help: "The cycle's name (unique).") var name: String
        @Option(help: "A description.") var description = ""

        func run() async throws {
            try await self.options.withClient { client in
                var request = Planning_V1_CreateCycleRequest()
                request.cycle.name = self.name
                request.cycle.description_p = self.description
                let cycle = try await client.createCycle(request)
                try self.options.printer.print([cycle], columns: CyclesCommand.columns)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lists cycles, oldest first.")
        @OptionGroup var options: ClientOptions
        @OptionGroup var page: PageOptions

        func run() async throws {
            try await self.options.withClient { client in
                let cycles = try await self.page.collect { size, token in
                    var request = Planning_V1_ListCyclesRequest()
                    request.pageSize = size
                    request.pageToken = token
                    let response = try await client.listCycles(request)
                    return (response.cycles, response.nextPageToken)
                }
                try self.options.printer.print(cycles, columns: CyclesCommand.columns)
            }
        }
    }
}
