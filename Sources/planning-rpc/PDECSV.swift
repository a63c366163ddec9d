import Foundation
import PlanningRPC

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
