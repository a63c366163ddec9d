/// Why a request head was refused, and how to answer it.
public enum RequestHeadRejection: Error, Sendable, Equatable {
    /// Answer with this HTTP status, plus `grpc-status` / `grpc-message` for clients that read them (trailers-only
    /// form, END_STREAM). Used where the request is not a well-formed gRPC request at all: 415 for content-type,
    /// 405 for the method, 400 for malformed headers.
    case http(status: Int, grpcStatus: StatusCode, message: String)
    /// Answer HTTP 200 trailers-only with this gRPC status (bad path, unsupported `grpc-encoding`).
    case grpc(RPCError)

    /// The complete trailers-only response to send (one HEADERS frame with END_STREAM).
    public var responseFields: [(name: String, value: String)] {
        switch self {
        case .http(let status, let grpcStatus, let message):
            ResponseHead.trailersOnly(status: grpcStatus, message: message, metadata: Metadata(), httpStatus: status)
        case .grpc(let error):
            ResponseHead.trailersOnly(status: error.code, message: error.message, metadata: error.metadata)
        }
    }
}
