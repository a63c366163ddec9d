internal import Foundation
internal import Logging
public import RPCFraming

/// Maps what the planning layer throws to the status a client should see.
///
/// Store errors carry their meaning (NOT_FOUND, ALREADY_EXISTS, INVALID_ARGUMENT, FAILED_PRECONDITION);
/// RPC errors pass through; anything else is a server fault: INTERNAL with a generic message, the detail
/// only in the log, so no database text reaches a client.
public enum ServiceErrors {
    private static let logger = Logger(label: "planning-rpcd.service")

    public static func rpcError(_ error: any Error) -> RPCError {
        switch error {
        case let error as RPCError:
            return error
        case let error as StoreError:
            switch error {
            case .notFound: return RPCError(code: .notFound, message: error.description)
            case .alreadyExists(let message): return RPCError(code: .alreadyExists, message: message)
            case .invalid(let message): return RPCError(code: .invalidArgument, message: message)
            case .failedPrecondition(let message): return RPCError(code: .failedPrecondition, message: message)
            case .unavailable(let message): return RPCError(code: .unavailable, message: message)
            }
        case is CancellationError:
            return RPCError(code: .cancelled, message: "the call was cancelled")
        default:
            // The client gets a generic message; the detail (a database error, say) is only here.
            Self.logger.error("request failed with an internal error", metadata: ["error": "\(error)"])
            return RPCError(code: .internalError, message: "internal error")
        }
    }

    /// Runs `body`, turning its errors into ``RPCError``s with ``rpcError(_:)``.
    public static func mapping<Result: Sendable>(_ body: () async throws -> Result) async throws(RPCError) -> Result {
        do {
            return try await body()
        } catch {
            throw rpcError(error)
        }
    }

    /// INVALID_ARGUMENT naming the field, as AIP-193 asks.
    public static func invalidArgument(_ field: String, _ problem: String) -> RPCError {
        RPCError(code: .invalidArgument, message: "\(field): \(problem)")
    }

    /// Fails with INVALID_ARGUMENT when a required string field is empty.
    public static func require(_ value: String, _ field: String) throws(RPCError) {
        if value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw invalidArgument(field, "is required")
        }
    }
}
