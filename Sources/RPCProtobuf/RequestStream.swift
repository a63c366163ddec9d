public import RPCFraming
public import RPCServer
public import SwiftProtobuf

/// The typed request side of a bidirectional-streaming call: the metadata and the decoded messages.
public struct RequestStream<Message: SwiftProtobuf.Message>: Sendable {
    public var metadata: Metadata
    public var messages: Messages

    public init(metadata: Metadata, messages: RPCRequestMessages) {
        self.metadata = metadata
        self.messages = Messages(base: messages)
    }

    /// Decodes each request message; an undecodable one throws INVALID_ARGUMENT, as for unary calls.
    public struct Messages: AsyncSequence, Sendable {
        public typealias Element = Message

        let base: RPCRequestMessages

        public func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(base: self.base.makeAsyncIterator())
        }

        public struct AsyncIterator: AsyncIteratorProtocol {
            var base: RPCRequestMessages.AsyncIterator

            public mutating func next() async throws -> Message? {
                guard let bytes = try await self.base.next() else { return nil }
                return try ProtobufCoding.decode(bytes)
            }
        }
    }
}

extension RPCRouter {
    /// Registers a bidirectional-streaming method over SwiftProtobuf messages. The handler reads `requests` while it
    /// writes to `responses`; returning ends the call with OK, throwing an ``RPCError`` ends it with that status.
    public mutating func registerBidirectionalStreaming<Input: SwiftProtobuf.Message, Output: SwiftProtobuf.Message>(
        service: String,
        method: String,
        handler: @escaping @Sendable (RequestStream<Input>, MessageWriter<Output>, ServerContext) async throws -> Void
    ) {
        self.registerBidirectionalStreaming(service: service, method: method) { request, context in
            let requests = RequestStream<Input>(metadata: request.metadata, messages: request.messages)
            return StreamingServerResponse { writer in
                try await handler(requests, MessageWriter(writer: writer), context)
                return Metadata()
            }
        }
    }
}
