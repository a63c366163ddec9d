import Foundation
import GRDB
import RPCFraming

// Decoding of rows into records. Written by hand (not GRDB's Codable records) because the records are public
// and GRDB is an internal dependency: a public conformance to a GRDB protocol would make it part of our API.

extension Date {
    /// Milliseconds since 1970, as the database keeps times.
    package var storeMillis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    /// A date from milliseconds since 1970.
    package init(storeMillis: Int64) { self.init(timeIntervalSince1970: Double(storeMillis) / 1000) }
}

extension Row {
    /// A required time column.
    func date(_ column: String) -> Date { Date(storeMillis: self[column]) }

    /// An optional time column.
    func optionalDate(_ column: String) -> Date? {
        (self[column] as Int64?).map { Date(storeMillis: $0) }
    }

    /// A required enum column; an unknown raw value is a corrupt database, reported as such.
    func enumValue<E: RawRepresentable>(_ column: String) throws -> E where E.RawValue == String {
        let raw: String = self[column]
        guard let value = E(rawValue: raw) else {
            throw StoreError.invalid("unknown \(E.self) '\(raw)' in column \(column)")
        }
        return value
    }
}

extension CycleRecord {
    init(row: Row) {
        self.init(
            rowID: row["seq"], id: row["id"], name: row["name"], description: row["description"],
            createTime: row.date("create_time"))
    }
}

extension ReportRecord {
    init(row: Row) {
        self.init(
            rowID: row["seq"], id: row["id"], cycleID: row["cycle_id"], name: row["name"],
            description: row["description"], createTime: row.date("create_time"))
    }
}

extension DocumentRecord {
    init(row: Row) {
        self.init(
            rowID: row["seq"], id: row["id"], reportID: row["report_id"], title: row["title"], text: row["text"],
            textSize: row["text_size"], jobID: row["job_id"], createTime: row.date("create_time"))
    }
}

extension AttributeRecord {
    init(row: Row) {
        self.init(
            rowID: row["seq"], id: row["id"], reportID: row["report_id"], name: row["name"],
            description: row["description"], dataType: row["data_type"],
            isCriticalDataElement: row["critical_data_element"], sourceDocumentID: row["source_document_id"],
            sourceSection: row["source_section"], jobID: row["job_id"], team: row["team"],
            createTime: row.date("create_time"))
    }
}

extension PDERecord {
    init(row: Row) {
        let samples: String = row["sample_values"]
        self.init(
            rowID: row["seq"], id: row["id"], system: row["system"], table: row["table_name"],
            column: row["column_name"], dataType: row["data_type"], description: row["description"],
            sampleValues: Self.decodeSamples(samples), createTime: row.date("create_time"),
            updateTime: row.date("update_time"))
    }

    /// Sample values are stored as a JSON array of strings: portable, and readable in the sqlite3 shell.
    package static func encodeSamples(_ values: [String]) -> String {
        guard let data = try? JSONEncoder().encode(values) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    package static func decodeSamples(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }
}

extension MappingRecord {
    init(row: Row) throws {
        self.init(
            rowID: row["seq"], id: row["id"], attributeID: row["attribute_id"], reportID: row["report_id"],
            pdeID: row["pde_id"], confidence: row["confidence"], rationale: row["rationale"],
            state: try row.enumValue("state"), jobID: row["job_id"], team: row["team"], createTime: row.date("create_time"),
            updateTime: row.date("update_time"))
    }
}

extension ClassificationRecord {
    init(row: Row) throws {
        self.init(
            rowID: row["seq"], id: row["id"], pdeID: row["pde_id"], criticality: try row.enumValue("criticality"),
            securityClass: try row.enumValue("security_class"), hasPersonalData: row["personal_data"],
            rationale: row["rationale"], jobID: row["job_id"], team: row["team"], createTime: row.date("create_time"),
            updateTime: row.date("update_time"))
    }
}

extension JobRecord {
    init(row: Row) throws {
        var result: JobResultSummary?
        if let generated = row["result_generated"] as Int64? {
            result = JobResultSummary(
                generated: generated, created: row["result_created"] ?? 0, mapped: row["result_mapped"] ?? 0,
                classified: row["result_classified"] ?? 0, skipped: row["result_skipped"] ?? 0)
        }
        var error: JobFailure?
        if let code = row["error_code"] as Int32? {
            error = JobFailure(code: code, message: row["error_message"] ?? "")
        }
        self.init(
            rowID: row["seq"], id: row["id"], kind: try row.enumValue("kind"), state: try row.enumValue("state"),
            owner: row["owner"], team: row["team"], cycleID: row["cycle_id"], reportID: row["report_id"],
            requestID: row["request_id"], request: row["request"], cancelOnDisconnect: row["cancel_on_disconnect"],
            deadline: row.optionalDate("deadline"), step: row["step"], percent: row["percent"],
            itemsDone: row["items_done"], itemsTotal: row["items_total"], createTime: row.date("create_time"),
            startTime: row.optionalDate("start_time"), finishTime: row.optionalDate("finish_time"), result: result,
            error: error, lastSequence: row["last_sequence"], cancelRequested: row["cancel_requested"],
            worker: row["worker"])
        self.trace = TraceContext(traceparent: row["traceparent"] ?? "", tracestate: row["tracestate"] ?? "")
    }
}

extension JobEventRecord {
    init(row: Row) throws {
        self.init(
            rowID: row["seq"], jobID: row["job_id"], sequence: row["sequence"],
            payloadKind: try row.enumValue("payload_kind"), createTime: row.date("create_time"), data: row["data"])
    }
}

extension SQLiteStore {
    /// Runs a keyset-paginated query: `sql` is a SELECT with a WHERE clause (use "WHERE 1" for none) to which
    /// the cursor condition, the order and the limit are appended.
    func fetchPage<Item: Sendable>(
        _ db: Database, sql: String, arguments: StatementArguments, page: PageRequest, descending: Bool = false,
        decode: (Row) throws -> Item
    ) throws -> Page<Item> {
        var sql = sql
        var arguments = arguments
        if let after = page.after {
            sql += descending ? " AND seq < ?" : " AND seq > ?"
            arguments += [after]
        }
        sql += descending ? " ORDER BY seq DESC LIMIT ?" : " ORDER BY seq LIMIT ?"
        // One more than asked tells whether there is a next page without a COUNT.
        arguments += [page.size + 1]
        let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
        let hasMore = rows.count > page.size
        let kept = hasMore ? Array(rows.prefix(page.size)) : rows
        let items = try kept.map(decode)
        let nextCursor: Int64? = hasMore ? kept.last.map { $0["seq"] as Int64 } : nil
        return Page(items: items, nextCursor: nextCursor)
    }

    /// Throws `notFound` unless `table` has a row with this id.
    func requireExists(_ db: Database, table: String, what: String, id: String) throws {
        let found = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(table) WHERE id = ?)", arguments: [id])
        if found != true { throw StoreError.notFound(what: what, id: id) }
    }
}
