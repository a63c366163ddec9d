import Logging
import NIOSSL
import PostgresNIO

/// One-off statements outside any store, on a connection of their own: creating and dropping the databases of
/// tests and tools, which cannot run inside a transaction.
public enum PostgresAdmin {
    /// Runs `sql` (trusted text: never built from a request) on a new connection to `url`, then closes it.
    public static func execute(_ sql: String, on url: DatabaseURL) async throws {
        let connection = try await connect(url, id: 1, logger: Logger(label: "postgres-admin"))
        do {
            _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: connection.logger).collect()
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }

    /// A connection outside any pool, to `url`.
    static func connect(_ url: DatabaseURL, id: Int, logger: Logger) async throws -> PostgresConnection {
        let configuration: PostgresConnection.Configuration
        if let directory = url.socketDirectory {
            configuration = .init(
                unixSocketPath: "\(directory)/.s.PGSQL.\(url.port)",
                username: url.username,
                password: url.password,
                database: url.database
            )
        } else {
            let tls: PostgresConnection.Configuration.TLS =
                switch url.tls {
                case .disable: .disable
                case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
                case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
                }
            configuration = .init(
                host: url.host,
                port: url.port,
                username: url.username,
                password: url.password,
                database: url.database,
                tls: tls
            )
        }
        return try await PostgresConnection.connect(configuration: configuration, id: id, logger: logger)
    }
}
