public import SwiftProtobuf

/// `google.rpc.QuotaFailure` (Protos/google/rpc/error_details.proto): which quota checks failed. Written by hand with
/// SwiftProtobuf's Message API, as protoc-gen-swift would.
public struct GoogleRPCQuotaFailure: Sendable {
    /// One failed quota check.
    public struct Violation: Sendable {
        /// What the quota applies to, e.g. `principal:alice`.
        public var subject: String = ""
        /// Which quota and how it was exceeded.
        public var description: String = ""
        public var unknownFields = SwiftProtobuf.UnknownStorage()

        public init() {}

        public init(subject: String, description: String) {
            self.subject = subject
            self.description = description
        }
    }

    public var violations: [Violation] = []
    public var unknownFields = SwiftProtobuf.UnknownStorage()

    public init() {}

    public init(violations: [Violation]) {
        self.violations = violations
    }
}

extension GoogleRPCQuotaFailure: SwiftProtobuf.Message, SwiftProtobuf._MessageImplementationBase,
    SwiftProtobuf._ProtoNameProviding
{
    public static let protoMessageName = "google.rpc.QuotaFailure"
    public static let _protobuf_nameMap = SwiftProtobuf._NameMap(bytecode: "\0\u{1}violations\0")

    public mutating func decodeMessage<D: SwiftProtobuf.Decoder>(decoder: inout D) throws {
        while let fieldNumber = try decoder.nextFieldNumber() {
            if fieldNumber == 1 { try decoder.decodeRepeatedMessageField(value: &self.violations) }
        }
    }

    public func traverse<V: SwiftProtobuf.Visitor>(visitor: inout V) throws {
        if !self.violations.isEmpty { try visitor.visitRepeatedMessageField(value: self.violations, fieldNumber: 1) }
        try self.unknownFields.traverse(visitor: &visitor)
    }

    public static func == (lhs: GoogleRPCQuotaFailure, rhs: GoogleRPCQuotaFailure) -> Bool {
        lhs.violations == rhs.violations && lhs.unknownFields == rhs.unknownFields
    }
}

extension GoogleRPCQuotaFailure.Violation: SwiftProtobuf.Message, SwiftProtobuf._MessageImplementationBase,
    SwiftProtobuf._ProtoNameProviding
{
    public static let protoMessageName = "google.rpc.QuotaFailure.Violation"
    public static let _protobuf_nameMap = SwiftProtobuf._NameMap(bytecode: "\0\u{1}subject\0\u{1}description\0")

    public mutating func decodeMessage<D: SwiftProtobuf.Decoder>(decoder: inout D) throws {
        while let fieldNumber = try decoder.nextFieldNumber() {
            switch fieldNumber {
            case 1: try decoder.decodeSingularStringField(value: &self.subject)
            case 2: try decoder.decodeSingularStringField(value: &self.description)
            default: break
            }
        }
    }

    public func traverse<V: SwiftProtobuf.Visitor>(visitor: inout V) throws {
        if !self.subject.isEmpty { try visitor.visitSingularStringField(value: self.subject, fieldNumber: 1) }
        if !self.description.isEmpty { try visitor.visitSingularStringField(value: self.description, fieldNumber: 2) }
        try self.unknownFields.traverse(visitor: &visitor)
    }

    public static func == (lhs: GoogleRPCQuotaFailure.Violation, rhs: GoogleRPCQuotaFailure.Violation) -> Bool {
        lhs.subject == rhs.subject && lhs.description == rhs.description && lhs.unknownFields == rhs.unknownFields
    }
}
