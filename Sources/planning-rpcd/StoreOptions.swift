import ArgumentParser
import Foundation
import Logging
import PlanningPostgres
import PlanningRPC

/// Which store the daemon keeps its data in: SQLite in `--data-dir` (one instance), or PostgreSQL at
/// `--database-url` (any number of instances sharing the job queue and the event stream).
struct StoreOptions: ParsableArguments {
    @Option(help: "Store: sqlite (one instance, --data-dir) or postgres (several instances, --database-url).")
    var store = "sqlite"

    @Option(
        help: """
            PostgreSQL URL for --store postgres: postgres://user[:password]@host:port/database[?sslmode=...]; \
            without a password in it, $PGPASSWORD is used. Never logged with its password.
            """
    )
    var databaseUrl: String?

    @Option(help: "Connections in the PostgreSQL pool.")
    var databasePoolSize = 10

    @Option(help: "Seconds a database operation may take before the call fails with UNAVAILABLE.")
    var databaseTimeout = 5.0

    @Option(help: "Seconds a job's lease lasts without renewal; a dead instance's jobs move on after it.")
    var jobLeaseSeconds = 15.0

    @Option(help: "This instance's id in job leases, unique among the instances (default: random per process).")
    var instanceId: String?

    func validate() throws {
        guard ["sqlite", "postgres"].contains(store) else {
            throw ValidationError("--store must be sqlite or postgres")
        }
        if store == "postgres" {
            guard let databaseUrl else { throw ValidationError("--store postgres needs --database-url") }
            do {
                _ = try DatabaseURL(databaseUrl)
            } catch {
                throw ValidationError("--database-url: \(error)")
            }
        }
        guard (1...1000).contains(databasePoolSize) else {
            throw ValidationError("--database-pool-size must be 1...1000")
        }
        guard databaseTimeout > 0 else { throw ValidationError("--database-timeout must be positive") }
        guard jobLeaseSeconds >= 0.3 else { throw ValidationError("--job-lease-seconds must be at least 0.3") }
    }

    /// Opens the chosen store (running the migrations) and returns it with what closes it.
    func open(dataDir: String, logger: Logger) async throws -> (
        store: any JobStore & PlanningStore, close: @Sendable () -> Void
    ) {
        guard store == "postgres", let databaseUrl else {
            let store = try SQLiteStore(directory: URL(fileURLWithPath: dataDir, isDirectory: true))
            logger.info("database open", metadata: ["store": "sqlite", "data-dir": "\(dataDir)"])
            return (store, {})
        }
        var configuration = PostgresStore.Configuration(url: try DatabaseURL(databaseUrl))
        configuration.poolSize = databasePoolSize
        configuration.operationTimeout = .milliseconds(Int64(databaseTimeout * 1000))
        configuration.leaseDuration = .milliseconds(Int64(jobLeaseSeconds * 1000))
        if let instanceId { configuration.instanceID = instanceId }
        let store = try await PostgresStore(configuration: configuration, logger: logger)
        logger.info(
            "database open",
            metadata: [
                "store": "postgres", "database": "\(configuration.url)", "instance": "\(configuration.instanceID)",
                "pool-size": "\(databasePoolSize)",
            ]
        )
        return (store, { store.close() })
    }
}
