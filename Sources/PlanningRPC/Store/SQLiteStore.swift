public import Foundation
import GRDB

/// `PlanningStore` and `JobStore` on SQLite (GRDB), in one database file.
///
/// A `DatabasePool` in WAL mode lets lists read while a job writes; writes are serialized by GRDB's writer
/// queue, each in one transaction. GRDB's async methods run the database work on GRDB's own dispatch queues,
/// never on the caller's executor (in the daemon: never on a NIO event loop).
public final class SQLiteStore: Sendable {
    /// The default database file, relative to the working directory.
    public static let defaultPath = "./data/planning.sqlite"

    let pool: DatabasePool
    /// The clock for every stored time; injectable so that tests can place records in time.
    let now: @Sendable () -> Date

    /// Opens (creating if needed) the database at `path`, creating its directory, and runs the migrations.
    /// - Parameters:
    ///   - path: The database file.
    ///   - now: The clock for stored times.
    public init(path: String = SQLiteStore.defaultPath, now: @escaping @Sendable () -> Date = { Date() }) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // A writer waits for a short lock held by another process (e.g. a backup) rather than failing at once.
        configuration.busyMode = .timeout(10)
        configuration.label = "planning-store"
        pool = try DatabasePool(path: path, configuration: configuration)
        self.now = now
        try Self.migrator.migrate(pool)
    }

    /// Opens the store in `directory` (file `planning.sqlite`).
    public convenience init(directory: URL, now: @escaping @Sendable () -> Date = { Date() }) throws {
        try self.init(path: directory.appendingPathComponent("planning.sqlite").path, now: now)
    }

    /// The identifiers of the migrations applied to the database, in the order they apply.
    public func appliedMigrations() async throws -> [String] {
        // In the order they apply (registration order), as the PostgreSQL store reports them too.
        try await pool.read { db in
            let applied = try Self.migrator.appliedIdentifiers(db)
            return Self.migrator.migrations.filter(applied.contains)
        }
    }

    /// The current time, truncated to what the database keeps (milliseconds), so that records returned by
    /// writes equal the same records read back.
    func timestamp() -> Date {
        Date(storeMillis: now().storeMillis)
    }
}
