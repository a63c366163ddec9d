import ArgumentParser
import PlanningRPC

struct AttributesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attributes",
        abstract: "Test attributes of a report.",
        subcommands: [Create.self, List.self]
    )

    static var columns: [Printer.Column<Planning_V1_Attribute>] {
        [
            .init("ID", \.id), .init("NAME", \.name), .init("TYPE", \.dataType),
            .init("CDE", { $0.criticalDataElement ? "yes" : "no" }), .init("SECTION", \.sourceSection),
            .init("DESCRIPTION", \.description_p),
        ]
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Creates an attribute by hand.")
        @OptionGroup var options: ClientOptions
        @Option(help: "The report's id.") var report: String
        @Option(help: "The attribute's name.") var name: String
        @Option(help: "A description.") var description = ""
        @Option(help: "The data type (e.g. decimal, date, string).") var dataType = ""
        @Flag(help: "Mark it a critical data element.") var cde = false

        func run() async throws {
            try await self.options.withClient { client in
                var request = Planning_V1_CreateAttributeRequest()
                request.reportID = self.report
                request.attribute.name = self.name
                request.attribute.description_p = self.description
                request.attribute.dataType = self.dataType
                request.attribute.criticalDataElement = self.cde
                let attribute = try await client.createAttribute(request)
                try self.options.printer.print([attribute], columns: AttributesCommand.columns)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lists the attributes of a report, oldest first.")
        @OptionGroup var options: ClientOptions
        @OptionGroup var page: PageOptions
        @Option(help: "The report's id.") var report: String

        func run() async throws {
            try await self.options.withClient { client in
                let attributes = try await self.page.collect { size, token in
                    var request = Planning_V1_ListAttributesRequest()
                    request.reportID = self.report
                    request.pageSize = size
                    request.pageToken = token
                    let response = try await client.listAttributes(request)
                    return (response.attributes, response.nextPageToken)
                }
                try self.options.printer.print(attributes, columns: AttributesCommand.columns)
            }
        }
    }
}
