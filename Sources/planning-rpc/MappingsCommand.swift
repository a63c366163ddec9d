import ArgumentParser
import PlanningRPC

struct MappingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mappings",
        abstract: "PDE mappings of attributes.",
        subcommands: [List.self, Accept.self, Reject.self]
    )

    static var columns: [Printer.Column<Planning_V1_PdeMapping>] {
        [
            .init("ID", \.id), .init("ATTRIBUTE", \.attributeID),
            .init("PDE", { $0.hasPde ? "\($0.pde.system).\($0.pde.table).\($0.pde.column)" : $0.pdeID }),
            .init("CONFIDENCE", { String(format: "%.2f", $0.confidence) }), .init("STATE", { $0.state.name }),
            .init("RATIONALE", \.rationale),
        ]
    }

    enum StateFilter: String, ExpressibleByArgument, CaseIterable {
        case suggested, accepted, rejected

        var proto: Planning_V1_MappingState {
            switch self {
            case .suggested: .suggested
            case .accepted: .accepted
            case .rejected: .rejected
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lists the mappings of a report or of an attribute.")
        @OptionGroup var options: ClientOptions
        @OptionGroup var page: PageOptions
        @Option(help: "The report's id.") var report: String?
        @Option(help: "The attribute's id.") var attribute: String?
        @Option(help: "Only mappings in this state: suggested, accepted or rejected.") var state: StateFilter?

        func validate() throws {
            guard (self.report == nil) != (self.attribute == nil) else {
                throw ValidationError("give exactly one of --report and --attribute")
            }
        }

        func run() async throws {
            try await self.options.withClient { client in
                let mappings = try await self.page.collect { size, token in
                    var request = Planning_V1_ListPDEMappingsRequest()
                    if let report = self.report { request.reportID = report }
                    if let attribute = self.attribute { request.attributeID = attribute }
                    request.state = self.state?.proto ?? .unspecified
                    request.pageSize = size
                    request.pageToken = token
                    let response = try await client.listPDEMappings(request)
                    return (response.mappings, response.nextPageToken)
                }
                try self.options.printer.print(mappings, columns: MappingsCommand.columns)
            }
        }
    }

    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Accepts a mapping.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The mapping's id.") var mapping: String
        @Option(help: "Why.") var rationale = ""

        func run() async throws {
            try await MappingsCommand.update(self.options, self.mapping, .accepted, self.rationale)
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rejects a mapping.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The mapping's id.") var mapping: String
        @Option(help: "Why.") var rationale = ""

        func run() async throws {
            try await MappingsCommand.update(self.options, self.mapping, .rejected, self.rationale)
        }
    }

    static func update(
        _ options: ClientOptions,
        _ mapping: String,
        _ state: Planning_V1_MappingState,
        _ rationale: String
    ) async throws {
        try await options.withClient { client in
            var request = Planning_V1_UpdatePDEMappingRequest()
            request.mappingID = mapping
            request.state = state
            request.rationale = rationale
            try options.printer.print([try await client.updatePDEMapping(request)], columns: Self.columns)
        }
    }
}

extension Planning_V1_MappingState {
    var name: String {
        switch self {
        case .suggested: "suggested"
        case .accepted: "accepted"
        case .rejected: "rejected"
        default: "unspecified"
        }
    }
}
