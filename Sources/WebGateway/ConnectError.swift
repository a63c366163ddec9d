internal import Foundation
internal import RPCFraming

/// The Connect protocol's view of a status: code names, HTTP statuses and the JSON bodies that carry them.
enum ConnectError {
    /// The Connect name of a code: gRPC's name in lower snake case, except `canceled` (one l), as the spec has it.
    static func name(of code: StatusCode) -> String {
        code == .cancelled ? "canceled" : code.name.lowercased()
    }

    /// The HTTP status of a unary error response, from the Connect specification's table.
    static func httpStatus(of code: StatusCode) -> Int {
        switch code {
        case .cancelled: 499
        case .invalidArgument, .failedPrecondition, .outOfRange: 400
        case .deadlineExceeded: 504
        case .notFound: 404
        case .alreadyExists, .aborted: 409
        case .permissionDenied: 403
        case .resourceExhausted: 429
        case .unimplemented: 501
        case .unavailable: 503
        case .unauthenticated: 401
        default: 500
        }
    }

    /// `{"code": "not_found", "message": "..."}`: a unary error body, or the `error` of an end-of-stream message.
    static func jsonObject(_ error: RPCError) -> [String: Any] {
        var object: [String: Any] = ["code": Self.name(of: error.code)]
        if !error.message.isEmpty {
            object["message"] = error.message
        }
        return object
    }

    /// The body of a unary error response.
    static func unaryBody(_ error: RPCError) -> [UInt8] {
        Self.serialize(Self.jsonObject(error))
    }

    /// The payload of a streaming response's end-of-stream envelope: the error (absent on success) and the
    /// trailing metadata as `{"key": ["value", ...]}`, binary values in base64.
    static func endOfStream(error: RPCError?, trailers: Metadata) -> [UInt8] {
        var object: [String: Any] = [:]
        if let error {
            object["error"] = Self.jsonObject(error)
        }
        var metadata: [String: [String]] = [:]
        var all = trailers
        if let error {
            all.append(contentsOf: error.metadata)
        }
        for (name, value) in all.headerFields() {
            metadata[name, default: []].append(value)
        }
        if !metadata.isEmpty {
            object["metadata"] = metadata
        }
        return Self.serialize(object)
    }

    private static func serialize(_ object: [String: Any]) -> [UInt8] {
        // Only strings, arrays and dictionaries of them: serialization cannot fail.
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Array(data)
    }
}
