import Foundation
import Logging
import PlanningPostgres
import PlanningRPC
import Testing

/// The stores the contract suites run against: SQLite always, PostgreSQL when `PLANNING_TEST_DATABASE_URL`
/// names a server on which the tests may create and drop databases (`make test-postgres` starts one).
enum StoreKind: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// The environment variable with the URL of the PostgreSQL server for the tests.
    static let environmentVariable = "PLANNING_TEST_DATABASE_URL"

    /// The server's URL, or nil (said loudly, once) when the variable is unset.
    static let postgresURL: DatabaseURL? = {
        guard let text = ProcessInfo.processInfo.environment[environmentVariable], !text.isEmpty else {
            let banner = String(repeating: "!", count: 100)
            FileHandle.standardError.write(
                Data(
                    """
                    \(banner)
                    !! \(environmentVariable) is not set: the store contract suites run against SQLite ONLY.
                    !! The PostgreSQL cases did NOT run here. `make test-postgres` (part of `make test`) starts a
                    !! throw-away cluster and runs them; or export \(environmentVariable)=postgres://...
                    \(banner)

                    """.utf8
                )
            )
            return nil
        }
        do {
            return try DatabaseURL(text)
        } catch {
            fatalError("\(environmentVariable) is not a usable database URL: \(error)")
        }
    }()

    /// The stores to run a contract test against.
    static var available: [StoreKind] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }
}

/// A store of either kind, as the contract suites use it.
typealias ContractStore = JobStore & PlanningStore

/// Runs `body` with a store of `kind` on a new, empty database, removed afterwards.
func withStore<T>(
    _ kind: StoreKind,
    clock: TestClock? = nil,
    _ body: (any ContractStore) async throws -> T
) async throws -> T {
    switch kind {
    case .sqlite:
        return try await withTemporaryStore(clock: clock) { store, _ in try await body(store) }
    case .postgres:
        return try await withPostgresDatabase { url in
            let store = try await openPostgresStore(url, clock: clock)
            defer { store.close() }
            return try await body(store)
        }
    }
}

/// Opens a PostgreSQL store on `url` with test settings.
func openPostgresStore(
    _ url: DatabaseURL,
    clock: TestClock? = nil,
    instanceID: String? = nil,
    lease: Duration = .seconds(15),
    timeout: Duration = .seconds(60)
) async throws -> PostgresStore {
    var configuration = PostgresStore.Configuration(url: url)
    configuration.poolSize = 4
    configuration.operationTimeout = timeout
    configuration.leaseDuration = lease
    if let instanceID { configuration.instanceID = instanceID }
    var logger = Logger(label: "postgres-store-test")
    logger.logLevel = ProcessInfo.processInfo.environment["JOBS_TEST_DEBUG"] == nil ? .critical : .trace
    if let clock {
        return try await PostgresStore(configuration: configuration, logger: logger, now: { clock.now })
    }
    return try await PostgresStore(configuration: configuration, logger: logger)
}

/// Runs `body` with two stores (instances "a" and "b") on one new database, as two daemons would have.
func withTwoPostgresStores<T>(
    lease: Duration = .seconds(15),
    _ body: (PostgresStore, PostgresStore) async throws -> T
) async throws -> T {
    try await withPostgresDatabase { url in
        let a = try await openPostgresStore(url, instanceID: "a", lease: lease)
        defer { a.close() }
        let b = try await openPostgresStore(url, instanceID: "b", lease: lease)
        defer { b.close() }
        return try await body(a, b)
    }
}

/// Runs `body` with the URL of a new database on the test server, dropped afterwards.
func withPostgresDatabase<T>(_ body: (DatabaseURL) async throws -> T) async throws -> T {
    guard let server = StoreKind.postgresURL else {
        throw PostgresTestError("\(StoreKind.environmentVariable) is not set")
    }
    let name = "planning_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    try await PostgresAdmin.execute("CREATE DATABASE \(name)", on: server)
    do {
        let result = try await body(server.with(database: name))
        try await PostgresAdmin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: server)
        return result
    } catch {
        try? await PostgresAdmin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: server)
        throw error
    }
}

struct PostgresTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
