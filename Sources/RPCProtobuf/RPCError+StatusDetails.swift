public import RPCFraming
public import SwiftProtobuf

extension RPCError {
    /// The trailer that carries a serialized `google.rpc.Status` (gRPC's rich error model).
    public static let statusDetailsKey = "grpc-status-details-bin"

    /// An error whose trailers carry a `google.rpc.Status` with the same code and message and `details` packed as
    /// `google.protobuf.Any`, as grpc-status clients (Python's `grpc_status.rpc_status`, Go's `status.FromError`)
    /// read it.
    public init(code: StatusCode, message: String, details: [any SwiftProtobuf.Message]) {
        var status = GoogleRPCStatus()
        status.code = Int32(code.rawValue)
        status.message = message
        status.details = details.compactMap { try? Google_Protobuf_Any(message: $0) }
        var metadata = Metadata()
        if let bytes: [UInt8] = try? status.serializedBytes() {
            metadata.add(Self.statusDetailsKey, binary: bytes)
        }
        self.init(code: code, message: message, metadata: metadata)
    }

    /// The `google.rpc.Status` of the error's trailers, if it has one that decodes.
    public var statusDetails: GoogleRPCStatus? {
        guard let bytes = self.metadata[binaryValues: Self.statusDetailsKey].first else { return nil }
        return try? GoogleRPCStatus(serializedBytes: bytes)
    }
}
