import Foundation
import PlanningPostgres
import PlanningRPC
import Testing

@Suite struct MigrationTests {
    static let all = ["v1-catalog", "v1-jobs", "v2-job-team", "v3-job-trace", "v4-record-team"]
    /// The migrations of the PostgreSQL store only (after `all`): the per-job running limit of shared queues.
    static let postgresOnly = ["v5-job-running-limit"]

    @Test(arguments: StoreKind.available) func migratesFromEmptyAndReopens(_ kind: StoreKind) async throws {
        switch kind {
        case .sqlite:
            try await withTemporaryStore { store, directory in
                #expect(try await store.appliedMigrations() == Self.all)
                let file = directory.appendingPathComponent("planning.sqlite")
                #expect(FileManager.default.fileExists(atPath: file.path))
                let cycle = try await store.createCycle(CycleRecord(name: "2026 Q4"))

                // Opening the same file again runs no migration twice and sees the data.
                let reopened = try SQLiteStore(path: file.path)
                #expect(try await reopened.appliedMigrations() == Self.all)
                #expect(try await reopened.cycle(id: cycle.id) == cycle)
            }
        case .postgres:
            try await withPostgresDatabase { url in
                let store = try await openPostgresStore(url)
                defer { store.close() }
                #expect(try await store.appliedMigrations() == Self.all + Self.postgresOnly)
                let cycle = try await store.createCycle(CycleRecord(name: "2026 Q4"))
                let reopened = try await openPostgresStore(url)
                defer { reopened.close() }
                #expect(try await reopened.appliedMigrations() == Self.all + Self.postgresOnly)
                #expect(try await reopened.cycle(id: cycle.id) == cycle)
            }
        }
    }

    /// Daemons starting together on an empty database: the advisory lock lets one migrate, the others wait and
    /// find the schema in place; none fails.
    @Test(.enabled(if: StoreKind.postgresURL != nil)) func concurrentStartsMigrateOnce() async throws {
        try await withPostgresDatabase { url in
            let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
                for _ in 0..<4 { group.addTask { try await openPostgresStore(url) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            defer { for store in stores { store.close() } }
            for store in stores { #expect(try await store.appliedMigrations() == Self.all + Self.postgresOnly) }
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
