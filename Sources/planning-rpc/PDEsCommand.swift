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

/// Reads PDEs from CSV (RFC 4180 quoting).
enum PDECSV {
    static func parse(_ text: String) throws -> [Planning_V1_Pde] {
        let rows = Self.rows(text).filter { !($0.count == 1 && $0[0].isEmpty) }
        guard let header = rows.first else { throw CommandError("the CSV file is empty") }
        let names = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        func index(_ name: String) -> Int? { names.firstIndex(of: name) }
        guard let system = index("system"), let table = index("table"), let column = index("column") else {
            throw CommandError("the CSV header must name the columns system, table and column")
        }
        return try rows.dropFirst().enumerated().map { offset, row in
            func field(_ index: Int?) -> String {
                guard let index, index < row.count else { return "" }
                return row[index]
            }
            guard row.count == header.count else {
                throw CommandError("CSV line \(offset + 2) has \(row.count) fields, the header \(header.count)")
            }
            var pde = Planning_V1_Pde()
            pde.system = field(system)
            pde.table = field(table)
            pde.column = field(column)
            pde.dataType = field(index("data_type"))
            pde.description_p = field(index("description"))
            let samples = field(index("sample_values"))
            pde.sampleValues = samples.isEmpty ? [] : samples.split(separator: "|").map(String.init)
            return pde
        }
    }

    /// Splits CSV text into rows of fields; quotes may hold commas, newlines and doubled quotes.
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            if quoted {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            field.append("\"")
                        } else {
                            quoted = false
                            Self.consume(next, &row, &field, &rows, &quoted)
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else {
                Self.consume(character, &row, &field, &rows, &quoted)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }

    private static func consume(
        _ character: Character,
        _ row: inout [String],
        _ field: inout String,
        _ rows: inout [[String]],
        _ quoted: inout Bool
    ) {
        switch character {
        case ",":
            row.append(field)
            field = ""
        case "\n", "\r\n", "\r":
            row.append(field)
            rows.append(row)
            row = []
            field = ""
        case "\"" where field.isEmpty:
            quoted = true
        default:
            field.append(character)
        }
    }
}
