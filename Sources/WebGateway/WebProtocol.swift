internal import Foundation

/// The wire protocol of one web request, told by its method and content-type.
enum WebProtocol: Equatable, Sendable {
    /// The message codec of a Connect request: JSON (swift-protobuf's canonical mapping) or binary protobuf.
    enum Codec: String, Sendable {
        case json
        case proto
    }

    /// gRPC-Web: gRPC's length-prefixed messages with the trailers as a last frame flagged 0x80; `text` is the
    /// base64 form browsers use when they cannot read binary bodies.
    case grpcWeb(text: Bool)
    /// A Connect unary call: the body is the bare message, errors are JSON with an HTTP status.
    case connectUnary(Codec)
    /// A Connect streaming call: enveloped messages, then an end-of-stream envelope carrying the error and trailers.
    case connectStreaming(Codec)

    /// The protocol of a POST with this `content-type` (parameters and case ignored), or nil when we speak none.
    init?(postContentType contentType: String) {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        switch mediaType {
        case "application/grpc-web", "application/grpc-web+proto": self = .grpcWeb(text: false)
        case "application/grpc-web-text", "application/grpc-web-text+proto": self = .grpcWeb(text: true)
        case "application/json": self = .connectUnary(.json)
        case "application/proto": self = .connectUnary(.proto)
        case "application/connect+json": self = .connectStreaming(.json)
        case "application/connect+proto": self = .connectStreaming(.proto)
        default: return nil
        }
    }

    /// The codec of the messages; gRPC-Web is always binary protobuf.
    var codec: Codec {
        switch self {
        case .grpcWeb: .proto
        case .connectUnary(let codec), .connectStreaming(let codec): codec
        }
    }

    /// The response's `content-type`.
    var responseContentType: String {
        switch self {
        case .grpcWeb(text: false): "application/grpc-web+proto"
        case .grpcWeb(text: true): "application/grpc-web-text+proto"
        case .connectUnary(let codec): "application/\(codec.rawValue)"
        case .connectStreaming(let codec): "application/connect+\(codec.rawValue)"
        }
    }

    /// True when the request body holds length-prefixed messages (every protocol but Connect unary).
    var isEnveloped: Bool {
        if case .connectUnary = self { return false }
        return true
    }
}
