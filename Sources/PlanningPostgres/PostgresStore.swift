public import Foundation
public import Logging
import NIOCore
import NIOSSL
import PlanningRPC
import PostgresNIO
import Synchronization

/// `PlanningStore` and `JobStore` on PostgreSQL (PostgresNIO), for several daemons sharing one database: the
/// job queue is claimed with `SELECT ... FOR UPDATE SKIP LOCKED` under renewed leases, and every committed event
/// is announced with `NOTIFY` (see ``SharedJobQueue``).
///
/// Every operation runs on a pooled connection, each write in one transaction; one that cannot reach the database
/// or does not finish within ``Configuration/operationTimeout`` throws `StoreError.unavailable` (UNAVAILABLE to
/// a client) instead of hanging, and the pool reconnects by itself when the database is back.
public final class PostgresStore: Sendable {
    /// What a deployment may tune.
    public struct Configuration: Sendable {
        /// Where the database is.
        public var url: DatabaseURL
        /// Connections in the pool (the listening connection is one more).
        public var poolSize = 10
        /// The longest an operation may take, connecting included, before it fails with UNAVAILABLE.
        public var operationTimeout: Duration = .seconds(5)
        /// This daemon's id in worker names; unique per process by default.
        public var instanceID = PostgresStore.makeInstanceID()
        /// How long a claim holds a job without renewal; a daemon that dies loses its jobs after this.
        public var leaseDuration: Duration = .seconds(15)

        /// A configuration for the database at `url`, with the defaults.
        public init(url: DatabaseURL) {
            self.url = url
        }
    }

    /// The channel of every announcement.
    static let channel = "planning_jobs"

    let configuration: Configuration
    let client: PostgresClient
    let logger: Logger
    /// The clock for every stored time (not for leases, which use the database's clock).
    let now: @Sendable () -> Date
    private let tasks = Mutex<[Task<Void, Never>]>([])
    /// Set by ``close()``: later operations fail with `StoreError.unavailable` before reaching the stopped pool,
    /// whose own error (`ConnectionPoolError.poolShutdown`) is not a `StoreError` and reached clients as INTERNAL.
    private let closed = Atomic<Bool>(false)
    let subscribers = Mutex<Subscribers>(Subscribers())

    struct Subscribers {
        var next = 0
        var continuations: [Int: AsyncStream<JobNotification>.Continuation] = [:]
        var listening = false
    }

    /// Connects (lazily: the pool opens connections on demand), runs the pool, and applies the migrations.
    /// - Throws: `StoreError.unavailable` when the database cannot be reached within the operation timeout.
    public init(
        configuration: Configuration,
        logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) async throws {
        self.configuration = configuration
        self.logger = logger
        self.now = now
        var clientConfiguration = PostgresClient.Configuration(
            host: configuration.url.host,
            port: configuration.url.port,
            username: configuration.url.username,
            password: configuration.url.password,
            database: configuration.url.database,
            tls: .disable
        )
        if let directory = configuration.url.socketDirectory {
            clientConfiguration = PostgresClient.Configuration(
                unixSocketPath: "\(directory)/.s.PGSQL.\(configuration.url.port)",
                username: configuration.url.username,
                password: configuration.url.password,
                database: configuration.url.database
            )
        } else {
            clientConfiguration.tls = try Self.tls(configuration.url.tls)
        }
        clientConfiguration.options.maximumConnections = max(1, configuration.poolSize)
        clientConfiguration.options.connectTimeout = configuration.operationTimeout
        clientConfiguration.options.keepAliveBehavior = .init(frequency: .seconds(30))
        // The pool logs nothing of its own: its errors reach us as thrown errors, which we log without secrets.
        client = PostgresClient(configuration: clientConfiguration)
        let client = client
        tasks.withLock { $0.append(Task { await client.run() }) }
        do {
            try await guarded { try await self.migrate() }
        } catch {
            close()
            throw error
        }
    }

    /// Stops the pool and the listener; every later operation fails at once with `StoreError.unavailable`.
    public func close() {
        closed.store(true, ordering: .releasing)
        let running = tasks.withLock { tasks in
            defer { tasks = [] }
            return tasks
        }
        for task in running { task.cancel() }
        let continuations = subscribers.withLock { state in
            defer { state.continuations = [:] }
            return Array(state.continuations.values)
        }
        for continuation in continuations { continuation.finish() }
    }

    /// Keeps a background task to cancel at ``close()``.
    func track(_ task: Task<Void, Never>) {
        tasks.withLock { $0.append(task) }
    }

    /// A random id for this process, e.g. "pid4242-1f2e3d4c".
    public static func makeInstanceID() -> String {
        var generator = SystemRandomNumberGenerator()
        let random = String(generator.next() as UInt32, radix: 16)
        return "pid\(ProcessInfo.processInfo.processIdentifier)-\(random)"
    }

    static func tls(_ mode: DatabaseURL.TLSMode) throws -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(.makeClientConfiguration())
        case .require: return .require(.makeClientConfiguration())
        }
    }

    /// The current time, truncated to what the database keeps (milliseconds).
    func timestamp() -> Date {
        Date(storeMillis: now().storeMillis)
    }

    // MARK: Running operations

    /// Runs `body` on a pooled connection, outside a transaction.
    func read<T: Sendable>(_ body: @escaping @Sendable (Session) async throws -> T) async throws -> T {
        let client = client
        let logger = logger
        return try await guarded {
            try await client.withConnection { connection in
                try await body(Session(connection: connection, logger: logger))
            }
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func write<T: Sendable>(_ body: @escaping @Sendable (Session) async throws -> T) async throws -> T {
        let client = client
        let logger = logger
        return try await guarded {
            do {
                return try await client.withTransaction(logger: logger) { connection in
                    try await body(Session(connection: connection, logger: logger))
                }
            } catch let error as PostgresTransactionError {
                // The closure's own error (a StoreError, say) is what callers expect; a failed BEGIN, COMMIT or
                // ROLLBACK is the database's.
                throw error.closureError ?? error.beginError ?? error.commitError ?? error.rollbackError ?? error
            }
        }
    }

    /// Runs `body` within the operation timeout, mapping the database's errors to `StoreError`s.
    func guarded<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        if closed.load(ordering: .acquiring) { throw StoreError.unavailable("the store is closed") }
        do {
            return try await Deadline.run(configuration.operationTimeout) { try await body() }
        } catch let error as StoreError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as Deadline.Expired {
            logger.warning("database operation timed out", metadata: ["timeout": "\(error.timeout)"])
            throw StoreError.unavailable("the database did not answer within \(error.timeout); retry later")
        } catch let error as PSQLError {
            throw mapped(error)
        }
        // Anything else (an event builder's error, say) is the caller's and passes through as it is.
    }

    /// The `StoreError` for a database error. A constraint violation that got past the checks (a race between
    /// instances) keeps its meaning; connection trouble is UNAVAILABLE; the rest is logged (PSQLError's text
    /// carries no credentials) and re-thrown as is, which clients see as INTERNAL.
    private func mapped(_ error: PSQLError) -> any Error {
        if error.code == .server, let state = error.serverInfo?[.sqlState] {
            switch state {
            case "23505":
                return StoreError.alreadyExists(
                    "a record with the same key exists (\(error.serverInfo?[.constraintName] ?? "unique"))"
                )
            case "23503":
                return StoreError.failedPrecondition("a record this one refers to does not exist")
            case "57P01", "57P02", "57P03", "53300":
                logger.warning("database unavailable", metadata: ["sqlstate": "\(state)"])
                return StoreError.unavailable("the database is unavailable; retry later")
            default:
                logger.error(
                    "database error",
                    metadata: ["sqlstate": "\(state)", "message": "\(error.serverInfo?[.message] ?? "")"]
                )
                return error
            }
        }
        logger.warning("database unreachable", metadata: ["error": "\(error.code)"])
        return StoreError.unavailable("the database cannot be reached; retry later")
    }
}

/// A connection lent to one operation: queries with bound parameters, rows decoded by column name.
struct Session: @unchecked Sendable {
    // A PostgresConnection is Sendable; the lease just must not escape the operation, which the store ensures.
    let connection: PostgresConnection
    let logger: Logger

    /// Runs a query and returns every row.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try await connection.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
    }

    /// Runs a query and returns its first row, if any.
    func row(_ query: PostgresQuery) async throws -> PostgresRandomAccessRow? {
        try await rows(query).first
    }

    /// Runs a statement, ignoring what it returns.
    func execute(_ query: PostgresQuery) async throws {
        _ = try await connection.query(query, logger: logger).collect()
    }
}

extension PostgresRandomAccessRow {
    func string(_ column: String) throws -> String { try self[column].decode(String.self) }
    func int64(_ column: String) throws -> Int64 { try self[column].decode(Int64.self) }
    func optionalInt64(_ column: String) throws -> Int64? { try self[column].decode(Int64?.self) }
    func double(_ column: String) throws -> Double { try self[column].decode(Double.self) }
    func bool(_ column: String) throws -> Bool { try self[column].decode(Bool.self) }
    func data(_ column: String) throws -> Data { try self[column].decode(Data.self) }
    func date(_ column: String) throws -> Date { Date(storeMillis: try int64(column)) }
    func optionalDate(_ column: String) throws -> Date? { try optionalInt64(column).map { Date(storeMillis: $0) } }

    /// A required enum column; an unknown raw value is a corrupt database, reported as such.
    func enumValue<E: RawRepresentable>(_ column: String) throws -> E where E.RawValue == String {
        let raw = try string(column)
        guard let value = E(rawValue: raw) else {
            throw StoreError.invalid("unknown \(E.self) '\(raw)' in column \(column)")
        }
        return value
    }
}
