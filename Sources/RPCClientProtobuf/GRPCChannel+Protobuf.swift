public import RPCClient
public import RPCFraming
public import SwiftProtobuf

/// Typed calls over SwiftProtobuf messages; bytes stay the transport's business.
extension GRPCChannel {
    /// Makes a unary call with protobuf messages.
    ///
    /// - Throws: ``RPCError`` with the call's status; INTERNAL when the response does not decode as `Response`.
    public func unary<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        path: String,
        request: Request,
        responseType: Response.Type = Response.self,
        metadata: Metadata = Metadata(),
        timeout: Duration? = nil
    ) async throws -> Response {
        let bytes: [UInt8] = try request.serializedBytes()
        let response = try await self.unary(path: path, request: bytes, metadata: metadata, timeout: timeout)
        return try ProtobufResponseDecoding.decode(response.message)
    }

    /// Starts a server-streaming call with protobuf messages.
    public func serverStreaming<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        path: String,
        request: Request,
        responseType: Response.Type = Response.self,
        metadata: Metadata = Metadata(),
        timeout: Duration? = nil
    ) throws -> MessageStream<Response> {
        let bytes: [UInt8] = try request.serializedBytes()
        let responses = self.serverStreaming(path: path, request: bytes, metadata: metadata, timeout: timeout)
        return MessageStream(responses: responses)
    }
}

/// The typed responses of a server-streaming call: a ``ResponseStream`` whose messages are decoded.
public struct MessageStream<Message: SwiftProtobuf.Message>: AsyncSequence, Sendable {
    public typealias Element = Message
    public typealias Failure = any Error

    /// The raw stream, for its metadata and ``ResponseStream/cancel()``.
    public let responses: ResponseStream

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: self.responses.makeAsyncIterator())
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: ResponseStream.AsyncIterator

        public mutating func next() async throws -> Message? {
            guard let bytes = try await self.base.next() else { return nil }
            return try ProtobufResponseDecoding.decode(bytes)
        }
    }
}

enum ProtobufResponseDecoding {
    /// A response that does not decode is the server's fault (or a wrong method): INTERNAL, naming the type.
    static func decode<Message: SwiftProtobuf.Message>(_ bytes: [UInt8]) throws -> Message {
        do {
            return try Message(serializedBytes: bytes)
        } catch {
            throw RPCError(
                code: .internalError,
                message: "cannot decode the response as \(Message.protoMessageName): \(error)"
            )
        }
    }
}
