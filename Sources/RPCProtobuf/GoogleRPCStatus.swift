public import SwiftProtobuf

/// `google.rpc.Status` (Protos/google/rpc/status.proto): the rich status of a failed call, sent serialized in the
/// `grpc-status-details-bin` trailer. Written by hand with SwiftProtobuf's Message API, as protoc-gen-swift would.
public struct GoogleRPCStatus: Sendable {
    /// The gRPC status code, as in `grpc-status`.
    public var code: Int32 = 0
    /// The developer-facing message, as in `grpc-message`.
    public var message: String = ""
    /// Typed details, e.g. a packed ``GoogleRPCQuotaFailure``.
    public var details: [Google_Protobuf_Any] = []
    public var unknownFields = SwiftProtobuf.UnknownStorage()

    public init() {}
}

extension GoogleRPCStatus: SwiftProtobuf.Message, SwiftProtobuf._MessageImplementationBase,
    SwiftProtobuf._ProtoNameProviding
{
    public static let protoMessageName = "google.rpc.Status"
    public static let _protobuf_nameMap = SwiftProtobuf._NameMap(bytecode: "\0\u{1}code\0\u{1}message\0\u{1}details\0")

    public mutating func decodeMessage<D: SwiftProtobuf.Decoder>(decoder: inout D) throws {
        while let fieldNumber = try decoder.nextFieldNumber() {
            switch fieldNumber {
            case 1: try decoder.decodeSingularInt32Field(value: &self.code)
            case 2: try decoder.decodeSingularStringField(value: &self.message)
            case 3: try decoder.decodeRepeatedMessageField(value: &self.details)
            default: break
            }
        }
    }

    public func traverse<V: SwiftProtobuf.Visitor>(visitor: inout V) throws {
        if self.code != 0 { try visitor.visitSingularInt32Field(value: self.code, fieldNumber: 1) }
        if !self.message.isEmpty { try visitor.visitSingularStringField(value: self.message, fieldNumber: 2) }
        if !self.details.isEmpty { try visitor.visitRepeatedMessageField(value: self.details, fieldNumber: 3) }
        try self.unknownFields.traverse(visitor: &visitor)
    }

    public static func == (lhs: GoogleRPCStatus, rhs: GoogleRPCStatus) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.details == rhs.details
            && lhs.unknownFields == rhs.unknownFields
    }
}
