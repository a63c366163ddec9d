public import Foundation

/// Where a PostgreSQL database is and how to log in, parsed from a `postgres://` URL.
///
/// `postgres://user:password@host:port/database?sslmode=disable`; `postgresql://` is accepted too. A unix socket
/// directory is given as `?host=/path/to/dir` (libpq's convention), the socket then being `.s.PGSQL.<port>` in it.
/// The password comes from the URL or, when it has none, from the environment variable `PGPASSWORD`. The
/// ``description`` never shows the password, so the value can be logged.
public struct DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    /// How to use TLS, as libpq's `sslmode` says it (verify modes are `require` here: the system's roots verify).
    public enum TLSMode: String, Sendable {
        case disable, prefer, require
    }

    /// Host name or address, when connecting over TCP.
    public var host: String
    /// The port, and the suffix of the unix socket's name.
    public var port: Int
    /// The directory of the unix socket, when connecting through one.
    public var socketDirectory: String?
    /// The role to log in as.
    public var username: String
    /// The password, if any.
    public var password: String?
    /// The database.
    public var database: String
    /// TLS.
    public var tls: TLSMode

    /// Parses `text`; `environment` supplies `PGPASSWORD` (and `PGUSER`) when the URL has none.
    /// - Throws: `DatabaseURLError` naming what is wrong (never the password).
    public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme)
        else {
            throw DatabaseURLError("the database URL must look like postgres://user:password@host:port/database")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] { query[item.name] = item.value ?? "" }
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw DatabaseURLError("the database port must be 1...65535") }
        socketDirectory = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        username = components.user.flatMap { $0.removingPercentEncoding } ?? environment["PGUSER"] ?? "postgres"
        password = components.password.flatMap { $0.removingPercentEncoding } ?? environment["PGPASSWORD"]
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.removingPercentEncoding.flatMap { $0.isEmpty ? nil : $0 } ?? username
        let mode = query["sslmode"] ?? "disable"
        switch mode {
        case "disable", "allow": tls = .disable
        case "prefer": tls = .prefer
        case "require", "verify-ca", "verify-full": tls = .require
        default: throw DatabaseURLError("sslmode must be disable, prefer or require, got '\(mode)'")
        }
    }

    /// The same URL for another database of the same server.
    public func with(database: String) -> DatabaseURL {
        var copy = self
        copy.database = database
        return copy
    }

    /// The URL without its password.
    public var description: String {
        let endpoint = socketDirectory.map { "\(host):\(port)?host=\($0)" } ?? "\(host):\(port)"
        return "postgres://\(username)@\(endpoint)/\(database)"
    }
}

/// A database URL that cannot be used; the message never contains the password.
public struct DatabaseURLError: Error, CustomStringConvertible {
    /// What is wrong.
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
