public import RPCFraming
public import RPCServer
public import SwiftProtobuf

/// A typed request: the decoded message and the call's metadata.
public struct Request<Message: SwiftProtobuf.Message>: Sendable {
    public var message: Message
    public var metadata: Metadata
}

/// Writes typed messages of a server-streaming response.
public struct MessageWriter<Message: SwiftProtobuf.Message>: Sendable {
    let writer: RPCWriter

    public func write(_ message: Message) async throws {
        try await self.writer.write(try ProtobufCoding.encode(message))
    }
}

/// Registers handlers written over SwiftProtobuf messages; bytes stay the transport's business.
extension RPCRouter {
    public mutating func registerUnary<Input: SwiftProtobuf.Message, Output: SwiftProtobuf.Message>(
        service: String,
        method: String,
        handler: @escaping @Sendable (Request<Input>, ServerContext) async throws -> Output
    ) {
        self.registerUnary(service: service, method: method) { request, context in
            let input: Input = try ProtobufCoding.decode(request.message)
            let output = try await handler(Request(message: input, metadata: request.metadata), context)
            return ServerResponse(message: try ProtobufCoding.encode(output))
        }
    }

    public mutating func registerServerStreaming<Input: SwiftProtobuf.Message, Output: SwiftProtobuf.Message>(
        service: String,
        method: String,
        handler: @escaping @Sendable (Request<Input>, MessageWriter<Output>, ServerContext) async throws -> Void
    ) {
        self.registerServerStreaming(service: service, method: method) { request, context in
            let input: Input = try ProtobufCoding.decode(request.message)
            return StreamingServerResponse { writer in
                try await handler(Request(message: input, metadata: request.metadata), MessageWriter(writer: writer), context)
                return Metadata()
            }
        }
    }
}

/// Binary protobuf coding with the statuses a client should see.
public enum ProtobufCoding {
    /// An undecodable request is the client's fault: INVALID_ARGUMENT, naming the message type.
    public static func decode<Message: SwiftProtobuf.Message>(_ bytes: [UInt8]) throws -> Message {
        do {
            return try Message(serializedBytes: bytes)
        } catch {
            throw RPCError(
                code: .invalidArgument,
                message: "cannot decode the request as \(Message.protoMessageName): \(error)"
            )
        }
    }

    public static func encode<Message: SwiftProtobuf.Message>(_ message: Message) throws -> [UInt8] {
        do {
            return try message.serializedBytes()
        } catch {
            throw RPCError(code: .internalError, message: "cannot encode the response as \(Message.protoMessageName)")
        }
    }
}
