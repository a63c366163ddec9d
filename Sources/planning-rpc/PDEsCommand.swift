import ArgumentParser
import Foundation
import PlanningRPC

struct PDEsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pdes",
        abstract: "Physical data elements: the columns of source systems.",
        subcommands: [Import.self, List.self]
    )

    static var columns: [Printer.Column<Planning_V1_Pde>] {
        [
            .init("ID", \.id), .init("SYSTEM", \.system), .init("TABLE", \.table), .init("COLUMN", \.column),
            .init("TYPE", \.dataType), .init("DESCRIPTION", \.description_p),
        ]
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Imports PDEs from a CSV file, upserting by (system, table, column).",
            discussion: """
                The CSV has a header row naming its columns: system, table, column (required), data_type, \
                description, sample_values (separated by '|'), in any order. Fields may be double-quoted.
                """
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "The CSV file.") var csv: String

        func run() async throws {
            try await self.options.withClient { client in
                guard let data = FileManager.default.contents(atPath: self.csv),
                    let text = String(data: data, encoding: .utf8)
                else {
                    throw CommandError("cannot read \(self.csv) as UTF-8 text")
                }
                var request = Planning_V1_ImportPDEsRequest()
                request.pdes = try PDECSV.parse(text)
                let response = try await client.importPDEs(request)
                switch self.options.output {
                case .json:
                    try self.options.printer.print([response], columns: [])
                case .table:
                    try self.options.printer.print(response.pdes, columns: PDEsCommand.columns)
                    print("created \(response.createdCount), updated \(response.updatedCount)")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lists PDEs, oldest first.")
        @OptionGroup var options: ClientOptions
        @OptionGroup var page: PageOptions
        @Option(help: "Only this source system.") var system = ""

        func run() async throws {
            try await self.options.withClient { client in
                let pdes = try await self.page.collect { size, token in
                    var request = Planning_V1_ListPDEsRequest()
                    request.system = self.system
                    request.pageSize = size
                    request.pageToken = token
                    let response = try await client.listPDEs(request)
                    return (response.pdes, response.nextPageToken)
                }
                try self.options.printer.print(pdes, columns: PDEsCommand.columns)
            }
        }
    }
}
