import Foundation
import PlanningRPC
import Testing

@Suite struct MigrationTests {
    @Test func migratesFromEmptyAndReopens() async throws {
        try await withTemporaryStore { store, directory in
            #expect(try await store.appliedMigrations() == ["v1-catalog", "v1-jobs", "v2-job-trace", "v_job_team"])
            let file = directory.appendingPathComponent("planning.sqlite")
            #expect(FileManager.default.fileExists(atPath: file.path))
            let cycle = try await store.createCycle(CycleRecord(name: "2026 Q4"))

            // Opening the same file again runs no migration twice and sees the data.
            let reopened = try SQLiteStore(path: file.path)
            #expect(try await reopened.appliedMigrations() == ["v1-catalog", "v1-jobs", "v2-job-trace", "v_job_team"])
            #expect(try await reopened.cycle(id: cycle.id) == cycle)
        }
    }

    @Test func createsTheDataDirectory() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("planning-store-tests-\(UUID().uuidString)/nested/data")
        defer {
            try? FileManager.default.removeItem(at: directory.deletingLastPathComponent().deletingLastPathComponent())
        }
        let store = try SQLiteStore(directory: directory)
        #expect(try await store.listCycles(page: PageRequest()).items.isEmpty)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("planning.sqlite").path))
    }
}
