import Foundation
import GRDB
import Testing

@testable import PlanningRPC

/// `v4-record-team` on a SQLite database with records from before it: each record made by a job joins the job's team,
/// the others become shared, row ids are kept, and the natural keys become per team.
@Suite struct RecordTeamMigrationTests {
    @Test func existingRecordsJoinTheirJobsTeam() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("record-team-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("planning.sqlite").path
        do {
            let old = try DatabaseQueue(path: path)
            try SQLiteStore.migrator.migrate(old, upTo: "v3-job-trace")
            try await old.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO cycles (id, name, description, create_time) VALUES ('cyc_1', 'Q4', '', 0);
                        INSERT INTO reports (id, cycle_id, name, description, create_time)
                            VALUES ('rep_1', 'cyc_1', 'H.1', '', 0);
                        INSERT INTO pdes (id, system, table_name, column_name, data_type, description, sample_values,
                            create_time, update_time) VALUES ('pde_1', 'S', 'T', 'A', '', '', '[]', 0, 0);
                        INSERT INTO jobs (id, kind, state, owner, cycle_id, report_id, request_id, request,
                            cancel_on_disconnect, deadline, step, percent, items_done, items_total, create_time,
                            last_sequence, cancel_requested, worker, team)
                            VALUES ('job_b', 'generate_attributes', 'succeeded', 'alice', '', 'rep_1', '', x'', 0,
                                NULL, 'done', 100, 0, 0, 0, 0, 0, '', 'blue');
                        INSERT INTO attributes (seq, id, report_id, name, description, data_type,
                            critical_data_element, source_document_id, source_section, job_id, create_time)
                            VALUES (7, 'att_job', 'rep_1', 'Amount', '', '', 0, '', '', 'job_b', 0),
                                   (9, 'att_hand', 'rep_1', 'Date', '', '', 0, '', '', '', 0);
                        INSERT INTO mappings (id, attribute_id, report_id, pde_id, confidence, rationale, state,
                            job_id, create_time, update_time)
                            VALUES ('map_job', 'att_job', 'rep_1', 'pde_1', 0.9, '', 'suggested', 'job_b', 0, 0),
                                   ('map_gone', 'att_hand', 'rep_1', 'pde_1', 0.5, '', 'accepted', 'job_gone', 0, 0);
                        INSERT INTO classifications (id, pde_id, criticality, security_class, personal_data,
                            rationale, job_id, create_time, update_time)
                            VALUES ('cls_job', 'pde_1', 'low', 'public', 0, '', 'job_b', 0, 0);
                        """)
            }
            try old.close()
        }
        let store = try SQLiteStore(path: path)
        #expect(try await store.appliedMigrations() == MigrationTests.all)
        let all = try await store.listAttributes(reportID: "rep_1", visibleTo: .all, page: PageRequest()).items
        #expect(all.map(\.id) == ["att_job", "att_hand"])
        #expect(all.map(\.team) == ["blue", ""])
        #expect(all.map(\.rowID) == [7, 9])
        #expect(try await store.mapping(id: "map_job", visibleTo: .all).team == "blue")
        // Its job is gone: shared, seen by every team.
        #expect(try await store.mapping(id: "map_gone", visibleTo: .team("red")).team == "")
        #expect(try await store.classification(pdeID: "pde_1", visibleTo: .all)?.team == "blue")
        #expect(try await store.classification(pdeID: "pde_1", visibleTo: .team("red")) == nil)

        // Red does not see blue's "Amount" and may have its own; the shared "Date" is taken for red too.
        let red = try await store.createAttribute(AttributeRecord(reportID: "rep_1", name: "Amount", team: "red"))
        #expect(red.rowID > 9)
        await #expect(throws: StoreError.alreadyExists("report rep_1 has an attribute named 'Date'")) {
            try await store.createAttribute(AttributeRecord(reportID: "rep_1", name: "Date", team: "red"))
        }
        // The rebuilt tables keep their foreign keys: a mapping of a missing attribute is refused.
        await #expect(throws: StoreError.notFound(what: "attribute", id: "att_missing")) {
            try await store.createMapping(
                MappingRecord(attributeID: "att_missing", pdeID: "pde_1", confidence: 0.1, team: "red"))
        }
        let foreignKeys = try await store.pool.read { db in
            try Row.fetchAll(db, sql: "PRAGMA foreign_key_list(mappings)").map { row -> String in row["table"] }
        }
        #expect(Set(foreignKeys) == ["attributes", "reports", "pdes"])
    }
}
