import ArgumentParser
import Foundation
import PlanningRPC

struct DocumentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "documents",
        abstract: "Regulatory documents of a report.",
        subcommands: [Add.self, List.self]
    )

    static var columns: [Printer.Column<Planning_V1_Document>] {
        [
            .init("ID", \.id), .init("REPORT", \.reportID), .init("TITLE", \.title),
            .init("SIZE", { String($0.textSize) }),
            .init("CREATED", \.createTime.iso8601),
        ]
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Adds a document (UTF-8 text) to a report.")
        @OptionGroup var options: ClientOptions
        @Option(help: "The report's id.") var report: String
        @Option(help: "The document's title (default: the file name).") var title: String?
        @Option(help: "The text file to upload.") var file: String

        func run() async throws {
            try await self.options.withClient { client in
                guard let data = FileManager.default.contents(atPath: self.file) else {
                    throw CommandError("cannot read \(self.file)")
                }
                guard let text = String(data: data, encoding: .utf8) else {
                    throw CommandError("\(self.file) is not UTF-8 text")
                }
                var request = Planning_V1_AddDocumentRequest()
                request.reportID = self.report
                request.document.title = self.title ?? URL(fileURLWithPath: self.file).lastPathComponent
                request.document.text = text
                let document = try await client.addDocument(request)
                try self.options.printer.print([document], columns: DocumentsCommand.columns)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lists the documents of a report, oldest first.")
        @OptionGroup var options: ClientOptions
        @OptionGroup var page: PageOptions
        @Option(help: "The report's id.") var report: String
        @Flag(help: "Include the documents' text (JSON output).") var includeText = false

        func run() async throws {
            try await self.options.withClient { client in
                let documents = try await self.page.collect { size, token in
                    var request = Planning_V1_ListDocumentsRequest()
                    request.reportID = self.report
                    request.includeText = self.includeText
                    request.pageSize = size
                    request.pageToken = token
                    let response = try await client.listDocuments(request)
                    return (response.documents, response.nextPageToken)
                }
                try self.options.printer.print(documents, columns: DocumentsCommand.columns)
            }
        }
    }
}
