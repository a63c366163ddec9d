import SwiftProtobuf

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Prints messages as an aligned table or as JSON lines.
struct Printer {
    let format: OutputFormat

    /// One column: its header and how to read it from a message.
    struct Column<Message> {
        let header: String
        let value: (Message) -> String

        init(_ header: String, _ value: @escaping (Message) -> String) {
            self.header = header
            self.value = value
        }
    }

    func print<Message: SwiftProtobuf.Message>(_ messages: [Message], columns: [Column<Message>]) throws {
        switch self.format {
        case .json:
            var options = JSONEncodingOptions()
            options.preserveProtoFieldNames = true
            for message in messages {
                Swift.print(try message.jsonString(options: options))
            }
        case .table:
            let rows = messages.map { message in columns.map { Self.clean($0.value(message)) } }
            Swift.print(Self.table(header: columns.map(\.header), rows: rows), terminator: "")
        }
        fflush(nil)  // JSON lines reach a pipe before the process goes on (or exits).
    }

    /// Columns padded to their widest cell, two spaces apart; the last column is not padded.
    static func table(header: [String], rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() {
                widths[index] = max(widths[index], cell.count)
            }
        }
        var output = ""
        for row in [header] + rows {
            var line = ""
            for (index, cell) in row.enumerated() {
                if index == row.count - 1 {
                    line += cell
                } else {
                    line += cell + String(repeating: " ", count: widths[index] - cell.count + 2)
                }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            output += line + "\n"
        }
        return output
    }

    /// One line per cell, at most 60 characters: tables are for skimming, JSON has everything.
    private static func clean(_ value: String) -> String {
        let flat = value.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > 60 ? String(flat.prefix(57)) + "..." : flat
    }
}

extension Google_Protobuf_Timestamp {
    /// `2026-11-29T16:43:46Z`, or empty when unset.
    var iso8601: String {
        guard self.seconds != 0 || self.nanos != 0 else { return "" }
        var time = time_t(self.seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
