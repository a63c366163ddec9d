import Foundation
import GRDB
import Testing

@testable import PlanningRPC

/// `v2-job-team` on a database that has jobs from before it: each job's team is its owner (the team an
/// unauthenticated caller had), and idempotency keys become per team.
@Suite struct JobTeamMigrationTests {
    @Test func existingJobsJoinTheirOwnersTeam() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("job-team-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("planning.sqlite").path
        do {
            let old = try DatabaseQueue(path: path)
            try SQLiteStore.migrator.migrate(old, upTo: "v1-jobs")
            try await old.write { db in
                for (id, owner) in [("job_a", "alice"), ("job_b", "bob")] {
                    try db.execute(
                        sql: """
                            INSERT INTO jobs (id, kind, state, owner, cycle_id, report_id, request_id, request,
                                cancel_on_disconnect, deadline, step, percent, items_done, items_total, create_time,
                                last_sequence, cancel_requested, worker)
                            VALUES (?, 'classify_pdes', 'succeeded', ?, '', '', 'key-1', x'', 0, NULL, 'done', 100,
                                0, 0, 0, 0, 0, '')
                            """,
                        arguments: [id, owner]
                    )
                }
            }
            try old.close()
        }
        let store = try SQLiteStore(path: path)
        #expect(try await store.appliedMigrations() == MigrationTests.all)
        #expect(try await store.job(id: "job_a").team == "alice")
        #expect(try await store.job(id: "job_b").team == "bob")
        #expect(
            try await store.listJobs(filter: JobFilter(team: "alice"), page: PageRequest()).items.map(\.id) == ["job_a"]
        )
        // The key is now per team: alice's team finds its job, whoever asks; a new team gets a new job.
        let again = try await store.createJob(
            JobRecord(kind: .classifyPDEs, owner: "carol", team: "alice", requestID: "key-1")
        )
        #expect(!again.created && again.job.id == "job_a")
        let other = try await store.createJob(JobRecord(kind: .classifyPDEs, owner: "carol", requestID: "key-1"))
        #expect(other.created && other.job.team == "carol")
    }
}
