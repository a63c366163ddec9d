import Foundation
import PlanningRPC
import RPCFraming
import PostgresNIO

// Decoding of rows into records, by column name, as the SQLite store does.

extension CycleRecord {
    init(row: PostgresRandomAccessRow) throws {
        self.init(
            rowID: try row.int64("seq"),
            id: try row.string("id"),
            name: try row.string("name"),
            description: try row.string("description"),
            createTime: try row.date("create_time")
        )
    }
}

extension ReportRecord {
    init(row: PostgresRandomAccessRow) throws {
        self.init(
            rowID: try row.int64("seq"),
            id: try row.string("id"),
            cycleID: try row.string("cycle_id"),
            name: try row.string("name"),
            description: try row.string("description"),
            createTime: try row.date("create_time")
        )
    }
}

extension DocumentRecord {
    init(row: PostgresRandomAccessRow) throws {
        self.init(
            rowID: try row.int64("seq"),
            id: try row.string("id"),
            reportID: try row.string("report_id"),
            title: try row.string("title"),
            text: try row.string("text"),
            textSize: try row.int64("text_size"),
            jobID: try row.string("job_id"),
            createTime: try row.date("create_time")
        )
    }
}

extension AttributeRecord {
    init(row: PostgresRandomAccessRow) throws {
        self.init(
            rowID: try row.int64("seq"),
            id: try row.string("id"),
            reportID: try row.string("report_id"),
            name: try row.string("name"),
            description: try row.string("description"),
            dataType: try row.string("data_type"),
            isCriticalDataElement: try row.bool("critical_data_element"),
            sourceDocumentID: try row.string("source_document_id"),
            sourceSection: try row.string("source_section"),
            jobID: try row.string("job_id"),
            team: try row.string("team"),
            createTime: try row.date("create_time")
        )
    }
}

extension PDERecord {
    init(row: PostgresRandomAccessRow) throws {
        self.init(
            rowID: try row.int64("seq"),
            id: try row.string("id"),
            system: try row.string("system"),
            table: try row.string("table_name"),
            column: try row.string("column_name"),
            dataType: try row.string("data_type"),
            description: try row.string("description"),
            sampleValues: Self.decodeSamples(try row.string("sample_values")),
            createTime: try row.date("create_time"),
            updateTime: try row.date("update_time")
        )
    }
}

extension MappingRecord {
    init(row: PostgresRandomAccessRow) throws {
        self.init(
            rowID: try row.int64("seq"),
            id: try row.string("id"),
            attributeID: try row.string("attribute_id"),
            reportID: try row.string("report_id"),
            pdeID: try row.string("pde_id"),
            confidence: try row.double("confidence"),
            rationale: try row.string("rationale"),
            state: try row.enumValue("state"),
            jobID: try row.string("job_id"),
            team: try row.string("team"),
            createTime: try row.date("create_time"),
            updateTime: try row.date("update_time")
        )
    }
}

extension ClassificationRecord {
    init(row: PostgresRandomAccessRow) throws {
        self.init(
            rowID: try row.int64("seq"),
            id: try row.string("id"),
            pdeID: try row.string("pde_id"),
            criticality: try row.enumValue("criticality"),
            securityClass: try row.enumValue("security_class"),
            hasPersonalData: try row.bool("personal_data"),
            rationale: try row.string("rationale"),
            jobID: try row.string("job_id"),
            team: try row.string("team"),
            createTime: try row.date("create_time"),
            updateTime: try row.date("update_time")
        )
    }
}

extension JobRecord {
    init(row: PostgresRandomAccessRow) throws {
        var result: JobResultSummary?
        if let generated = try row.optionalInt64("result_generated") {
            result = JobResultSummary(
                generated: generated,
                created: try row.optionalInt64("result_created") ?? 0,
                mapped: try row.optionalInt64("result_mapped") ?? 0,
                classified: try row.optionalInt64("result_classified") ?? 0,
                skipped: try row.optionalInt64("result_skipped") ?? 0
            )
        }
        var error: JobFailure?
        if let code = try row["error_code"].decode(Int32?.self) {
            error = JobFailure(code: code, message: try row["error_message"].decode(String?.self) ?? "")
        }
        self.init(
            rowID: try row.int64("seq"),
            id: try row.string("id"),
            kind: try row.enumValue("kind"),
            state: try row.enumValue("state"),
            owner: try row.string("owner"),
            team: try row.string("team"),
            cycleID: try row.string("cycle_id"),
            reportID: try row.string("report_id"),
            requestID: try row.string("request_id"),
            request: try row.data("request"),
            cancelOnDisconnect: try row.bool("cancel_on_disconnect"),
            deadline: try row.optionalDate("deadline"),
            step: try row.string("step"),
            percent: try row.double("percent"),
            itemsDone: try row.int64("items_done"),
            itemsTotal: try row.int64("items_total"),
            createTime: try row.date("create_time"),
            startTime: try row.optionalDate("start_time"),
            finishTime: try row.optionalDate("finish_time"),
            result: result,
            error: error,
            lastSequence: try row.int64("last_sequence"),
            cancelRequested: try row.bool("cancel_requested"),
            worker: try row.string("worker")
        )
        self.trace = TraceContext(traceparent: try row.string("traceparent"), tracestate: try row.string("tracestate"))
    }
}

extension JobEventRecord {
    init(row: PostgresRandomAccessRow) throws {
        self.init(
            rowID: try row.int64("seq"),
            jobID: try row.string("job_id"),
            sequence: try row.int64("sequence"),
            payloadKind: try row.enumValue("payload_kind"),
            createTime: try row.date("create_time"),
            data: try row.data("data")
        )
    }
}

extension PostgresStore {
    /// Runs a keyset-paginated query: `sql` is a SELECT with a WHERE clause (use "WHERE TRUE" for none) whose
    /// parameters are `binds`; the cursor condition, the order and the limit are appended.
    func fetchPage<Item: Sendable>(
        _ session: Session,
        sql: String,
        binds: PostgresBindings,
        page: PageRequest,
        descending: Bool = false,
        decode: (PostgresRandomAccessRow) throws -> Item
    ) async throws -> Page<Item> {
        var sql = sql
        var binds = binds
        if let after = page.after {
            binds.append(after)
            sql += descending ? " AND seq < $\(binds.count)" : " AND seq > $\(binds.count)"
        }
        // One more than asked tells whether there is a next page without a COUNT.
        binds.append(Int64(page.size + 1))
        sql += descending ? " ORDER BY seq DESC LIMIT $\(binds.count)" : " ORDER BY seq LIMIT $\(binds.count)"
        let rows = try await session.rows(PostgresQuery(unsafeSQL: sql, binds: binds))
        let hasMore = rows.count > page.size
        let kept = hasMore ? Array(rows.prefix(page.size)) : rows
        let items = try kept.map(decode)
        let nextCursor: Int64? = hasMore ? try kept.last.map { try $0.int64("seq") } : nil
        return Page(items: items, nextCursor: nextCursor)
    }

    /// Throws `notFound` unless `table` has a row with this id.
    func requireExists(_ session: Session, table: String, what: String, id: String) async throws {
        let row = try await session.row("SELECT 1 AS found FROM \(unescaped: table) WHERE id = \(id)")
        if row == nil { throw StoreError.notFound(what: what, id: id) }
    }
}

extension RecordVisibility {
    /// Appends the condition on the `team` column to a WHERE clause built with numbered binds.
    func appendCondition(to sql: inout String, binds: inout PostgresBindings) {
        if let team = filterTeam {
            binds.append(team)
            sql += " AND (team = $\(binds.count) OR team = '')"
        }
    }
}
